"""The JSON API: /api/search is exactly the CLI's `search --json`; errors are {"error", "status"}."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from indexer.limits import MAX_REPORT_QUERY_CHARS
from indexer.report_ids import is_report_id
from webapp.errors import error_response
from webapp.params import expand_param, parse_search_args, parse_suggest_args
from webapp.state import get_store, get_synonyms

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    """search()'s dict for the same parameters as /search."""
    from indexer.search.engine import search as run_search

    params = parse_search_args(request.args)
    # strict: an unknown institution/theme → 400 (SearchArgumentError) before any search work; the HTML page keeps
    # 0 hits with a removable chip
    result = run_search(get_store(), params.q, synonyms=get_synonyms(), strict=True, **params.engine_kwargs())
    return jsonify(result)


@bp.get("/suggest")
def suggest() -> Response:
    """Completions of the word being typed at the end of ?q= (words and phrases with paragraph counts)."""
    from indexer.search.features.suggest import suggest as run_suggest

    q, limit = parse_suggest_args(request.args)
    response = jsonify(run_suggest(get_store(), q, limit=limit))
    response.headers["Cache-Control"] = "no-cache"  # the next reindex may change the counts
    return response


@bp.get("/report/<report_id>")
def report(report_id: str) -> Response:
    """get_report()'s dict; ?q= marks the query's words and lists the matching positions."""
    from indexer.search.engine import get_report

    if not is_report_id(report_id):
        return error_response(404, f"没有这个报告：{report_id[:100]}")
    doc = get_report(get_store(), report_id, q=request.args.get("q", "")[:MAX_REPORT_QUERY_CHARS].strip(),
                     synonyms=get_synonyms(), expand=expand_param(request.args.get("expand")))
    if doc is None:
        return error_response(404, f"没有这个报告：{report_id[:100]}")
    return jsonify(doc)


@bp.get("/overview")
def overview() -> Response:
    """overview()'s dict: reports and paragraphs by institution and year."""
    from indexer.search.engine import overview as corpus_overview

    return jsonify(corpus_overview(get_store()))
