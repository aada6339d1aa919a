"""Positional checks over the posting arrays: phrases (consecutive positions) and ordered proximity.

A term's occurrences are int64 keys docnum << 32 | position, sorted (indexer/search/evaluation/terms.py),
so "term B right after term A in the same document" is "key_A + 1 is a key of B": one binary search per
occurrence, in numpy. The proximity rule is Whoosh's SpanNear2(ordered=True, mindist=1, slop=s), which
its Phrase query uses (slop 1 for a phrase): each next word at 1..s positions after the previous one.
"""

from __future__ import annotations

import numpy as np

from indexer.index.arrays import EMPTY
from indexer.search.evaluation.sets import distinct, members
from indexer.search.evaluation.terms import Terms

_SHIFT = np.int64(32)


def _docs(keys: np.ndarray) -> np.ndarray:
    return distinct(keys >> _SHIFT)


def phrase_docs(reader: Terms, fieldname: str, terms: list[str], within: np.ndarray) -> np.ndarray:
    """Docnums of `within` where terms occur at consecutive positions, in order."""
    if not terms or not len(within):
        return EMPTY
    keys = {t: reader.keys(fieldname, t, within) for t in dict.fromkeys(terms)}
    # anchor on the rarest term: every other one is then a lookup at a fixed offset from it
    k = min(range(len(terms)), key=lambda j: len(keys[terms[j]]))
    starts = keys[terms[k]] - k
    for j, term in enumerate(terms):
        if j != k and len(starts):
            starts = starts[members(starts + j, keys[term])]
    return _docs(starts) if len(starts) else EMPTY


def near_docs(reader: Terms, fieldname: str, terms: list[str], slop: int, within: np.ndarray) -> np.ndarray:
    """Docnums of `within` where the terms occur in order, each 1..slop positions after the previous one."""
    if slop <= 1:
        return phrase_docs(reader, fieldname, terms, within)
    if not terms or not len(within):
        return EMPTY
    reached = reader.keys(fieldname, terms[0], within)
    for term in terms[1:]:
        if not len(reached):
            return EMPTY
        nxt = reader.keys(fieldname, term, within)
        # the nearest earlier occurrence of the chain so far decides (any farther one is farther away)
        before = np.searchsorted(reached, nxt, side="left") - 1
        ok = before >= 0
        gap = nxt - reached[np.maximum(before, 0)]
        reached = nxt[ok & (gap >= 1) & (gap <= slop)]
    return _docs(reached) if len(reached) else EMPTY
