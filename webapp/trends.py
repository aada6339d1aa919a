"""/trends (chart, tables, spread) and /api/trends (the CLI's `trend --json`) for up to 5 queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from indexer.limits import MAX_REQUEST_QUERY_CHARS
from webapp import get_store
from webapp.pages import search_url
from webapp.params import BadParameter, SearchParams, parse_search_args
from webapp.trend_chart import fmt, trend_chart

bp = Blueprint("trends", __name__)

MAX_GRID_ROWS = 60  # institutions listed per term on the page; /api/trends and the CLI list all
MAX_FILTER_CHOICES = 100  # institution checkboxes offered (those with matches, most first)
FORM_SLOTS = 5


@dataclass(frozen=True)
class TrendParams:
    """The validated state of a trends page: the terms (blank ones dropped) and the institution/theme filters."""

    terms: tuple[str, ...]
    institutions: tuple[str, ...]
    themes: tuple[str, ...]

    def engine_kwargs(self) -> dict:
        """Keyword arguments for indexer.search.trends.trends (besides store and terms)."""
        return {"institutions": list(self.institutions), "themes": list(self.themes)}

    def search(self, term: str, *, year: int | None = None, institution: str | None = None) -> str:
        """The /search URL for one term, narrowed to a year and/or institution, with this page's filters."""
        institutions = (institution,) if institution else self.institutions
        return search_url(SearchParams(q=term, institutions=institutions, themes=self.themes,
                                       years=(str(year),) if year is not None else ()))


def parse_trend_args(args: MultiDict) -> TrendParams:
    """Validate the trends parameters (filters with the search's own rules); raise BadParameter."""
    base = parse_search_args(args)  # the institution/theme filters are validated exactly like /search's
    terms = []
    for raw in args.getlist("q"):
        if len(raw) > MAX_REQUEST_QUERY_CHARS:
            raise BadParameter(f"查询过长：最多 {MAX_REQUEST_QUERY_CHARS} 个字符（收到 {len(raw)} 个）。")
        if raw.strip():
            terms.append(raw.strip())  # empty boxes of the form are not terms
    return TrendParams(terms=tuple(terms), institutions=base.institutions, themes=base.themes)


@bp.get("/api/trends")
def api() -> Response:
    """trends()'s dict for ?q=…&q=… (1–5 terms), &institution=…, &theme=…; errors are {"error", "status"}."""
    from indexer.search.trends import trends

    params = parse_trend_args(request.args)
    return jsonify(trends(get_store(), list(params.terms), **params.engine_kwargs()))


@bp.get("/trends")
def page() -> str:
    """The trend chart of up to 5 terms, the table under it, and each term's spread over institutions."""
    from indexer.search.engine import facet_values
    from indexer.search.trends import trends

    params = parse_trend_args(request.args)
    store = get_store()
    result = trends(store, list(params.terms), **params.engine_kwargs()) if params.terms else None
    chart = trend_chart(result, lambda term, year: params.search(term, year=year)) if result else None
    matched: dict[str, int] = {}
    for series in (result or {}).get("series", ()):
        for entry in series["spread"]:
            matched[entry["institution"]] = matched.get(entry["institution"], 0) + entry["paragraphs"]
    offered = sorted(matched, key=lambda i: -matched[i])[:MAX_FILTER_CHOICES]
    institutions = sorted(set(offered) | set(params.institutions))
    slots = list(params.terms) + [""] * (FORM_SLOTS - len(params.terms))
    return render_template(
        "trends.html",
        params=SearchParams(),
        trend=params,
        result=result,
        chart=chart,
        slots=slots[:FORM_SLOTS],
        institutions=institutions,
        themes=facet_values(store)["theme"],
        fmt=fmt,
        max_rows=MAX_GRID_ROWS,
    )
