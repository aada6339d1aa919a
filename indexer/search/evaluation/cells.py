"""Facet counting over one build's cells: a paragraph's cell is its report, institution and theme together, so the
counts of a hit set per institution, theme and year are one gather and one bincount over the hits, then sums over
the cells they fall in (a build has about as many cells as reports × themes, far fewer than paragraphs).

Years belong to a paragraph's report (BuildContext.report_years: the report × year incidence); were they not (no
build of this project), years are counted from the build's (docnum, year) pairs instead. Sums of counts are
exact in float64 (bincount's weights, the incidence product): every count is below 2**53.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.search.evaluation.context import BuildContext

CELLS_SLOT = "facets.cells"
VALUE_FACETS = ("institution", "theme")  # counted per column value; "year" per index into ctx.years.values


@dataclass(frozen=True)
class Cells:
    """Per build: each docnum's cell, and each cell's report and facet values (made once, read-only after)."""

    of: np.ndarray  # int32 per docnum: its cell
    values: dict[str, np.ndarray]  # per VALUE_FACETS column, per cell: value id (the column's size: none)
    report: np.ndarray  # per cell: report value id (the number of reports: none, report_years' last row)
    years: np.ndarray | None  # report_years as float64, None when years are not per report
    rank: dict[str, np.ndarray]  # per VALUE_FACETS column, per value id: its place among the values sorted by name

    def counts(self, ctx: BuildContext, docs: np.ndarray) -> dict[str, np.ndarray]:
        """How many of docs carry each value of each facet (institution and theme per value id, year per year)."""
        per_cell = np.bincount(self.of[docs], minlength=len(self.report))
        used = np.flatnonzero(per_cell)
        weight = per_cell[used].astype(np.float64)
        out = {}
        for name, value in self.values.items():
            size = len(ctx.columns[name].values)
            out[name] = np.bincount(value[used], weights=weight, minlength=size + 1)[:size].astype(np.int64)
        if self.years is not None:
            per_report = np.bincount(self.report[used], weights=weight, minlength=len(self.years))
            seen = np.flatnonzero(per_report)
            out["year"] = (per_report[seen] @ self.years[seen]).astype(np.int64)
        else:
            mask = np.zeros(ctx.size, dtype=bool)
            mask[docs] = True
            out["year"] = np.bincount(ctx.years.index[mask[ctx.years.docs]], minlength=len(ctx.years.values))
        return out


def _ids(ctx: BuildContext, name: str) -> tuple[np.ndarray, int]:
    """A column's value id per docnum with none (-1) as the column's size, and that size + 1."""
    column = ctx.columns[name]
    size = len(column.values)
    return np.where(column.of < 0, size, column.of).astype(np.int64), size + 1


def build_cells(ctx: BuildContext) -> Cells:
    """The build's cells (see the module docstring)."""
    report, reports = _ids(ctx, "report")
    institution, institutions = _ids(ctx, "institution")
    theme, themes = _ids(ctx, "theme")
    keys, of = np.unique((report * institutions + institution) * themes + theme, return_inverse=True)
    return Cells(
        of=of.reshape(-1).astype(np.int32),
        values={"institution": (keys // themes) % institutions, "theme": keys % themes},
        report=keys // (themes * institutions),
        years=None if ctx.report_years is None else ctx.report_years.astype(np.float64),
        rank={name: _name_rank(ctx.columns[name].values) for name in VALUE_FACETS},
    )


def _name_rank(values: list[str]) -> np.ndarray:
    """Each value's place in sorted(values) (Python's string order: what the facets are listed by)."""
    rank = np.zeros(len(values), dtype=np.int64)
    rank[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
    return rank


def cells(ctx: BuildContext) -> Cells:
    """The build's cells, made on first use and kept in the context's slots (an equal table if two requests race)."""
    got = ctx.slots.get(CELLS_SLOT)
    if got is None:
        got = ctx.slots[CELLS_SLOT] = build_cells(ctx)
    return got  # type: ignore[return-value]
