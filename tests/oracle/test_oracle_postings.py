"""The posting arrays hold exactly the postings Whoosh's own writer writes for the same paragraphs (moved
and widened from tests/search/test_vector_differential.py, issue 17): for every searched field, every
term's documents, term frequencies and positions, each document's length byte, the total field length,
and the one-character lookups through the bigram term table."""

from __future__ import annotations

import numpy as np
import pytest
import whoosh.index

from indexer.index.whoosh_compat import byte_to_length
from indexer.search.evaluation.context import context
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sets import intersect, members, minus, union
from indexer.search.evaluation.terms import Terms
from tests.helpers.oracle_build import Pair

FIELDS = ("text", "section", "lead", "text_bi")


def _reference_postings(reader, fieldname: str, term: bytes) -> list[tuple[int, int, list[int]]]:
    m = reader.postings(fieldname, term)
    out = []
    while m.is_active():
        out.append((m.id(), int(m.weight()), list(m.value_as("positions"))))
        m.next()
    return out


def _ours(terms: Terms, fieldname: str, term: str) -> list[tuple[int, int, list[int]]]:
    p = terms.postings(fieldname, term)
    keys = terms.keys(fieldname, term)
    docs, pos = (keys >> 32).astype(np.int64), (keys & 0xFFFFFFFF).astype(np.int64)
    out = []
    for d, tf in zip(p.docs.tolist(), p.tf.tolist()):
        out.append((d, tf, pos[docs == d].tolist()))
    return out


@pytest.mark.parametrize("fieldname", FIELDS)
def test_every_sampled_term_has_whooshs_documents_frequencies_and_positions(generated: Pair, fieldname: str) -> None:
    ref = whoosh.index.open_dir(str(generated.reference))
    opened = generated.store.current()
    with ref.reader() as reader, opened.hold():
        ctx = context(opened)
        terms = Terms(ctx)
        assert len(ctx.segments) >= 2  # docnum bases of later segments are exercised
        lexicon = list(reader.lexicon(fieldname))
        assert lexicon
        ours_count = sum(len(arrays.terms) for arrays, _ in ctx.fields[fieldname])
        assert ours_count >= len(lexicon)  # each segment has its own table: every term is in at least one
        # the most frequent terms (many postings across segments) and an even sample of the rest
        frequent = sorted(lexicon, key=lambda t: -reader.doc_frequency(fieldname, t))[:25]
        for term in frequent + lexicon[:: max(1, len(lexicon) // 300)]:
            text = term.decode("utf-8")
            assert _ours(terms, fieldname, text) == _reference_postings(reader, fieldname, term), (fieldname, text)
            assert terms.postings(fieldname, text).df == reader.doc_frequency(fieldname, term)
        assert terms.postings(fieldname, "不存在的词语组合").empty


def test_lengths_and_statistics_are_whooshs(generated: Pair) -> None:
    ref = whoosh.index.open_dir(str(generated.reference))
    opened = generated.store.current()
    with ref.searcher() as s, opened.hold():
        ctx = context(opened)
        assert ctx.size == s.doc_count_all()
        for fieldname in FIELDS:
            assert ctx.total_lengths[fieldname] == s.reader().field_length(fieldname), fieldname
            ours = [byte_to_length(int(b)) for b in ctx.lengths[fieldname][::7]]
            want = [s.reader().doc_field_length(d, fieldname) or 0 for d in range(0, s.doc_count_all(), 7)]  # None: no terms
            assert ours == want, fieldname


def test_single_characters_are_found_from_the_term_table(generated: Pair) -> None:
    """A one-character needle: every paragraph whose folded text has it (bigrams starting or ending with it)."""
    opened = generated.store.current()
    texts = {p.id: "".join(p.text.split()) for r in generated.reports for p in r.paragraphs}
    with opened.hold():
        ctx = context(opened)
        ids = [ctx.stored(d)["id"] for d in range(ctx.size)]
        chars = sorted({ch for t in list(texts.values())[:400] for ch in t})
        assert len(chars) > 300
        m = Matcher(ctx)
        from indexer.analysis import normalize

        folded = {i: normalize(t) for i, t in texts.items()}
        for ch in chars:
            c = normalize(ch)
            got = {ids[d] for d in m.substring_docs(c).tolist()}
            assert got == {i for i, t in folded.items() if c in t}, ch


def test_set_operations_on_sorted_arrays() -> None:
    a = np.array([1, 3, 5, 7, 9], dtype=np.int32)
    b = np.array([3, 4, 5, 10], dtype=np.int32)
    assert intersect(a, b).tolist() == [3, 5] and minus(a, b).tolist() == [1, 7, 9]
    assert union([a, b]).tolist() == [1, 3, 4, 5, 7, 9, 10]
    assert members(a, b).tolist() == [False, True, True, False, False]
    big = np.arange(0, 100_000, 3, dtype=np.int32)  # dense enough for the mask path
    assert intersect(big, b).tolist() == [3] and members(b, big).tolist() == [True, False, False, False]
    sparse = np.array([5, 2_000_000_000], dtype=np.int64)  # sparse: binary search, no giant mask
    assert members(sparse, np.array([2_000_000_000], dtype=np.int64)).tolist() == [False, True]
    empty = np.zeros(0, dtype=np.int32)
    assert intersect(a, empty).tolist() == [] and minus(a, empty).tolist() == a.tolist() and union([]).tolist() == []
