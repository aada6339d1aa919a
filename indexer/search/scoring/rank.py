"""Ranking a hit set: the first `need` paragraphs by score, exactly, without checking every phrase.

Order: paragraphs some clause matches, by score descending then docnum (Whoosh's order); then the
ones no clause matches (a filter-only or NOT-only query, a one-character needle inside a bigram) in
corpus order.

The query's top-level phrase clauses (adjacency, proximity, multi-bigram needles) are the costly part:
positions. Every other clause is scored for all hits; a top-level phrase clause can add at most the sum
of its terms' scores where the paragraph has all of them (UB). With T the need-th best score without
phrases, only paragraphs whose score + UB reaches T can be in the first `need` (MaxScore), and only
those are checked with positions. When fewer than `need` paragraphs match a clause without phrases,
every hit is checked.
"""

from __future__ import annotations

import numpy as np

from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.terms import Terms
from indexer.search.scoring.plan import PhraseClause, SumClause, TermClause
from indexer.search.scoring.score import Candidates, Scorer

EPSILON = 1e-9  # relative slack for bounds compared with scores summed in another order


def _order(docs: np.ndarray, scores: np.ndarray, need: int) -> np.ndarray:
    """Indexes of the `need` best (score descending, docnum ascending), in that order."""
    if len(docs) > need:
        edge = np.partition(scores, len(scores) - need)[len(scores) - need]  # the need-th largest score
        keep = np.flatnonzero(scores >= edge)  # ties at the edge all kept, the docnum decides below
    else:
        keep = np.arange(len(docs))
    chosen = keep[np.lexsort((docs[keep], -scores[keep]))]
    return chosen[:need]


def ranked(ctx: BuildContext, terms: Terms, clauses: SumClause | None, docs: np.ndarray, offset: int,
           count: int) -> list[tuple[int, float]]:
    """docs[offset:offset+count] in rank order, with their scores (0.0 for unmatched ones)."""
    need = offset + count
    if count <= 0 or offset >= len(docs):
        return []
    matched_docs = np.zeros(0, dtype=np.intp)
    matched_scores = np.zeros(0, dtype=np.float64)
    if clauses is not None and len(docs):
        cand = Candidates(docs, ctx.size)
        scorer = Scorer(ctx, terms)
        phrases = [c for c in clauses.children if isinstance(c, PhraseClause)]
        rest = tuple(c for c in clauses.children if not isinstance(c, PhraseClause))
        scores, matched = scorer.total(rest, cand)
        if phrases:
            scores, matched = _with_phrases(scorer, cand, phrases, scores, matched, need)
        at = np.flatnonzero(matched)
        best = _order(docs[at], scores[at], need)
        matched_docs, matched_scores = docs[at][best], scores[at][best]
        unmatched = docs[~matched] if len(matched_docs) < need else np.zeros(0, dtype=np.intp)
    else:
        unmatched = docs
    out = list(zip(matched_docs.tolist(), matched_scores.tolist()))
    if len(out) < need and len(unmatched):
        order = ctx.order()[unmatched]
        first = np.argsort(order, kind="stable")[: need - len(out)]
        out += [(d, 0.0) for d in unmatched[first].tolist()]
    return out[offset:need]


def _with_phrases(scorer: Scorer, cand: Candidates, phrases: list[PhraseClause], scores: np.ndarray,
                  matched: np.ndarray, need: int) -> tuple[np.ndarray, np.ndarray]:
    """Add the phrase clauses, checking positions only where they could change the first `need`.

    With fewer than `need` matches so far every candidate is checked. Otherwise candidates are checked in
    order of their upper bound (score + what the phrases could add), in growing batches, until the next
    bound falls below the need-th best score known: T only grows as paragraphs are checked, so nothing
    left unchecked can reach the first `need`.
    """
    scores = scores.copy()
    matched = matched.copy()
    count = int(matched.sum())
    if count < need:
        for clause in phrases:
            s, m = scorer.phrase(clause, cand)
            scores += s
            matched |= m
        return scores, matched
    bound = np.zeros(len(cand), dtype=np.float64)
    for clause in phrases:
        bound += _phrase_bound(scorer, clause, cand)
    rest = np.flatnonzero(bound > 0)  # nothing to add elsewhere
    upper = scores[rest] + bound[rest]
    batch = max(4 * need, 256)
    while len(rest):
        floor = np.partition(scores[matched], count - need)[count - need]  # the need-th best known score
        if upper.max() < floor - EPSILON * max(1.0, abs(floor)):
            break
        pick = np.argpartition(-upper, batch - 1)[:batch] if len(rest) > batch else np.arange(len(rest))
        only = np.zeros(len(cand), dtype=bool)
        only[rest[pick]] = True
        for clause in phrases:
            s, m = scorer.phrase(clause, cand, only)
            scores += s
            matched |= m
        count = int(matched.sum())
        keep = np.ones(len(rest), dtype=bool)
        keep[pick] = False
        rest, upper = rest[keep], upper[keep]
        batch *= 4
    return scores, matched


def _phrase_bound(scorer: Scorer, clause: PhraseClause, cand: Candidates) -> np.ndarray:
    """What the phrase clause could add: boost × Σ of its terms' scores, where every term occurs."""
    total = np.zeros(len(cand), dtype=np.float64)
    present = np.ones(len(cand), dtype=bool)
    for t in clause.terms:
        s, m = scorer.term(TermClause(clause.field, t, clause.boost), cand)
        total += s
        present &= m
    return np.where(present, total, 0.0)
