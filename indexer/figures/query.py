"""Asking a build for figures: metric / institution / year filters → one row per statistic, every value kept.

A row is one metric (canonical id, else the report's own phrase) of one institution over one span of
years, in one unit and kind. Its `figures` are every statement of it, each with its paragraph: when a
five-year review and an annual report both state the 2021 caseload, the row holds both values side by
side (`conflict` says whether they differ); nothing is merged or averaged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from indexer.figures.catalog import may_match, read_catalog, with_phrase
from indexer.figures.metrics import Metric, MetricTable, load_metrics
from indexer.figures.model import Figure
from indexer.figures.phrases import normalise_metric
from indexer.figures.store import FIGURES_DIR, read_figures
from indexer.limits import check_filter_values, parse_year_span


@dataclass(frozen=True)
class FigureRow:
    """Every value one institution states for one metric over one span of years."""

    metric: str  # canonical id, or the metric phrase when the figures have no canonical metric
    label: str  # the canonical metric's Chinese label, or the phrase
    canonical: bool
    scope: str  # canonical rows: '' for the institution's whole caseload, else the subset named (一审刑事)
    institution: str
    years: tuple[int, ...]
    unit: str
    kind: str
    figures: tuple[Figure, ...]  # in corpus order; each links to its paragraph (Figure.paragraph)

    @property
    def conflict(self) -> bool:
        """True when the statements of this row disagree on the value."""
        return len({f.value for f in self.figures}) > 1

    def to_dict(self) -> dict:
        """The JSON shape of a row (the CLI's --json and the API later)."""
        return {
            "metric": self.metric, "label": self.label, "canonical": self.canonical, "scope": self.scope,
            "institution": self.institution, "years": list(self.years), "unit": self.unit, "kind": self.kind,
            "conflict": self.conflict, "figures": [f.to_dict() for f in self.figures],
        }


def _metric_test(metric: str | None, table: MetricTable) -> Callable[[Figure], bool] | None:
    """The metric filter as a test of one figure (its canonical id, or its phrase containing the text), built once
    per query; None without a metric filter."""
    if metric is None:
        return None
    known = table.get(metric)
    if known is not None:
        return lambda f: f.canonical == known.id
    wanted = normalise_metric(metric)
    return lambda f: wanted in normalise_metric(f.metric)


def _filters(institutions: Sequence[str], year: str | None) -> tuple[set[str], tuple[int, int] | None]:
    """The institution and year filters checked and parsed (a bad one raises SearchArgumentError)."""
    check_filter_values("机构", list(institutions))
    return set(institutions), parse_year_span(year) if year is not None else None


def select(figures: Iterable[Figure], table: MetricTable, *, metric: str | None = None,
           institutions: Sequence[str] = (), year: str | None = None, canonical_only: bool = False) -> list[FigureRow]:
    """Rows of the figures that pass the filters.

    metric: a canonical id or label (结案率, clearance_rate) selects that canonical metric; any other text
    selects figures whose phrase contains it. institutions: exact names (any of them). year: `2021` or
    `2017-2021` (limits.parse_year_span), selecting figures whose years overlap it. canonical_only: leave
    out figures without a canonical metric.
    """
    wanted, span = _filters(institutions, year)
    metric_ok = _metric_test(metric, table)
    order = {m.id: n for n, m in enumerate(table.metrics)}
    rows: dict[tuple, list[Figure]] = {}
    for f in figures:
        if canonical_only and f.canonical is None:
            continue
        if wanted and f.institution not in wanted:
            continue
        if span is not None and not any(span[0] <= y <= span[1] for y in f.years):
            continue
        if metric_ok is not None and not metric_ok(f):
            continue
        scope = table.scope(f.metric, f.canonical) if f.canonical else ""
        key = (f.canonical or f.metric, f.canonical is not None, scope, f.institution, f.years, f.unit, f.kind)
        rows.setdefault(key, []).append(f)
    out = []
    for (name, canonical, scope, institution, years, unit, kind), found in rows.items():
        known = table.get(name) if canonical else None
        label = known.label if known is not None else name
        out.append(FigureRow(name, label, canonical, scope, institution, years, unit, kind, tuple(found)))
    out.sort(key=lambda r: (not r.canonical, order.get(r.metric, 0), r.metric if not r.canonical else "", r.scope,
                            r.institution, r.years, r.kind, r.unit))
    return out


def query_build(build_dir: Path, meta: dict, *, metric: str | None = None, institutions: Sequence[str] = (),
                year: str | None = None, canonical_only: bool = False, table: MetricTable | None = None,
                catalog: dict[str, dict] | Literal[False] | None = None) -> list[FigureRow]:
    """select() over the figures of one build (its folder and build.json), reading only the reports' files its
    catalog (indexer/figures/catalog.py) says may hold a match. catalog: None reads it here; False (a build
    without one that reads, as a caller keeping it found) reads every file."""
    table = table or load_metrics()
    entries = read_catalog(Path(build_dir) / FIGURES_DIR) if catalog is None else None if catalog is False else catalog
    known = table.get(metric) if metric is not None else None
    reports = None
    if entries is not None:
        wanted, span = _filters(institutions, year)  # as select() does, before anything is read
        reports = [rid for rid, entry in entries.items()
                   if may_match(entry, canonical_id=known.id if known else None, institutions=wanted, span=span,
                                canonical_only=canonical_only)]
        if metric is not None and known is None:
            phrased = with_phrase(Path(build_dir) / FIGURES_DIR, entries, normalise_metric(metric))
            reports = [rid for rid in reports if rid in phrased] if phrased is not None else None
    return select(read_figures(build_dir, meta, reports, _line_test(known, institutions)), table, metric=metric,
                  institutions=institutions, year=year, canonical_only=canonical_only)


def _line_test(known: Metric | None, institutions: Sequence[str]) -> Callable[[str], bool] | None:
    """A test a stored figure line passes whenever its figure can pass the canonical-metric (known) and institution
    filters (their values appear in the line as JSON writes them), to skip decoding the others; None without them."""
    needle = json.dumps(known.id, ensure_ascii=False) if known is not None else None
    names = [json.dumps(name, ensure_ascii=False) for name in institutions]
    if needle is None and not names:
        return None
    return lambda line: (needle is None or needle in line) and (not names or any(n in line for n in names))
