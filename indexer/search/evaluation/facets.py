"""Facets: the selection a user ticked (institution, year, theme) and the counts shown beside each value.

Multi-select rule: values within a facet are ORed, facets are ANDed; each facet's counts are taken over
the matched paragraphs within the OTHER facets' selections, so ticking a value never hides its siblings.
Counting goes through the build's facet cells (indexer/search/evaluation/cells.py): one bincount over the hits
for all three facets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from indexer.limits import SearchArgumentError, YearError, parse_year_span
from indexer.search.evaluation.cells import cells
from indexer.search.evaluation.context import BuildContext, Column
from indexer.search.evaluation.sets import intersect, union

FACETS = ("institution", "year", "theme")
FACET_LABELS = {"institution": "机构", "year": "年份", "theme": "主题"}  # what users read (web, CLI, messages)

Chosen = Mapping[str, Sequence[str]]


def parse_year(value: str) -> tuple[int, int] | None:
    """'2019' → (2019, 2019); '2017-2021' → (2017, 2021); anything else → None (see indexer.limits)."""
    try:
        return parse_year_span(value, ordered=False)
    except YearError:
        return None


def selection(ctx: BuildContext, facet: str, values: Sequence[str]) -> np.ndarray | None:
    """Paragraphs carrying any selected value of one facet (None when nothing is selected)."""
    if not values:
        return None
    got = []
    for v in values:
        if facet == "year":
            rng = parse_year(v)
            if rng is not None:
                got.append(ctx.years.between(*rng, ctx.live))
        else:
            got.append(ctx.columns[facet].docs(v, ctx.live))
    return union(got, ctx.size)


def filtered(ctx: BuildContext, matched: np.ndarray, chosen: Chosen) -> tuple[np.ndarray, dict[str, np.ndarray | None]]:
    """The hits (matched paragraphs within every facet's selection) and each facet's selection."""
    selected = {f: selection(ctx, f, tuple(chosen.get(f, ()))) for f in FACETS}
    hits = matched
    for sel in selected.values():
        if sel is not None:
            hits = intersect(hits, sel)
    return hits, selected


def allowed(ctx: BuildContext, chosen: Chosen) -> np.ndarray | None:
    """The paragraphs the selection lets through (None: no selection)."""
    out: np.ndarray | None = None
    for sel in filtered(ctx, ctx.universe[:0], chosen)[1].values():
        if sel is not None:
            out = sel if out is None else intersect(out, sel)
    return out


def count(ctx: BuildContext, matched: np.ndarray, selected: Mapping[str, np.ndarray | None], chosen: Chosen
          ) -> dict[str, dict[str, int]]:
    """Counts per facet value over the matched paragraphs, each facet with the other facets' filters only
    (facets with the same other filters, all of them when nothing is selected, share one count: cells.py)."""
    table = cells(ctx)
    made: dict[tuple[str, ...], dict[str, np.ndarray]] = {}
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        others = tuple(f for f, sel in selected.items() if f != facet and sel is not None)
        got = made.get(others)
        if got is None:
            base = matched
            for f in others:
                base = intersect(base, selected[f])  # type: ignore[arg-type]
            got = made[others] = table.counts(ctx, base)
        picked = tuple(chosen.get(facet, ()))
        out[facet] = (_years_shown(ctx, got[facet], picked) if facet == "year" else
                      _values_shown(ctx.columns[facet], got[facet], picked, table.rank[facet]))
    return out


def known_values(ctx: BuildContext, facet: str) -> list:
    """The values of a facet that live paragraphs carry (years as ints), sorted."""
    if facet == "year":
        live = ctx.live
        docs = ctx.years.docs
        present = np.bincount(ctx.years.index[live[docs]] if live is not None else ctx.years.index,
                              minlength=len(ctx.years.values))
        return [y for y, n in zip(ctx.years.values, present.tolist()) if n]
    column = ctx.columns[facet]
    of = column.of if ctx.live is None else column.of[ctx.live]
    present = np.bincount(of[of >= 0], minlength=len(column.values))
    return sorted(v for v, n in zip(column.values, present.tolist()) if n)


def check_known(ctx: BuildContext, institutions: Sequence[str] = (), themes: Sequence[str] = ()) -> None:
    """SearchArgumentError for an institution or theme value the build does not have, listing the options.

    The one unknown-value rule: trends and a strict search (the CLI and the API) report a typo instead of 0 hits;
    a lenient search (the page) answers 0 hits and keeps the value as a removable chip. Years are only
    format-checked (a year without reports is a real answer: none).
    """
    for facet, values in (("institution", institutions), ("theme", themes)):
        if not values:
            continue
        known = [str(v) for v in known_values(ctx, facet)]
        for v in values:
            if v not in known:
                options = known[:30]
                more = f" 等 {len(known)} 项" if len(known) > len(options) else ""
                raise SearchArgumentError(f"未知{FACET_LABELS[facet]}：{v}（可选：{'、'.join(options)}{more}）")


def _years_shown(ctx: BuildContext, n: np.ndarray, chosen: Sequence[str]) -> dict[str, int]:
    """The year facet as shown: non-zero counts and a selected single year (count 0, so it can be unticked), in order."""
    counts = {str(ctx.years.values[i]): int(n[i]) for i in np.flatnonzero(n).tolist()}
    for v in chosen:
        rng = parse_year(v)
        known = rng is not None and any(rng[0] <= y <= rng[1] for y in ctx.years.values)
        if known and rng is not None and rng[0] == rng[1]:
            counts.setdefault(str(rng[0]), 0)
    return {k: counts[k] for k in sorted(counts)}


def _values_shown(column: Column, n: np.ndarray, chosen: Sequence[str], rank: np.ndarray) -> dict[str, int]:
    """An institution or theme facet as shown: non-zero counts and the selected values the build has (count 0, so
    they can be unticked), by count, then name (rank: each value id's place by name)."""
    keep = np.flatnonzero(n)
    extra = [column.ids[v] for v in chosen if v in column.ids and not n[column.ids[v]]]
    if extra:
        keep = np.union1d(keep, extra)
    keep = keep[np.lexsort((rank[keep], -n[keep]))]
    return dict(zip([column.values[i] for i in keep.tolist()], n[keep].tolist()))
