"""URLs of the pages a search state links to (the state lives in the URL: webapp/params.py)."""

from __future__ import annotations

from flask import url_for

from webapp.params import SearchParams


def search_url(params: SearchParams, page: int | None = None) -> str:
    """The /search URL of a state."""
    return url_for("pages.search") + params.query_string(page=page)


def report_url(report_id: str, params: SearchParams | str = "", position: int | None = None) -> str:
    """The report view, carrying the search state (query, filters, page) and the paragraph as fragment."""
    url = url_for("pages.report", report_id=report_id)
    state = params if isinstance(params, SearchParams) else SearchParams(q=params)
    url += state.query_string()
    if position is not None:
        url += f"#p{position}"
    return url
