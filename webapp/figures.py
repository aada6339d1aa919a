"""/figures (a metric's institution × year table, chart and CSV), /api/figures (the CLI's `figures --json`) and the
links from every value to the sentence it came from (the report page marks it: ?cite=…#p<position>).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.limits import MAX_FIGURE_ROWS, MAX_REPORT_FIGURES, year_label
from webapp.figure_chart import figure_chart
from webapp.params import BadParameter, SearchParams
from webapp.state import get_store
from webapp.urls import report_url

bp = Blueprint("figures", __name__)

_CITE = re.compile(r"^(\d{1,7}):(\d{1,7})-(\d{1,7}):(\d{1,7})-(\d{1,7})$")


@dataclass(frozen=True)
class Cite:
    """The sentence (and the number in it) a figure link points at: paragraph position and text offsets."""

    position: int
    sentence: tuple[int, int]
    number: tuple[int, int]

    def pieces(self, text: str) -> tuple[str, str, str, str, str] | None:
        """text cut as (before, sentence up to the number, the number, rest of the sentence, after); None when the
        offsets do not fit the text (a link from an older build)."""
        (s0, s1), (n0, n1) = self.sentence, self.number
        if not (0 <= s0 <= n0 <= n1 <= s1 <= len(text)):
            return None
        return text[:s0], text[s0:n0], text[n0:n1], text[n1:s1], text[s1:]


def parse_cite(raw: str | None) -> Cite | None:
    """?cite=<position>:<sentence start>-<end>:<number start>-<end>, or None when absent; BadParameter when malformed."""
    if raw is None or not raw.strip():
        return None
    m = _CITE.match(raw.strip())
    if not m:
        raise BadParameter(f"引用位置应写成 段落:句首-句尾:数字首-数字尾（收到 {raw[:40]!r}）。")
    n = [int(g) for g in m.groups()]
    return Cite(n[0], (n[1], n[2]), (n[3], n[4]))


def position_of(figure: dict) -> int:
    """A figure's paragraph position (its paragraph id is `<report id>-p<position>`)."""
    return int(figure["paragraph"][len(figure["report"]) + 2:])


def cite_url(figure: dict) -> str:
    """The report page with the figure's sentence marked, scrolled to its paragraph."""
    pos = position_of(figure)
    cite = f"{pos}:{figure['sentence_start']}-{figure['sentence_end']}:{figure['start']}-{figure['end']}"
    return url_for("pages.report", report_id=figure["report"]) + "?" + urlencode({"cite": cite}) + f"#p{pos}"


def parse_figure_args(args: MultiDict) -> dict:
    """metric, institution (repeatable) and year of the request, as figures() takes them (it validates them).

    The page's form also sends `phrase` (any wording, for figures without a canonical metric): it wins over
    the metric chosen in the select when filled in.
    """
    phrase = (args.get("phrase") or "").strip()
    return {"metric": phrase or args.get("metric") or None, "institutions": args.getlist("institution"),
            "year": args.get("year") or None}


def _run(limit: int | None) -> dict:
    from indexer.search.features.figures import figures

    return figures(get_store(), limit=limit, **parse_figure_args(request.args))


@bp.get("/api/figures")
def api() -> Response:
    """figures()'s dict for ?metric=&institution=…&year= (at most MAX_FIGURE_ROWS rows; `truncated` says so)."""
    return jsonify(_run(MAX_FIGURE_ROWS))


@bp.get("/figures.csv")
def csv_download() -> Response:
    """The page's statements as CSV (UTF-8 with BOM for Excel), one line per statement, the CLI's --csv columns."""
    from indexer.cli.trend_tables import write_csv
    from indexer.search.features.figures import figure_table

    buf = io.StringIO()
    buf.write("\ufeff")
    write_csv(figure_table(_run(MAX_FIGURE_ROWS)), buf)
    response = Response(buf.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="reportsearch-figures.csv"'
    return response


def institution_table(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """(year columns, table rows): one table row per institution, scope, metric phrase, unit and kind; a cell per
    span of years holding its values, each distinct value once with every statement of it linked."""
    columns = sorted({year_label(r["years"][0], r["years"][-1]) for r in rows if r["years"]},
                     key=lambda c: (int(c[:4]), c))
    table: dict[tuple, dict] = {}
    for r in rows:
        key = (r["institution"], r["scope"], "" if r["canonical"] else r["label"], r["unit"], r["kind"])
        entry = table.setdefault(key, {"institution": r["institution"], "scope": r["scope"], "phrase": key[2],
                                       "unit": r["unit"], "kind": r["kind"], "cells": {}})
        column = year_label(r["years"][0], r["years"][-1]) if r["years"] else "—"
        cell = entry["cells"].setdefault(column, {"values": {}, "conflict": False})
        for f in r["figures"]:
            cell["values"].setdefault(f["value"], []).append({"href": cite_url(f), "span": f["span"],
                                                              "sentence": f["sentence"], "approx": f["approx"],
                                                              "direction": f["direction"]})
        cell["conflict"] = len(cell["values"]) > 1
    if any(not r["years"] for r in rows):
        columns.append("—")
    return columns, list(table.values())


def number_text(value: float) -> str:
    """A normalised value for people: thousands separated, no float noise (97.21, 109,000, 6.1e8 → 610,000,000)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def report_figures(report_id: str) -> dict:
    """The 数据 panel of a report page: its figures in text order (at most MAX_REPORT_FIGURES), each linked to its
    sentence and to the /figures table of its metric for this institution."""
    from indexer.figures.store import read_figures
    from indexer.search.features.figures import metric_table

    build = get_store().current()
    with build.hold():
        table = metric_table(build)
        figures = list(read_figures(build.path, build.meta, [report_id]))  # read while the build is held
    items: list[dict] = []
    total = 0
    for figure in figures:
        total += 1
        if len(items) >= MAX_REPORT_FIGURES:
            continue
        f = figure.to_dict()
        known = table.get(figure.canonical) if figure.canonical else None
        items.append({
            "label": known.label if known else figure.metric,
            "scope": table.scope(figure.metric, figure.canonical) if known else "",
            "value": number_text(figure.value), "unit": figure.unit, "span": figure.span, "kind": figure.kind,
            "direction": figure.direction, "approx": figure.approx, "sentence": figure.sentence,
            "years": year_label(figure.years[0], figure.years[-1]) if figure.years else "",
            "href": cite_url(f), "position": position_of(f),
            "compare": url_for("figures.page", metric=figure.canonical or figure.metric, institution=figure.institution),
        })
    return {"items": items, "total": total}


@bp.get("/figures")
def page() -> str:
    """Choose a metric: its institution × year table (every value linked to its sentence), the chart, CSV."""
    from indexer.search.engine import facet_values
    from indexer.search.features.figures import metric_table

    args = parse_figure_args(request.args)
    result = _run(MAX_FIGURE_ROWS) if args["metric"] else None
    columns, table = institution_table(result["rows"]) if result else ([], [])
    chart = figure_chart(result["rows"], lambda row, f: cite_url(f)) if result else None
    chosen = request.args.get("metric") or ""
    build = get_store().current()
    with build.hold():
        metrics = metric_table(build).metrics
    return render_template(
        "figures.html",
        params=SearchParams(),
        result=result,
        metrics=metrics,
        chosen=chosen if any(chosen in (m.id, m.label) for m in metrics) else "",
        phrase=(request.args.get("phrase") or "").strip(),
        institutions=facet_values(get_store())["institution"],
        chosen_institutions=args["institutions"],
        year=args["year"] or "",
        columns=columns,
        table=table,
        chart=chart,
        csv_url=url_for("figures.csv_download") + "?" + urlencode(
            [("metric", result["metric"])] + [("institution", i) for i in result["institutions"]]
            + ([("year", result["year"])] if result["year"] else [])) if result else None,
        number_text=number_text,
        report_url=report_url,
    )
