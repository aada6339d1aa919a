"""The oracle's premises: the reference index (Whoosh's stock writer) holds the paragraphs the engine's build
holds (as its export shows them), one document each in corpus order, and the oracle's Ctrl-F (reading stored
text) finds what Whoosh's own positional bigram phrases find — so a disagreement in the other oracle tests is
the engine's, not the reference's. (That our build's Whoosh segments equal the stock writer's is the
product's own test, tests/engine/test_engine_segments.py; BM25F statistics show in every score compared.)"""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from indexer.export import iter_paragraphs
from tests.helpers.oracle_build import Pair


@pytest.mark.parametrize("corpus", ["generated", "bundled"])
def test_the_reference_holds_the_builds_paragraphs_in_corpus_order(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    ref = pair.oracle.searcher
    paragraphs = [p.id for r in pair.reports for p in r.paragraphs]
    assert ref.doc_count_all() == ref.doc_count() == len(paragraphs) == len(set(paragraphs))
    assert [ref.stored_fields(d)["id"] for d in range(ref.doc_count_all())] == paragraphs  # docnum = corpus order
    exported = list(iter_paragraphs(pair.store))
    assert [p["id"] for p in exported] == paragraphs
    stored = {f["id"]: f for f in (ref.stored_fields(d) for d in range(len(paragraphs)))}
    for p in exported:
        f = stored[p["id"]]
        assert (f["report"], f["institution"], f["theme"], f["section"], f["position"], f["text"]) == (
            p["report"], p["institution"], p["theme"], p["section"], p["position"], p["text"]), p["id"]
        assert f["years"] == " ".join(str(y) for y in p["years"])
    assert len(pair.institutions()) >= (15 if corpus == "generated" else 2) and len(pair.themes()) >= 4  # facets to filter by


@pytest.mark.parametrize("corpus", ["generated", "bundled"])
def test_ctrl_f_over_stored_text_is_whooshs_bigram_phrase(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    ev, s = pair.oracle.ev, pair.oracle.searcher
    rng = random.Random(5)
    texts = [d.squeezed for d in ev.docs.values()]
    checked = 0
    for _ in range(300):
        text = rng.choice(texts)
        n = rng.randint(2, min(8, len(text)))
        start = rng.randrange(len(text) - n + 1)
        needle = text[start : start + n]
        grams = [needle[i : i + 2] for i in range(len(needle) - 1)]
        q = wq.Term("text_bi", grams[0]) if len(grams) == 1 else wq.Phrase("text_bi", grams)
        assert ev.substring_docs(needle) == frozenset(s.docs_for_query(q)), needle
        checked += len(ev.substring_docs(needle)) > 1
    assert checked >= 40  # needles found in several paragraphs, not only where they were cut from
