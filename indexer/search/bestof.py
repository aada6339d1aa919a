"""Scoring a concept as ONE score: the user's word when it matches, else the best of its synonyms.

Whoosh 2.7.4's DisjunctionMax is unusable as it stands: its matcher gives every document the largest
score any alternative has anywhere. Whoosh is frozen, so the fix (best_of_matcher, which overrides the
matcher's internals) lives in indexer/index/whoosh_compat.py with the other Whoosh internals; this query
only hands it the subqueries' matchers.
"""

from __future__ import annotations

from whoosh import query as wq

from indexer.index.whoosh_compat import best_of_matcher


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
        return best_of_matcher([q.matcher(searcher, context) for q in subs], self.first_wins)
