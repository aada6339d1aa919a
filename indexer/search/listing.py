"""What a results page lists, in order: full matches in their ranking tiers, then partial (hits.partial),
related and semantic-only paragraphs when full matches are few (engine.search puts the page together).

Tiers of full matches (best()):
1. the user's own words whole in the paragraph's text (what its reader sees it say);
2. substring-only and synonym-only matches in the text;
3. when the synonyms added words: matches only through the section heading (the paragraph sits under a
   heading with the user's words but its text says neither them nor a synonym). Without expansion a heading
   match stays in tier 1, as before (it ranks by its boosted section score there): the heading is then
   the best evidence there is beside a substring.
Nothing that is not a full match ever comes before one.
"""

from __future__ import annotations

import numpy as np

from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.facets import allowed
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sets import intersect, minus, union
from indexer.search.features.partial import split_query
from indexer.search.features.related import RELATED_BELOW, Related, candidate_terms, query_words, related_docs
from indexer.search.language.query import Node, Phrase, units
from indexer.search.language.synonyms import Synonyms
from indexer.search.scoring.plan import SumClause, plan
from indexer.search.scoring.rank import ranked as rank_docs

Ranked = list[tuple[int, float]]
Chosen = dict[str, tuple[str, ...]]


def quoted_only(tree: Node | None) -> bool:
    """Whether every word the user typed is inside quotes (a Ctrl-F search: nothing related, nothing semantic)."""
    return all(isinstance(u, Phrase) for u in units(tree))


def tiers(m: Matcher, tree: Node | None, hits: np.ndarray, own_tree: Node | None) -> list[tuple[np.ndarray, SumClause | None]]:
    """The hits split into the ranking tiers (module docstring), each with the clauses that rank it.

    own_tree: the unexpanded query, when tree is expanded. Tiers 1 and 3 hold the user's own words whole, so
    every concept scores as its word there: the unexpanded query ranks them identically; tier 2 is ranked
    by the expanded query.
    """
    clauses = plan(tree, m.words)
    own = plan(own_tree, m.words) if own_tree is not None else clauses
    if clauses is None:
        return [(hits, own)]
    whole = intersect(hits, m.evaluate(tree, whole_words=True))
    if own_tree is None:
        return [(whole, own), (minus(hits, whole), clauses)]
    in_text = intersect(whole, m.text_only().evaluate(tree, whole_words=True))
    return [(in_text, own), (minus(hits, whole), clauses), (minus(whole, in_text), own)]


def _walk(ctx: BuildContext, m: Matcher, groups: list[tuple[np.ndarray, SumClause | None]], offset: int, count: int) -> Ranked:
    docs: Ranked = []
    for group, scoring in groups:
        if len(docs) >= count:
            break
        docs += rank_docs(ctx, m.terms, scoring, group, max(0, offset), count - len(docs))
        offset -= len(group)
    return docs


def best(ctx: BuildContext, m: Matcher, tree: Node | None, hits: np.ndarray, offset: int, count: int,
         own_tree: Node | None = None) -> Ranked:
    """hits[offset:offset+count] in rank order, tier by tier."""
    if offset >= len(hits) or count <= 0:
        return []
    return _walk(ctx, m, tiers(m, tree, hits, own_tree), offset, count)


def pool(ctx: BuildContext, m: Matcher, tree: Node | None, chosen: Chosen) -> np.ndarray:
    """The paragraphs the facet selection and the query's filters and NOTs let through."""
    out = allowed(ctx, chosen)
    for c in split_query(m, tree)[1]:
        out = m.evaluate(c) if out is None else intersect(out, m.evaluate(c))
    return ctx.universe if out is None else out


def listed(ctx: BuildContext, *lists: Ranked | np.ndarray) -> np.ndarray:
    """The docnums of several listings, as one sorted array."""
    arrays = [np.array(sorted(d for d, _s in x), dtype=np.intp) if isinstance(x, list) else x for x in lists]
    return union(arrays, ctx.size)


def related(ctx: BuildContext, m: Matcher, tree: Node | None, found: np.ndarray, feedback: list[int],
            partial_docs: Ranked, chosen: Chosen, synonyms: Synonyms | None) -> Related:
    """Related paragraphs (features/related.py) filling the first page after the full and partial matches."""
    out = Related()
    room = RELATED_BELOW - len(found) - len(partial_docs)
    if room <= 0 or tree is None or not units(tree):
        return out
    vocabulary = synonyms.vocabulary() if synonyms is not None else None
    out.terms = candidate_terms(m, feedback, query_words(m, tree), vocabulary)
    out.tree, docs = related_docs(m, out.terms, listed(ctx, found, partial_docs), pool(ctx, m, tree, chosen))
    out.docs = rank_docs(ctx, m.terms, plan(out.tree, m.words), docs, 0, room) if len(docs) else []
    return out
