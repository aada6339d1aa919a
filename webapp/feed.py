"""/feed.atom: an Atom feed (RFC 4287) of a search — alerts without accounts. Any feed reader polling it sees
the paragraphs a newly added report brings.

The feed takes /api/search's parameters and limits (q, institution, year, theme, within, sentence, expand,
per_page up to MAX_PER_PAGE, an unknown institution or theme refused with 400) and lists the newest matching
paragraphs — full matches only — by the time their report was added to the index (build.json's `added`,
indexer/index/added.py), FEED_ENTRIES of them unless per_page says otherwise. Ids are stable: an entry's id
comes from its paragraph's permalink (report id and text digest), the feed's from its query string, so
neither moves with the host name or a reindex.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace

from flask import Blueprint, Response, request, url_for

from indexer.limits import DEFAULT_PER_PAGE, FEED_ENTRIES
from webapp.cite import permalink_url
from webapp.params import SearchParams, parse_search_args
from webapp.state import get_store, get_synonyms
from webapp.urls import search_url

bp = Blueprint("feed", __name__)

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0


def feed_url(params: SearchParams) -> str:
    """The feed of a search state: its query and filters (page, size and order are the feed's own)."""
    return url_for("feed.feed") + replace(params, page=1, per_page=DEFAULT_PER_PAGE, sort="relevance").query_string()


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _rfc3339(stamp: object) -> str:
    """An ISO 8601 time from build.json as RFC 3339 in UTC, to the microsecond as recorded (two reports added a
    moment apart stay apart), the Unix epoch when there is none."""
    try:
        when = dt.datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        when = None
    when = when or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"reportsearch:{name}").urn


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = _clean(text)
    return el


def _title(params: SearchParams) -> str:
    parts = [params.q or "全部段落", *params.within, *params.institutions, *params.years, *params.themes]
    return "报告检索：" + " · ".join(parts) + ("（同句）" if params.sentence else "")


@bp.get("/feed.atom")
def feed() -> Response:
    """The newest paragraphs matching a search, by the time their report was added (see the module docstring)."""
    from indexer.search.engine import report_info
    from indexer.search.engine import search as run_search

    params = parse_search_args(request.args)
    if "per_page" not in request.args:
        params = replace(params, per_page=FEED_ENTRIES)
    params = replace(params, page=1, sort="relevance")  # what the feed is of: its id and links
    store = get_store()
    result = run_search(store, params.q, synonyms=get_synonyms(), strict=True,
                        **(params.engine_kwargs() | {"sort": "added"}))
    hits = [h for h in result["hits"] if not h["partial"]]
    info = report_info(store, sorted({h["report"] for h in hits}))
    built = store.current().meta.get("built_at")
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _add(root, "title", _title(params))
    _add(root, "id", _urn(feed_url(params)))
    stamps = [_rfc3339(info.get(h["report"], {}).get("added") or built) for h in hits]
    _add(root, "updated", max(stamps) if stamps else _rfc3339(built))
    _add(root, "link", rel="self", type=ATOM_TYPE, href=request.url)
    page = search_url(replace(params, per_page=DEFAULT_PER_PAGE))
    _add(root, "link", rel="alternate", type="text/html", href=request.host_url.rstrip("/") + page)
    _add(_add(root, "author"), "name", "报告检索")
    _add(root, "generator", "reportsearch")
    for hit, stamp in zip(hits, stamps):
        entry = _add(root, "entry")
        _add(entry, "id", _urn("paragraph" + hit["permalink"]))
        _add(entry, "title", f"{hit['title']} 第 {hit['position']} 段")
        _add(entry, "link", rel="alternate", type="text/html", href=permalink_url(hit["permalink"]))
        _add(entry, "published", stamp)
        _add(entry, "updated", stamp)
        _add(_add(entry, "author"), "name", hit["institution"])
        if hit["theme"]:
            _add(entry, "category", term=_clean(hit["theme"]))
        _add(entry, "summary", hit["snippet"], type="html")  # escaped by the serialiser: markup as text
        _add(entry, "content", hit["text"], type="text")
    body = ET.tostring(root, encoding="unicode", xml_declaration=False)
    response = Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, mimetype=ATOM_TYPE)
    response.headers["Cache-Control"] = "no-cache"  # the next reindex may add entries
    return response
