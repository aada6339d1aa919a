"""Trends: how often up to five queries match, year by year and institution by institution.

Each term is a full query (indexer/search/language/query.py) evaluated by the search's own Compiler, so a term's
count for a year is exactly the `total` of `search(store, term, years=[year], …)` with the same filters.
Definitions (what docs/trends.md and the /trends page say):
- a paragraph counts in every year its report covers: a 2017–2021 review counts in each of those five
  years, as the year facet does;
- per_1000 = 1000 × count / paragraphs, where `paragraphs` (the denominator) is the number of paragraphs
  covering that year *under the same institution/theme filters*: the share of the selected corpus'
  paragraphs that year, so a year or an institution with more text does not look like a rise;
- spread: each institution with a match, ordered by the first year it matched (then more paragraphs,
  then name); `paragraphs` counts its distinct matching paragraphs (all of them are from that year on);
- grid: institution × year counts (non-zero cells only), the same year rule.
Filters follow the search's multi-select rule: values within a facet are ORed, facets are ANDed.
Synonyms expand each term exactly as search(…, synonyms=, expand=) does, so the counts stay the totals of
the searches the trends link to; each series' notice and `expanded` say which synonyms were added.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.index.store import Store
from indexer.limits import MAX_TREND_TERMS, SearchArgumentError, check_filter_values
from indexer.search.evaluation.context import BuildContext, context
from indexer.search.evaluation.facets import check_known, selection
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.sets import intersect
from indexer.search.language.query import parse
from indexer.search.language.synonyms import Synonyms
from indexer.search.language.synonyms import expand as expand_tree


class TrendArgumentError(SearchArgumentError):
    """A bad trend request (no term, an empty term, too many terms, a bad filter): the message is for the user."""


def check_trend_args(terms: object, institutions: object, themes: object) -> list[str]:
    """The stripped terms; raise TrendArgumentError for no/empty/too many terms or malformed filters."""
    if isinstance(terms, str) or not isinstance(terms, Sequence) or not all(isinstance(t, str) for t in terms):
        raise TrendArgumentError("检索词必须是文本列表")
    cleaned = [t.strip() for t in terms]
    if not cleaned:
        raise TrendArgumentError(f"请输入至少一个检索词（最多 {MAX_TREND_TERMS} 个）")
    if len(cleaned) > MAX_TREND_TERMS:
        raise TrendArgumentError(f"最多比较 {MAX_TREND_TERMS} 个检索词（收到 {len(cleaned)} 个）")
    for n, term in enumerate(cleaned, start=1):
        if not term or parse(term).tree is None:
            raise TrendArgumentError(f"第 {n} 个检索词是空的：请输入词语、短语或检索式")
    for name, values in (("机构", institutions), ("主题", themes)):
        if isinstance(values, str) or not isinstance(values, Sequence) or not all(isinstance(v, str) for v in values):
            raise TrendArgumentError(f"{name}筛选值必须是文本列表")
        check_filter_values(name, values)
    return cleaned


def _series(term: str, m: Matcher, allowed: np.ndarray | None, years: list[int], denominators: dict[int, int],
            synonyms: Synonyms | None) -> dict:
    ctx = m.ctx
    parsed = parse(term)
    expansion = expand_tree(parsed.tree, synonyms, m.words)  # the search's own expansion (engine._expanded)
    hits = m.evaluate(expansion.tree)
    if allowed is not None:
        hits = intersect(hits, allowed)
    names = ctx.columns["institution"].values
    inst = ctx.columns["institution"].of
    mask = np.zeros(ctx.size, dtype=bool)
    mask[hits] = True
    of_hits = inst[hits]
    per_inst = np.bincount(of_hits[of_hits >= 0], minlength=len(names))
    pairs = mask[ctx.years.docs]
    year_idx = ctx.years.index[pairs]
    pair_inst = inst[ctx.years.docs[pairs]]
    nyears = len(ctx.years.values)
    by_year = np.bincount(year_idx, minlength=nyears)
    ok = pair_inst >= 0
    grid = np.bincount(pair_inst[ok] * nyears + year_idx[ok], minlength=len(names) * nyears).reshape(len(names), nyears)
    counted = {y: int(by_year[i]) for i, y in enumerate(ctx.years.values)}
    first: dict[int, int] = {}
    rows: dict[int, dict[str, int]] = {}
    for i, j in zip(*np.nonzero(grid)):  # row by row, years ascending
        i, j = int(i), int(j)
        y = ctx.years.values[j]
        first.setdefault(i, y)
        rows.setdefault(i, {})[str(y)] = int(grid[i, j])
    order = sorted((i for i in np.flatnonzero(per_inst).tolist()),
                   key=lambda i: (first.get(i, 10_000), -int(per_inst[i]), names[i]))
    notices = [n for n in (parsed.notice(), expansion.notice()) if n]
    return {
        "term": term,
        "notice": "。".join(notices) if notices else None,
        "expanded": expansion.added,
        "total": len(hits),
        "by_year": [
            {"year": y, "count": counted.get(y, 0),
             "per_1000": round(1000 * counted.get(y, 0) / denominators[y], 3) if denominators[y] else 0.0}
            for y in years
        ],
        "spread": [{"institution": names[i], "first_year": first.get(i), "paragraphs": int(per_inst[i])} for i in order],
        "grid": {names[i]: rows.get(i, {}) for i in order},
    }


def _allowed(ctx: BuildContext, institutions: Sequence[str], themes: Sequence[str]) -> np.ndarray | None:
    """Paragraphs the filters let through (None: no filter), with the search's multi-select rule."""
    out: np.ndarray | None = None
    for facet, values in (("institution", institutions), ("theme", themes)):
        chosen = selection(ctx, facet, tuple(values))
        if chosen is not None:
            out = chosen if out is None else intersect(out, chosen)
    return out


def trends(store: Store, terms: Sequence[str], *, institutions: Sequence[str] = (),
           themes: Sequence[str] = (), synonyms: Synonyms | None = None, expand: bool = True) -> dict:
    """Counts of each term by year (raw and per 1,000 paragraphs), spread and institution × year grid.

    synonyms (read at the edges) expand each term's words unless expand is False, as in search().
    """
    cleaned = check_trend_args(terms, institutions, themes)
    open_index = store.current()
    with open_index.hold():
        ctx = context(open_index)
        check_known(ctx, institutions, themes)  # a typo is reported, not charted as zeros
        allowed = _allowed(ctx, institutions, themes)
        denominators = _denominators(ctx, allowed)
        years = [y for y, n in denominators.items() if n]
        m = Matcher(ctx)
        used = synonyms if expand else None
        series = [_series(t, m, allowed, years, denominators, used) for t in cleaned]
    return {
        "terms": cleaned,
        "expand": bool(expand),
        "filters": {"institution": list(institutions), "theme": list(themes)},
        "years": years,
        "paragraphs": {str(y): denominators[y] for y in years},
        "series": series,
    }


def _denominators(ctx: BuildContext, allowed: np.ndarray | None) -> dict[int, int]:
    """Paragraphs covering each year, under the filters (the per-1,000 denominator)."""
    keep = np.zeros(ctx.size, dtype=bool)
    keep[ctx.universe if allowed is None else allowed] = True
    n = np.bincount(ctx.years.index[keep[ctx.years.docs]], minlength=len(ctx.years.values))
    return {y: int(n[i]) for i, y in enumerate(ctx.years.values)}
