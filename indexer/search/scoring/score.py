"""Scoring clauses (indexer/search/scoring/plan.py) for a set of candidate paragraphs, as array operations.

Each clause gives, aligned with the candidates (a sorted docnum array): its score and whether it
matches. A term's postings are located among the candidates by a dense index (many candidates) or a
binary search (few), and only the postings that land are scored. Phrase clauses are checked with
positions (indexer/search/evaluation/positions.py) only in the candidates that have every term.
"""

from __future__ import annotations

import numpy as np

from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.positions import near_docs
from indexer.search.evaluation.sets import intersect
from indexer.search.evaluation.terms import Terms
from indexer.search.scoring.bm25 import bm25f
from indexer.search.scoring.plan import BestClause, Clause, PhraseClause, SumClause, TermClause

Scored = tuple[np.ndarray, np.ndarray]  # per candidate: score (float64), matched (bool)


class Candidates:
    """A sorted docnum array and where any docnum sits in it."""

    def __init__(self, docs: np.ndarray, size: int) -> None:
        self.docs = docs
        self.size = size
        self.scores: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}  # term → (indexes, BM25F), by Scorer
        self._where: np.ndarray | None = None
        if len(docs) * 16 > size:  # many: an index per docnum of the build beats a binary search per posting
            self._dense()

    def _dense(self) -> np.ndarray:
        if self._where is None:
            where = np.full(self.size, -1, dtype=np.intp)  # intp: what it gives indexes the candidates' scores
            where[self.docs] = np.arange(len(self.docs), dtype=np.intp)
            self._where = where
        return self._where

    def __len__(self) -> int:
        return len(self.docs)

    def locate(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(pick, at): docs[pick] are candidates, at their indexes among the candidates (docs sorted)."""
        if self._where is not None:
            at = self._where[docs]
            pick = np.flatnonzero(at >= 0)
            return pick, at[pick]
        cand = self.docs
        if not len(cand) or not len(docs):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if len(docs) * 64 > self.size and len(cand) * 64 > len(docs):
            # a long posting list against many candidates: a binary search per posting costs more than
            # filling one index per docnum of the build, once per request's candidates
            at = self._dense()[docs]
            pick = np.flatnonzero(at >= 0)
            return pick, at[pick]
        if len(docs) > 8 * len(cand):  # a long posting list: look each candidate up in it
            j = np.searchsorted(docs, cand)
            np.minimum(j, len(docs) - 1, out=j)
            hit = docs[j] == cand
            return j[hit], np.flatnonzero(hit)
        at = np.searchsorted(cand, docs)
        np.minimum(at, len(cand) - 1, out=at)
        pick = np.flatnonzero(cand[at] == docs)
        return pick, at[pick]


class Scorer:
    """Clause scores over candidates, for one request."""

    def __init__(self, ctx: BuildContext, terms: Terms) -> None:
        self.ctx = ctx
        self.terms = terms
        self.bm25 = bm25f(ctx)

    def term(self, clause: TermClause, cand: Candidates) -> Scored:
        """One term's BM25F × boost where it occurs among the candidates."""
        scores = np.zeros(len(cand), dtype=np.float64)
        matched = np.zeros(len(cand), dtype=bool)
        at, got = self._term(clause.field, clause.term, cand)
        if len(at):
            scores[at] = got * clause.boost if clause.boost != 1.0 else got
            matched[at] = True
        return scores, matched

    def _term(self, fieldname: str, term: str, cand: Candidates) -> tuple[np.ndarray, np.ndarray]:
        """(indexes among the candidates, BM25F there) of one term; once per candidate set and term."""
        key = (fieldname, term)
        got = cand.scores.get(key)
        if got is None:
            p = self.terms.postings(fieldname, term)
            if p.empty:
                got = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
            else:
                pick, at = cand.locate(p.docs)
                got = (at, self.bm25.scores(fieldname, p, pick))
            cand.scores[key] = got
        return got

    def phrase(self, clause: PhraseClause, cand: Candidates, only: np.ndarray | None = None) -> Scored:
        """Σ of the terms' BM25F × boost where the phrase matches (only: a mask of candidates to check)."""
        scores = np.zeros(len(cand), dtype=np.float64)
        matched = np.zeros(len(cand), dtype=bool)
        within = cand.docs if only is None else cand.docs[only]
        known = self.terms.phrases.get((clause.field, clause.terms)) if clause.slop == 1 else None
        if known is not None:  # the matcher found every paragraph with this phrase: no positions to read again
            found = intersect(within, known)
        else:
            for t in dict.fromkeys(clause.terms):
                if not len(within):
                    return scores, matched
                within = intersect(within, self.terms.postings(clause.field, t).docs)
            found = near_docs(self.terms, clause.field, list(clause.terms), clause.slop, within) if len(within) else within
        if not len(found):
            return scores, matched
        sub = Candidates(found, self.ctx.size)
        total = np.zeros(len(found), dtype=np.float64)
        for t in clause.terms:  # a repeated term counts each time (Whoosh sums its matchers)
            p = self.terms.postings(clause.field, t)
            pick, at = sub.locate(p.docs)
            total[at] += self.bm25.scores(clause.field, p, pick)
        _pick, at = cand.locate(found)
        scores[at] = total * clause.boost if clause.boost != 1.0 else total
        matched[at] = True
        return scores, matched

    def clause(self, clause: Clause, cand: Candidates) -> Scored:
        """Any clause's scores and matches over the candidates."""
        if isinstance(clause, TermClause):
            return self.term(clause, cand)
        if isinstance(clause, PhraseClause):
            return self.phrase(clause, cand)
        if isinstance(clause, SumClause):
            return self.total(clause.children, cand)
        return self.best(clause, cand)

    def total(self, children: tuple[Clause, ...], cand: Candidates) -> Scored:
        """The sum of the children's scores; matched where any matches."""
        scores = np.zeros(len(cand), dtype=np.float64)
        matched = np.zeros(len(cand), dtype=bool)
        for child in children:
            if isinstance(child, TermClause):  # added in place: no array of the candidates' size per term
                at, got = self._term(child.field, child.term, cand)
                if len(at):
                    scores[at] += got * child.boost if child.boost != 1.0 else got
                    matched[at] = True
            else:
                s, m = self.clause(child, cand)
                scores += s
                matched |= m
        return scores, matched

    def best(self, clause: BestClause, cand: Candidates) -> Scored:
        """The first alternative's score where it matches (first_wins), elsewhere the best matching one's."""
        got = [self.total(alt.children, cand) for alt in clause.alternatives]
        matched = np.logical_or.reduce([m for _, m in got]) if got else np.zeros(len(cand), dtype=bool)
        rest = got[1:] if clause.first_wins else got
        best = np.full(len(cand), -np.inf)
        for s, m in rest:
            np.maximum(best, np.where(m, s, -np.inf), out=best)
        if clause.first_wins and got:
            s0, m0 = got[0]
            best = np.where(m0, s0, best)
        return np.where(matched, best, 0.0), matched
