"""Scoring a concept as ONE score: the user's word when it matches, else the best of its synonyms.

Whoosh 2.7.4's DisjunctionMax is unusable as it stands: DisjunctionMaxMatcher.score() takes the max of
both sub-matchers' scores without checking that they are on the current document, so every document
gets the largest score any alternative has anywhere (and its replace() drops a still-active side).
Whoosh is frozen, so the fix lives here: the same tree of binary matchers, scoring only the sides
positioned on the current document, and no block-quality pruning (correctness over that shortcut).
"""

from __future__ import annotations

from whoosh import query as wq

from indexer.index.whoosh_compat import DisjunctionMaxMatcher, NullMatcher, make_binary_tree


class _BestMatcher(DisjunctionMaxMatcher):
    """Union of two matchers; the score is the higher of the sides that match the current document."""

    def supports_block_quality(self) -> bool:
        return False

    def _on(self) -> list:
        current = self.id()
        return [m for m in (self.a, self.b) if m.is_active() and m.id() == current]

    def score(self) -> float:
        return max(m.score() for m in self._on())

    def replace(self, minquality: float = 0) -> object:
        a_on, b_on = self.a.is_active(), self.b.is_active()
        if not (a_on or b_on):
            return NullMatcher()
        if not a_on:
            return self.b.replace(minquality)
        if not b_on:
            return self.a.replace(minquality)
        return self


class _FirstMatcher(_BestMatcher):
    """Union of two matchers; the first side's score where it matches, else the second side's."""

    def score(self) -> float:
        return self._on()[0].score()


class BestOf(wq.DisjunctionMax):
    """Matches any subquery; a document scores as its best-scoring subquery (boosts applied inside).

    first_wins: where the first subquery matches, its score is the document's (the user's own word
    counts as itself, a rarer synonym in the same paragraph does not lift it); elsewhere the best of
    the others.
    """

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0, first_wins: bool = False) -> None:
        super().__init__(subqueries, boost=boost)
        self.first_wins = first_wins

    def _matcher(self, subs, searcher, context):  # noqa: ANN001, ANN202 - Whoosh's signature
        matchers = [q.matcher(searcher, context) for q in subs]
        if len(matchers) == 1:
            return matchers[0]
        if not self.first_wins:
            return make_binary_tree(_BestMatcher, matchers)
        rest = matchers[1] if len(matchers) == 2 else make_binary_tree(_BestMatcher, matchers[1:])
        return _FirstMatcher(matchers[0], rest)
