"""Citing (引用) and permalinks: the reference shown on each hit and on the report page, /report/<id>/cite.ris and
cite.bib for Zotero and EndNote, and /p/<report>/<key>, a paragraph's permalink (indexer/citation.py,
indexer/search/features/permalinks.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask.typing import ResponseReturnValue

from indexer.citation import Cited, bib_key, bibtex, cited, gbt7714, ris
from indexer.report_ids import is_report_id
from webapp.state import get_store

bp = Blueprint("cite", __name__)

_KEY_CHARS = frozenset("0123456789abcdef-")


def accessed() -> dt.date:
    """The 引用日期 of a citation made now: today."""
    return dt.date.today()


def permalink_url(path: str) -> str:
    """A permalink path (/p/…) as an absolute URL of this site."""
    return request.host_url.rstrip("/") + path


def citation(record: Mapping, position: int | None = None, permalink: str | None = None) -> dict:
    """What a 引用 box shows: the reference, the paragraph and its permalink when given, the RIS/BibTeX links, and
    the text the copy button copies."""
    facts = cited(dict(record))
    text = gbt7714(facts, accessed())
    link = permalink_url(permalink) if permalink else None
    para = f"第 {position} 段，永久链接：{link}" if position is not None and link else None
    tail = f"?p={position}" if position is not None else ""
    return {
        "text": text,
        "position": position,
        "permalink": link,
        "clip": text + (f"\n{para}" if para else ""),  # what the copy button copies
        # absolute: a citation's files are this site's, whatever page links them
        "ris": url_for("cite.cite_ris", report_id=facts.id, _external=True) + tail,
        "bib": url_for("cite.cite_bib", report_id=facts.id, _external=True) + tail,
    }


def _report(report_id: str) -> tuple[Cited, str | None]:
    """The report's citable facts and, with ?p=<position>, the note naming that paragraph and its permalink."""
    from indexer.search.engine import get_report

    if not is_report_id(report_id):
        abort(404)
    doc = get_report(get_store(), report_id)
    if doc is None:
        abort(404)
    note = None
    raw = request.args.get("p", "")
    if raw.strip():
        para = next((p for p in doc["paragraphs"] if raw.strip().isdigit() and p["position"] == int(raw)), None)
        if para is None:
            abort(404)
        note = f"第 {para['position']} 段：{permalink_url(para['permalink'])}"
    return cited(doc), note


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/report/<report_id>/cite.ris")
def cite_ris(report_id: str) -> Response:
    """The report as RIS (EndNote, Zotero); ?p=<position> adds the paragraph and its permalink as a note."""
    facts, note = _report(report_id)
    return _download(ris(facts, accessed(), note), "application/x-research-info-systems", f"{bib_key(facts.id)}.ris")


@bp.get("/report/<report_id>/cite.bib")
def cite_bib(report_id: str) -> Response:
    """The report as BibTeX; ?p=<position> adds the paragraph and its permalink as a note."""
    facts, note = _report(report_id)
    return _download(bibtex(facts, accessed(), note), "application/x-bibtex", f"{bib_key(facts.id)}.bib")


@bp.get("/p/<report_id>/<key>")
def permalink(report_id: str, key: str) -> ResponseReturnValue:
    """A paragraph's permalink: a redirect to the paragraph on its report's page, wherever it stands now."""
    from indexer.search.engine import permalink_position

    if not is_report_id(report_id) or not key or len(key) > 20 or not set(key) <= _KEY_CHARS:
        abort(404)
    position = permalink_position(get_store(), report_id, key)
    if position is None:
        abort(404)
    return redirect(url_for("pages.report", report_id=report_id) + f"#p{position}", code=302)
