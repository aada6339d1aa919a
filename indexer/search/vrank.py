"""ranking.top's bounds as array operations: every Term clause's BM25F over all its postings as one
vectorised expression, the lower bounds LB and upper bounds as dense per-docnum vectors, the best
candidates by argpartition. The finalists are still scored exactly by Whoosh (ranking.exact), so the
result is ranking.top's: the bounds only decide which documents are scored, and a bound that differs
in the last bit is absorbed by ranking.EPSILON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.index.whoosh_compat import bm25f_params
from indexer.search.bestof import BestOf
from indexer.search.ranking import EPSILON, MAX_FINALISTS, SMALL_SET, Norms, Postings, exact, top

if TYPE_CHECKING:
    from indexer.search.vector import ArrayPostings

Dense = tuple[np.ndarray, np.ndarray]  # a Term clause's BM25F by docnum (0 where absent), and its docnums


def term_vector(s: Searcher, ids: np.ndarray, tf: np.ndarray, norms: Norms, fieldname: str, text: str
                ) -> Dense | None:
    """BM25F(fieldname:text) of every posting as a dense vector, the same floats as ranking.term_scores."""
    params = bm25f_params(s.weighting, fieldname)
    if params is None:
        return None
    b, k1 = params
    out = np.zeros(s.doc_count_all(), dtype=np.float64)
    btext = s.schema[fieldname].to_bytes(text)
    if not len(ids) or s.doc_frequency(fieldname, btext) == 0:
        return out, ids[:0]
    idf = s.idf(fieldname, btext)
    avgfl = s.avg_field_length(fieldname) or 1
    table = np.frombuffer(norms.get(s, fieldname, b, k1, avgfl), dtype=np.float64)
    w = tf.astype(np.float64)
    # idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))): the same IEEE operations, in order
    out[ids] = idf * (((k1 + 1) * w) / (w + table[ids]))
    return out, ids


def _best(cands: np.ndarray, values: np.ndarray, need: int) -> np.ndarray:
    """The need candidates with the largest values (any order among ties at the edge)."""
    if len(cands) <= need:
        return cands
    return cands[np.argpartition(-values, need - 1)[:need]]


def _exact(s: Searcher, scorer: wq.Or, docs: np.ndarray, postings: Postings) -> list[tuple[int, float]]:
    return exact(s, scorer, np.sort(docs).tolist(), postings)


def top_arrays(s: Searcher, postings: ArrayPostings, norms: Norms, scorer: wq.Or, docs: frozenset[int], need: int,
               vectors: dict[tuple[str, str], Dense | None]) -> list[tuple[int, float]] | None:
    """ranking.top with its bounds computed as arrays; vectors: the query's term vectors (filled here)."""
    if len(docs) <= SMALL_SET or (len(docs) <= MAX_FINALISTS and any(isinstance(c, BestOf) for c in scorer.subqueries)):
        return top(s, postings, norms, scorer, docs, need)
    def vec(fieldname: str, text: str) -> Dense | None:
        key = (fieldname, text)
        if key not in vectors:
            ids, tf = postings.arrays_of(fieldname, text)
            vectors[key] = term_vector(s, ids, tf, norms, fieldname, text)
        return vectors[key]

    size = s.doc_count_all()
    lb = np.zeros(size, dtype=np.float64)
    inlb = np.zeros(size, dtype=bool)
    phrases: list[tuple[float, list[Dense]]] = []
    for clause in scorer.subqueries:
        if isinstance(clause, wq.Term):
            got = vec(clause.fieldname, clause.text)
            if got is None:
                return None
            lb += clause.boost * got[0]
            inlb[got[1]] = True
        elif isinstance(clause, wq.Phrase):
            parts = [vec(clause.fieldname, w) for w in clause.words]
            dense = [p for p in parts if p is not None]
            if len(dense) < len(parts):
                return None
            if all(len(ids) for _, ids in dense):  # a phrase with an absent word matches nothing
                phrases.append((clause.boost, dense))
        else:
            return None
    docmask = np.zeros(size, dtype=bool)
    docmask[np.fromiter(docs, np.int64, len(docs))] = True
    ub = lb.copy()  # LB + Σ over phrase clauses of boost × their terms' BM25F here
    for boost, pieces in phrases:
        for p, _ in pieces:
            ub += boost * p
    cand = np.flatnonzero(docmask & inlb)
    if len(cand) < need:
        pool = np.flatnonzero(docmask)
        ranked = _best(pool, ub[pool], need)
        if len(ranked) < need or ub[ranked].min() <= 0:
            return exact(s, scorer, pool.tolist(), postings) if len(docs) <= MAX_FINALISTS else None
        first = _exact(s, scorer, ranked, postings)
        if len(first) < need:
            return exact(s, scorer, pool.tolist(), postings) if len(docs) <= MAX_FINALISTS else None
        threshold = min(v for _, v in first)
        floor = threshold - EPSILON * max(1.0, abs(threshold))
        keep = docmask & (ub >= floor)
    else:
        first = _exact(s, scorer, _best(cand, lb[cand], need), postings)
        if len(first) < need:
            return None
        threshold = min(v for _, v in first)
        margin = EPSILON * max(1.0, abs(threshold))
        rest = sum(boost * sum(float(p[ids].max()) for p, ids in pieces) for boost, pieces in phrases)
        cut = threshold - rest - margin
        keep = docmask & inlb & (lb >= cut)
        if cut <= 0:  # hits matching only Phrase clauses (LB 0): a phrase matches only where all its words do
            for _, pieces in phrases:
                smallest = min(pieces, key=lambda p: len(p[1]))[1]
                keep[smallest] |= docmask[smallest]
        keep &= ub >= threshold - margin
    keep[[d for d, _ in first]] = False
    finalists = np.flatnonzero(keep)
    if len(finalists) > MAX_FINALISTS:
        return None
    merged = first + exact(s, scorer, finalists.tolist(), postings)
    merged.sort(key=lambda x: (-x[1], x[0]))
    return merged[:need]
