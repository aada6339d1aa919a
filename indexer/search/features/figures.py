"""Figures asked for by metric, institution and year: the one answer of `reportsearch figures --json` and /api/figures.

The document (a dict, JSON as it is):
- metric / institutions / year: the filters as applied (metric None = every metric);
- metric_id / metric_label: the canonical metric the `metric` filter named, else None;
- metrics: the canonical metrics (id, label, units) a caller may choose from;
- total (rows), figures (statements in those rows), conflicts (rows whose statements disagree), truncated;
- rows: indexer.figures.query.FigureRow.to_dict() in its order — one metric and scope of one institution
  over one span of years in one unit and kind, every statement of it side by side (never merged).
A `limit` (the API's MAX_FIGURE_ROWS) keeps the first rows and sets `truncated`; the CLI passes none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from indexer.figures.catalog import read_catalog
from indexer.figures.metrics import MetricTable, load_metrics
from indexer.figures.query import query_build
from indexer.figures.store import FIGURES_DIR
from indexer.index.store import OpenIndex, Store, pinned
from indexer.limits import MAX_FILTER_CHARS, SearchArgumentError, check_filter_values, parse_year_span, year_label
from indexer.search.evaluation.context import context
from indexer.search.evaluation.facets import check_known

METRICS_SLOT = "figures.metrics"
CATALOG_SLOT = "figures.catalog"  # which reports' files a query reads (indexer/figures/catalog.py), kept per build


def metric_table(build: OpenIndex) -> MetricTable:
    """The canonical metrics (metrics.toml), read once per build: the build's figures were made with them
    (a changed file makes the next reindex full), so a request never re-reads and re-compiles the file."""
    return build.slot(METRICS_SLOT, load_metrics)


CSV_COLUMNS = ("metric", "label", "canonical", "scope", "institution", "years", "unit", "kind", "value", "direction",
               "approx", "baseline", "conflict", "span", "sentence", "paragraph", "report")


def check_figure_args(metric: object, institutions: object, year: object) -> tuple[str | None, list[str], str | None]:
    """(metric or None, institutions, year as `2019`/`2017-2021` or None); SearchArgumentError for bad values."""
    if metric is not None and not isinstance(metric, str):
        raise SearchArgumentError("指标必须是文本")
    cleaned = (metric or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_FILTER_CHARS:
        raise SearchArgumentError(f"指标过长（上限 {MAX_FILTER_CHARS} 字）。")
    if isinstance(institutions, str) or not isinstance(institutions, Sequence) \
            or not all(isinstance(v, str) for v in institutions):
        raise SearchArgumentError("机构筛选值必须是文本列表")
    names = list(dict.fromkeys(v.strip() for v in institutions if v.strip()))
    check_filter_values("机构", names)
    span = year_label(*parse_year_span(year)) if year is not None and str(year).strip() else None
    return cleaned, names, span


def figures(store: Store | OpenIndex, *, metric: str | None = None, institutions: Sequence[str] = (),
            year: str | None = None, limit: int | None = None, table: MetricTable | None = None) -> dict:
    """The figure rows of the current build that pass the filters (module docstring: the document)."""
    metric, names, span = check_figure_args(metric, institutions, year)
    build = pinned(store)
    with build.hold():
        table = table or metric_table(build)
        if names:
            check_known(context(build), names)  # a typo is a 400 listing the options, as in search and trend
        catalog = build.slot(CATALOG_SLOT, lambda: _catalog(build))
        rows = query_build(build.path, build.meta, metric=metric, institutions=names, year=span, table=table,
                           catalog=catalog)
    known = table.get(metric) if metric is not None else None
    shown = rows if limit is None else rows[:limit]
    return {
        "metric": metric,
        "metric_id": known.id if known else None,
        "metric_label": known.label if known else None,
        "institutions": names,
        "year": span,
        "metrics": [{"id": m.id, "label": m.label, "units": list(m.units)} for m in table.metrics],
        "total": len(rows),
        "figures": sum(len(r.figures) for r in rows),
        "conflicts": sum(r.conflict for r in rows),
        "truncated": len(shown) < len(rows),
        "rows": [r.to_dict() for r in shown],
    }


def _catalog(build: OpenIndex) -> dict[str, dict] | Literal[False]:
    """The build's figures catalog, False when it has none that reads (kept so, not looked for on every request)."""
    found = read_catalog(build.path / FIGURES_DIR)
    return found if found is not None else False


def figure_table(result: dict) -> list[list[object]]:
    """One line per statement (a row's figures one after another), header CSV_COLUMNS first: the CSV of both CLI and web."""
    out: list[list[object]] = [list(CSV_COLUMNS)]
    for row in result["rows"]:
        for f in row["figures"]:
            out.append([row["metric"], row["label"], row["canonical"], row["scope"], row["institution"], row["years"],
                        row["unit"], row["kind"], f["value"], f["direction"] or "", f["approx"] or "",
                        f["baseline"] or "", row["conflict"], f["span"], f["sentence"], f["paragraph"], f["report"]])
    return out
