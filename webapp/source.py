"""`/report/<id>/source`: the original report file, as a download with its MIME type.

Only report ids are accepted, never paths: the id is looked up in the serving build's report list and
the file it names must resolve inside the corpus folder. A report the index does not know, or whose
file has vanished since it was indexed, is a 404 (the app's usual error page or JSON).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_file

from indexer.report_ids import is_report_id
from webapp.state import get_store

bp = Blueprint("source", __name__)

# Suffix → MIME type of a report file (text types get the charset the file is written in).
MIME_TYPES = {
    ".txt": "text/plain",
    ".md": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".png": "image/png",  # page images (scanned reports, read by OCR)
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}


def download_name(name: str) -> str:
    """name with control characters and line separators (never allowed in a header) replaced by '_'."""
    return "".join("_" if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") else c
                   for c in name)


def _mimetype(path: Path) -> str:
    mime = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
    if not mime.startswith("text/"):
        return mime
    from indexer.ingest.decode import DecodeError, decode_report

    try:
        encoding = decode_report(path.read_bytes()).encoding
    except (DecodeError, OSError):
        return mime
    return f"{mime}; charset={encoding}"


@bp.get("/report/<report_id>/source")
def source(report_id: str) -> Response:
    """The report's original file as an attachment (404 for an unknown id or a vanished file)."""
    if not is_report_id(report_id):
        abort(404)
    meta = get_store().current().meta
    record = next((r for r in meta.get("reports", []) if r.get("id") == report_id), None)
    if record is None or not record.get("file"):
        abort(404)
    corpus = Path(current_app.config["CORPUS_DIR"]).resolve()
    path = (corpus / record["file"]).resolve()
    if not path.is_relative_to(corpus) or not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=download_name(path.name), max_age=0)
    response.headers["Content-Type"] = _mimetype(path)  # set whole: mimetype= would append a second charset
    return response
