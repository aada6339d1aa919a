"""The pages people read: home with the corpus overview, search results, the report view, CSV export."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from indexer.limits import EXPORT_MAX_ROWS, MAX_REPORT_QUERY_CHARS, SORTS, page_count, year_label
from indexer.report_ids import is_report_id
from indexer.search.evaluation.facets import FACET_LABELS, FACETS
from indexer.search.scoring.order import SORT_LABELS
from webapp.cite import citation
from webapp.feed import feed_url
from webapp.figures import parse_cite, report_figures
from webapp.params import SearchParams, parse_search_args
from webapp.render import year_chart
from webapp.state import get_store, get_synonyms
from webapp.urls import report_url, search_url

bp = Blueprint("pages", __name__)

EXAMPLES = ("诉源治理", "共享法庭", "扫黑除恶", "认罪认罚", "“一件事”改革", "执行难")


def facet_groups(params: SearchParams, facets: Mapping[str, Mapping[str, int]]) -> list[dict]:
    """Facet values with counts, selected flags and toggle links; selected values always listed."""
    groups = []
    for facet in FACETS:
        counts = dict(facets.get(facet, {}))
        selected = params.selected(facet)
        for value in selected:
            counts.setdefault(value, 0)
        if facet == "year":
            order = sorted(counts, reverse=True)
        else:
            order = sorted(counts, key=lambda v: (-counts[v], v))
        values = [
            {
                "value": v,
                "count": counts[v],
                "selected": v in selected,
                "href": search_url(params.toggled(facet, v)),
            }
            for v in order
        ]
        groups.append({"name": facet, "label": FACET_LABELS[facet], "entries": values})
    return groups


def chips(params: SearchParams) -> list[dict]:
    """Selected filters as removable chips."""
    return [
        {"label": FACET_LABELS[f], "value": v, "href": search_url(params.toggled(f, v))}
        for f in FACETS
        for v in params.selected(f)
    ]


def within_chips(params: SearchParams) -> list[dict]:
    """The 在结果中检索 terms as removable chips."""
    return [{"label": "在结果中", "value": w, "href": search_url(params.without_within(w))} for w in params.within]


def sort_links(params: SearchParams) -> list[dict]:
    """The order control: one link per order, the current one marked."""
    return [{"sort": s, "label": SORT_LABELS[s], "href": search_url(params.with_sort(s)), "current": s == params.sort}
            for s in SORTS]


def page_links(page: int, pages: int) -> list[int | None]:
    """Page numbers around the current one, None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    shown = {1, pages} | set(range(max(1, page - 2), min(pages, page + 2) + 1))
    out: list[int | None] = []
    for n in sorted(shown):
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/")
def home() -> ResponseReturnValue:
    """Search box, example queries and the overview of the corpus."""
    if request.args.get("q", "").strip():
        return redirect(url_for("pages.search") + "?" + urlencode(list(request.args.items(multi=True))))
    from indexer.search.engine import overview

    info = overview(get_store())
    by_inst = {inst: {str(y): int(n) for y, n in per_year.items()} for inst, per_year in info["by_institution"].items()}
    years = sorted({y for per_year in by_inst.values() for y in per_year})
    matrix = [
        {"institution": inst, "cells": [(y, by_inst[inst].get(y, 0)) for y in years]} for inst in sorted(by_inst)
    ]
    span = year_label(int(years[0]), int(years[-1])) if years else ""
    return render_template(
        "home.html", params=SearchParams(), info=info, years=years, span=span, matrix=matrix, examples=EXAMPLES
    )


@bp.get("/search")
def search() -> ResponseReturnValue:
    """Ranked hits with snippets, facets, chips, the year chart and pagination."""
    params = parse_search_args(request.args)
    if not params.q and not params.has_filters and not params.within:
        return redirect(url_for("pages.home"))
    from indexer.search.engine import mark_texts, report_info
    from indexer.search.engine import search as run_search
    from indexer.search.language.synonyms import expansion_notice

    store = get_store()
    synonyms = get_synonyms()
    # after few full matches the page lists related paragraphs (相关：…) and, where the build was made with
    # `reindex --semantic`, semantic-only ones (语义相近), labelled; 只搜原词 (expand=0) turns them off
    result = run_search(store, params.q, synonyms=synonyms, related=True, semantic=True, **params.engine_kwargs())
    # a hit may match only through its (boosted) section heading: mark the query's words there too
    sections = [h["section"] for h in result["hits"]]
    marked = mark_texts(store, params.q, sections, synonyms=synonyms, expand=params.expand, within=params.within)
    section_html = dict(zip((h["id"] for h in result["hits"]), marked))
    reports = report_info(store, sorted({h["report"] for h in result["hits"]}))
    cites = {h["id"]: citation(reports.get(h["report"], h), h["position"], h["permalink"]) for h in result["hits"]}
    total = int(result["total"])
    pages = page_count(total, params.per_page)
    chart = year_chart(
        result["facets"].get("year", {}),
        params.years,
        lambda y: search_url(params.toggled("year", y)),
    )
    return render_template(
        "search.html",
        params=params,
        result=result,
        total=total,
        pages=pages,
        first=(params.page - 1) * params.per_page + 1,
        past_end=params.page > pages,
        page_links=page_links(min(params.page, pages), pages),
        facets=facet_groups(params, result["facets"]),
        chips=chips(params),
        within_chips=within_chips(params),
        sort_links=sort_links(params),
        feed_url=feed_url(params),
        refine_state=params.query_string(page=1).lstrip("?"),
        cites=cites,
        section_html=section_html,
        chart=chart,
        search_url=search_url,
        report_url=report_url,
        export_url=url_for("pages.export_csv") + params.query_string(page=1),
        export_cap=EXPORT_MAX_ROWS,
        clear_url=search_url(params.without_filters()),
        alternatives=[{**a, "href": search_url(replace(params, q=a["query"], page=1))} for a in result["did_you_mean"]],
        # the notice is the parser's adjustments and/or the synonyms added: label only the former
        adjusted=result["notice"] not in (None, expansion_notice(result["expanded"])),
        no_expand_url=search_url(params.with_expand(False)),
        expand_url=search_url(params.with_expand(True)),
    )


@bp.get("/search/refine")
def refine() -> ResponseReturnValue:
    """The 同句 checkbox and the 在结果中检索 box: the search state (?state=, a query string) with sentence set
    (set=sentence: on when sentence=1 is sent) or one more within term, as a redirect to its /search URL."""
    pairs = parse_qsl(request.args.get("state", ""))
    if request.args.get("set") == "sentence":
        pairs = [(k, v) for k, v in pairs if k != "sentence"] + [("sentence", request.args.get("sentence", ""))]
    term = " ".join(request.args.get("within", "").split())
    if term:
        pairs.append(("within", term))
    params = parse_search_args(MultiDict([(k, v) for k, v in pairs if k != "page"]))  # the limits, as for /search
    return redirect(search_url(params))


@bp.get("/report/<report_id>")
def report(report_id: str) -> str:
    """One whole report: metadata, sections, paragraphs; the query's words marked, hits linked."""
    if not is_report_id(report_id):
        abort(404)
    from indexer.search.engine import get_report

    state = parse_search_args(request.args)  # the search state the reader came from, kept for the way back
    q = state.q[:MAX_REPORT_QUERY_CHARS].strip()
    synonyms = get_synonyms()
    doc = get_report(get_store(), report_id, q=q, institutions=state.institutions, years=state.years,
                     themes=state.themes, synonyms=synonyms, expand=state.expand, sentence=state.sentence,
                     within=state.within)
    if doc is None:
        abort(404)
    hits = list(doc.get("hits") or [])
    neighbours = {
        pos: (hits[i - 1] if i > 0 else None, hits[i + 1] if i + 1 < len(hits) else None)
        for i, pos in enumerate(hits)
    }
    sections = []
    last = None
    for para in doc["paragraphs"]:
        if para.get("section") and para["section"] != last:
            sections.append({"title": para["section"], "position": para["position"]})
        last = para.get("section")
    from indexer.search.engine import mark_texts

    titles = sorted({s["title"] for s in sections})
    section_html = dict(zip(titles, mark_texts(get_store(), q, titles, synonyms=synonyms, expand=state.expand,
                                               within=state.within)))
    back = search_url(state) if q or state.has_filters or state.within else url_for("pages.home")
    anchors = {p["position"]: p["permalink"].rsplit("/", 1)[-1] for p in doc["paragraphs"]}
    cites = {p["position"]: citation(doc, p["position"], p["permalink"]) for p in doc["paragraphs"]
             if p["position"] in neighbours}
    figure_cite = parse_cite(request.args.get("cite"))
    return render_template(
        "report.html",
        params=SearchParams(q=q),
        state=state,
        doc=doc,
        hits=hits,
        neighbours=neighbours,
        sections=sections,
        section_html=section_html,
        back_url=back,
        multi_institution=len(doc.get("institutions") or ()) > 1,
        cite=citation(doc),
        cites=cites,
        anchors=anchors,
        query_label=" ".join([q, *state.within]).strip() + ("（同句）" if state.sentence else ""),
        figure_cite=figure_cite,
        data=report_figures(report_id),
    )


@bp.get("/export.csv")
def export_csv() -> Response:
    """The query's hits as CSV (UTF-8 with BOM for Excel), in the page's order, at most EXPORT_MAX_ROWS rows."""
    params = parse_search_args(request.args)
    from indexer.export import RANKED_FIELDS, write_csv
    from indexer.search.engine import ranked

    hits = ranked(get_store(), params.q, institutions=params.institutions, years=params.years,
                  themes=params.themes, limit=EXPORT_MAX_ROWS, synonyms=get_synonyms(), expand=params.expand,
                  sort=params.sort, sentence=params.sentence, within=list(params.within))
    rows = (p.to_dict() | {"rank": n, "score": round(score, 4)} for n, (p, score) in enumerate(hits, start=1))
    buf = io.StringIO()
    buf.write("\ufeff")
    write_csv(rows, buf, columns=RANKED_FIELDS, lineterminator="\r\n")
    response = Response(buf.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="reportsearch-export.csv"'
    response.headers["X-Export-Cap"] = str(EXPORT_MAX_ROWS)
    return response
