"""Trends: how often up to five queries match, year by year and institution by institution.

Each term is a full query (indexer/search/query.py) evaluated by the search's own Compiler, so a term's
count for a year is exactly the `total` of `search(store, term, years=[year], …)` with the same filters.
Definitions (what the README and the /trends page say):
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

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from indexer.index.store import Store
from indexer.limits import MAX_TREND_TERMS, SearchArgumentError, check_filter_values
from indexer.search.cache import BuildCache, searching
from indexer.search.compile import Compiler
from indexer.search.engine import check_facet_values
from indexer.search.facets import FacetMaps, selection
from indexer.search.query import parse
from indexer.search.synonyms import Synonyms
from indexer.search.synonyms import expand as expand_tree

COLUMNS_SLOT = "trends.columns"


class TrendArgumentError(SearchArgumentError):
    """A bad trend request (no term, an empty term, too many terms, a bad filter): the message is for the user."""


@dataclass(frozen=True)
class Columns:
    """Per-docnum institution and years of one build, so counting a hit set is one pass over its docnums."""

    institutions: tuple[str, ...]
    institution_of: array  # index into institutions, -1 for none
    years_of: tuple[tuple[int, ...], ...]


def _columns(maps: FacetMaps) -> Columns:
    size = maps._size()
    names = tuple(sorted(maps.institution))
    inst = np.full(size, -1, dtype=np.int32)
    for i, name in enumerate(names):
        inst[maps.institution.array(name)] = i
    years: list[tuple[int, ...]] = [()] * size
    for y in maps.year:  # maps.year is sorted, so each tuple comes out ascending
        for d in maps.year.array(y).tolist():
            years[d] += (y,)
    shared: dict[tuple[int, ...], tuple[int, ...]] = {}
    # one object per distinct year tuple: at 1M paragraphs the column is a pointer array, not 1M tuples
    return Columns(names, array("i", inst.tobytes()), tuple(shared.setdefault(ys, ys) for ys in years))


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


def _series(term: str, comp: Compiler, cols: Columns, allowed: frozenset[int] | None, years: list[int],
            denominators: dict[int, int], synonyms: Synonyms | None) -> dict:
    parsed = parse(term)
    expansion = expand_tree(parsed.tree, synonyms, comp.words)  # the search's own expansion (engine._expanded)
    hits = comp.evaluate(expansion.tree)
    if allowed is not None:
        hits = hits & allowed
    by_year: Counter[int] = Counter()
    grid: Counter[tuple[int, int]] = Counter()
    per_inst: Counter[int] = Counter()
    inst_of, years_of = cols.institution_of, cols.years_of
    for d in hits:
        i = inst_of[d]
        per_inst[i] += 1
        for y in years_of[d]:
            by_year[y] += 1
            grid[i, y] += 1
    first: dict[int, int] = {}
    for (i, y) in grid:
        first[i] = min(y, first.get(i, y))
    rows: dict[int, dict[str, int]] = {}
    for (i, y), n in sorted(grid.items(), key=lambda kv: kv[0][1]):
        rows.setdefault(i, {})[str(y)] = n
    order = sorted((i for i in per_inst if i >= 0), key=lambda i: (first.get(i, 10_000), -per_inst[i], cols.institutions[i]))
    notices = [n for n in (parsed.notice(), expansion.notice()) if n]
    return {
        "term": term,
        "notice": "。".join(notices) if notices else None,
        "expanded": expansion.added,
        "total": len(hits),
        "by_year": [
            {"year": y, "count": by_year[y],
             "per_1000": round(1000 * by_year[y] / denominators[y], 3) if denominators[y] else 0.0}
            for y in years
        ],
        "spread": [
            {"institution": cols.institutions[i], "first_year": first.get(i), "paragraphs": per_inst[i]} for i in order
        ],
        "grid": {cols.institutions[i]: rows.get(i, {}) for i in order},
    }


def _allowed(maps: FacetMaps, institutions: Sequence[str], themes: Sequence[str]) -> frozenset[int] | None:
    """Paragraphs the filters let through (None: no filter), with the search's multi-select rule."""
    out: frozenset[int] | None = None
    for facet, values in (("institution", institutions), ("theme", themes)):
        chosen = selection(maps, facet, tuple(values))
        if chosen is not None:
            out = chosen if out is None else out & chosen
    return out


def trends(store: Store, terms: Sequence[str], *, institutions: Sequence[str] = (),
           themes: Sequence[str] = (), synonyms: Synonyms | None = None, expand: bool = True) -> dict:
    """Counts of each term by year (raw and per 1,000 paragraphs), spread and institution × year grid.

    synonyms (read at the edges) expand each term's words unless expand is False, as in search().
    """
    cleaned = check_trend_args(terms, institutions, themes)
    check_facet_values(store, institutions=institutions, themes=themes)
    open_index = store.current()
    with searching(open_index) as (s, cache):
        cols = open_index.slot(COLUMNS_SLOT, lambda: _columns(cache.maps))
        allowed = _allowed(cache.maps, institutions, themes)
        denominators = _denominators(cache, allowed)
        years = [y for y, n in denominators.items() if n]
        comp = Compiler(s, cache)
        used = synonyms if expand else None
        series = [_series(t, comp, cols, allowed, years, denominators, used) for t in cleaned]
    return {
        "terms": cleaned,
        "expand": bool(expand),
        "filters": {"institution": list(institutions), "theme": list(themes)},
        "years": years,
        "paragraphs": {str(y): denominators[y] for y in years},
        "series": series,
    }


def _denominators(cache: BuildCache, allowed: frozenset[int] | None) -> dict[int, int]:
    """Paragraphs covering each year, under the filters (the per-1,000 denominator)."""
    maps = cache.maps
    if allowed is None:
        return {y: maps.year.size(y) for y in maps.year}
    return {y: len(allowed.intersection(maps.year.array(y).tolist())) for y in maps.year}
