"""The oracle's premises: the reference index (Whoosh's stock writer) holds our build's documents at the same
docnums with the same BM25F statistics and postings, and the oracle's Ctrl-F (reading stored text) finds
what Whoosh's own positional bigram phrases find — so a disagreement in the other oracle tests is the
engine's, not the reference's."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from tests.helpers.oracle_build import Pair

FIELDS = ("text", "section", "lead", "text_bi")


@pytest.mark.parametrize("corpus", ["generated", "bundled"])
def test_the_reference_holds_our_builds_documents_postings_and_statistics(corpus: str,
                                                                          request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    ref = pair.oracle.searcher
    with pair.store.current().index.searcher() as ours:
        assert ours.doc_count_all() == ref.doc_count_all() == sum(len(r.paragraphs) for r in pair.reports)
        ids = [ref.stored_fields(d)["id"] for d in range(ref.doc_count_all())]
        assert [ours.stored_fields(d)["id"] for d in range(ours.doc_count_all())] == ids
        assert len(set(ids)) == len(ids)
        if corpus == "generated":
            assert len(list(ours.reader().leaf_readers())) >= 2  # our build has several segments: docnum bases matter
        for field in FIELDS:
            assert ours.field_length(field) == ref.field_length(field), field
            assert ([ours.reader().doc_field_length(d, field) for d in range(len(ids))]
                    == [ref.reader().doc_field_length(d, field) for d in range(len(ids))]), field
            terms = list(ref.reader().lexicon(field))
            assert terms == list(ours.reader().lexicon(field)), field
            for t in terms[:: 5 if field != "text_bi" else 25]:  # a sample: reading every posting list takes long
                mine, theirs = ours.reader().postings(field, t), ref.reader().postings(field, t)
                assert list(mine.items_as("weight")) == list(theirs.items_as("weight")), (field, t)


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
