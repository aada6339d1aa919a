"""/trends (chart, tables, spread) and /api/trends (the CLI's `trend --json`) for up to 5 queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from indexer.limits import MAX_REQUEST_QUERY_CHARS, MAX_TREND_TERMS
from webapp.params import BadParameter, SearchParams, parse_search_args
from webapp.state import get_store, get_synonyms
from webapp.trend_chart import fmt, trend_chart
from webapp.urls import search_url

bp = Blueprint("trends", __name__)

MAX_GRID_ROWS = 60  # institutions listed per term on the page; /api/trends and the CLI list all
MAX_FILTER_CHOICES = 100  # institution checkboxes offered (those with matches, most first)
FORM_SLOTS = MAX_TREND_TERMS  # one box per term a trend takes


@dataclass(frozen=True)
class TrendParams:
    """The validated state of a trends page: the terms (blank ones dropped), the institution/theme filters
    and whether synonyms expand the terms (expand=0 in the URL turns it off, as on /search)."""

    terms: tuple[str, ...]
    institutions: tuple[str, ...]
    themes: tuple[str, ...]
    expand: bool = True

    def engine_kwargs(self) -> dict:
        """Keyword arguments for indexer.search.features.trends.trends (besides store and terms)."""
        return {"institutions": list(self.institutions), "themes": list(self.themes),
                "synonyms": get_synonyms(), "expand": self.expand}

    def search(self, term: str, *, year: int | None = None, institution: str | None = None) -> str:
        """The /search URL for one term, narrowed to a year and/or institution, with this page's filters."""
        institutions = (institution,) if institution else self.institutions
        return search_url(SearchParams(q=term, institutions=institutions, themes=self.themes,
                                       years=(str(year),) if year is not None else (), expand=self.expand))


def parse_trend_args(args: MultiDict, *, keep_blank: bool = False) -> TrendParams:
    """Validate the trends parameters (filters with the search's own rules); raise BadParameter.

    Blank terms are dropped (empty boxes of the form are not terms) unless keep_blank: the API passes
    them on, so trends() refuses them with 400 as the CLI does.
    """
    base = parse_search_args(args)  # the institution/theme filters and expand are validated exactly like /search's
    terms = []
    for raw in args.getlist("q"):
        if len(raw) > MAX_REQUEST_QUERY_CHARS:
            raise BadParameter(f"查询过长：最多 {MAX_REQUEST_QUERY_CHARS} 个字符（收到 {len(raw)} 个）。")
        if raw.strip() or keep_blank:
            terms.append(raw.strip())
    return TrendParams(terms=tuple(terms), institutions=base.institutions, themes=base.themes, expand=base.expand)


@bp.get("/api/trends")
def api() -> Response:
    """trends()'s dict for ?q=…&q=… (1–5 terms, none empty), &institution=…, &theme=…, &expand=0;
    errors are {"error", "status"}."""
    from indexer.search.features.trends import trends

    params = parse_trend_args(request.args, keep_blank=True)
    return jsonify(trends(get_store(), list(params.terms), **params.engine_kwargs()))


@bp.get("/trends")
def page() -> str:
    """The trend chart of up to 5 terms, the table under it, and each term's spread over institutions."""
    from indexer.search.engine import facet_values
    from indexer.search.features.trends import trends

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
