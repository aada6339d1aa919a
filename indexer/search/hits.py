"""One request's query and hit set, and a page of it in the order asked for (what engine.py's functions share).

The query is q plus the `within` terms (在结果中检索: each one more required query, ANDed), each parsed and
expanded with the synonyms on its own. The hit set is exact (evaluation/matching.py); with `sentence` (同句)
it keeps the paragraphs where one sentence holds the query (evaluation/sentences.py). A page is ranked by
relevance — in the ranking tiers of listing.py — or by the reports' dates or added times with ties by relevance (scoring/order.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from indexer.limits import MAX_WITHIN_TERMS, SORTS, SearchArgumentError, check_filter_values
from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.facets import allowed
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sentences import SentenceMatch
from indexer.search.evaluation.sets import intersect
from indexer.search.features.partial import PARTIAL_BELOW, Part, partial_groups
from indexer.search.language.query import And, Node, ParsedQuery, parse
from indexer.search.language.synonyms import Synonyms
from indexer.search.language.synonyms import expand as expand_tree
from indexer.search.listing import best as listed_best
from indexer.search.scoring.order import ADDED, by_report_key
from indexer.search.scoring.plan import plan
from indexer.search.scoring.rank import ranked as rank_docs

Page = list[tuple[int, float]]


def check_options(sort: object, sentence: object, within: object, *, internal: bool = False) -> None:
    """SearchArgumentError for a sort that is not one of SORTS, a non-bool sentence, or bad within terms."""
    if sort not in SORTS and not (internal and sort == ADDED):
        raise SearchArgumentError(f"排序方式必须是 {'、'.join(SORTS)} 之一（收到 {str(sort)[:20]!r}）")
    if not isinstance(sentence, bool):
        raise SearchArgumentError(f"同句必须是真或假（收到 {str(sentence)[:20]!r}）")
    if isinstance(within, str) or not isinstance(within, (list, tuple)) or not all(isinstance(w, str) for w in within):
        raise SearchArgumentError("在结果中检索的词必须是文本列表")
    if len(within) > MAX_WITHIN_TERMS:
        raise SearchArgumentError(f"在结果中检索最多 {MAX_WITHIN_TERMS} 个词")
    check_filter_values("在结果中检索", within)


def _conj(trees: Sequence[Node | None]) -> Node | None:
    """The trees ANDed (None: no tree)."""
    flat: list[Node] = []
    for t in trees:
        if t is not None:
            flat.extend(t.children if isinstance(t, And) else (t,))
    return None if not flat else flat[0] if len(flat) == 1 else And(tuple(flat))


@dataclass
class Query:
    """A request's parsed query: q's tree and the within terms' trees, as typed and expanded."""

    parsed: ParsedQuery  # q and the within terms ANDed, with every notice
    tree: Node | None  # the expanded query, within terms included (what matches and is marked)
    own: Node | None  # the unexpanded query when the synonyms added something (the first tier's ranking)
    head: Node | None  # q's own part, expanded (what partial matches are made of)
    extra: list[Node]  # the within terms' trees, expanded (constraints of partial matches)
    added: dict[str, list[str]]


def prepare(m: Matcher, q: object, within: Sequence[str], synonyms: Synonyms | None, expand: bool) -> Query:
    """Parse and expand q and each within term (see the module docstring)."""
    parts = [parse(q if isinstance(q, str) else "")] + [parse(w) for w in within]
    expansions = [expand_tree(p.tree, synonyms if expand else None, m.words) for p in parts]
    added: dict[str, list[str]] = {}
    for e in expansions:
        for word, syns in e.added.items():
            added.setdefault(word, [])
            added[word] += [s for s in syns if s not in added[word]]
    plain = _conj([p.tree for p in parts])
    notices = [n for p in parts for n in p.notices]
    extra = [e.tree for e in expansions[1:] if e.tree is not None]
    return Query(ParsedQuery(plain, notices), _conj([e.tree for e in expansions]), plain if added else None,
                 expansions[0].tree, extra, added)


def matched(m: Matcher, query: Query, sentence: bool) -> tuple[np.ndarray, SentenceMatch | None]:
    """The paragraphs matching the query (before facet filters), and the 同句 evaluation when asked."""
    docs = m.evaluate(query.tree)
    if not sentence:
        return docs, None
    same = SentenceMatch(m, query.tree, docs)
    return same.docs, same


def best(ctx: BuildContext, m: Matcher, query: Query, hits: np.ndarray, offset: int, count: int) -> Page:
    """hits[offset:offset+count] by relevance, tier by tier (listing.py: the user's own words whole in the text
    first, substring-only and synonym-only matches next, heading-only matches last)."""
    return listed_best(ctx, m, query.tree, hits, offset, count, query.own)


def page(ctx: BuildContext, m: Matcher, query: Query, hits: np.ndarray, offset: int, count: int, sort: str) -> Page:
    """hits[offset:offset+count] in the order `sort` names (SORTS, or ADDED), with relevance scores."""
    if sort == "relevance":
        return best(ctx, m, query, hits, offset, count)
    return by_report_key(ctx, hits, sort, offset, count, lambda docs, o, c: best(ctx, m, query, docs, o, c))


def partial(ctx: BuildContext, m: Matcher, query: Query, hits: np.ndarray,
            chosen: dict[str, tuple[str, ...]]) -> tuple[list[Part], Page]:
    """The query's parts and the partial matches listed after fewer than PARTIAL_BELOW full ones: q's concepts
    only, every within term required like a filter."""
    if len(hits) >= PARTIAL_BELOW:
        return [], []
    room = allowed(ctx, chosen)
    for tree in query.extra:
        got = m.evaluate(tree)
        room = got if room is None else intersect(room, got)
    parts, groups = partial_groups(m, query.head, hits, room)
    left = PARTIAL_BELOW - len(hits)
    clauses = plan(query.tree, m.words)
    listed: Page = []
    for _n, docs in groups:  # most concepts first, by score within a group
        if len(listed) >= left:
            break
        listed += rank_docs(ctx, m.terms, clauses, docs, 0, left - len(listed))
    return parts, listed
