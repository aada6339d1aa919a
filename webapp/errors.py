"""Error responses: JSON {"error", "status"} under /api/, a friendly Chinese page elsewhere; never a trace.

Every error the library raises on purpose is an indexer.errors.ReportSearchError carrying its status, so
one handler answers them all. Anything else is a bug: a 500, its traceback in the log, a calm message for
the user. 503 means only "the index is missing, stale or being built" (indexer.errors.Unavailable).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import ReportSearchError, Unavailable, error_document

TITLES = {
    400: "请求参数有误",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    409: "操作冲突",
    413: "请求过大",
    414: "网址过长",
    431: "请求头过大",
    500: "服务器出错了",
    503: "服务暂时不可用",
}

MESSAGES = {
    404: "您要找的页面或报告不存在。可以回到首页重新检索。",
    405: "这个地址只接受普通的浏览器访问（GET）。",
    413: "请求的内容超过了允许的大小。",
    500: "服务器处理这个请求时出错了，已记录。请稍后再试，或换一个检索词。",
}

# The library's 503 messages name server paths: people read what to do instead.
INDEX_MISSING = "索引尚未建立：请先运行 `reportsearch reindex`，然后刷新本页。"
INDEX_STALE = "索引需要重建（词典或索引结构已更新）：请运行 `reportsearch reindex`。"


def error_response(status: int, message: str) -> Response:
    """The error for the current request: JSON for the API, an HTML page for people."""
    if request.path.startswith("/api/"):
        response = jsonify(error_document(message, status))
    else:
        response = Response(
            render_template("error.html", status=status, title=TITLES.get(status, "出错了"), message=message),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def _public_message(exc: ReportSearchError) -> str:
    """What the user reads for a library error: its own message, except where it would show server paths."""
    from indexer.index.store import IndexStale

    if isinstance(exc, IndexStale):
        return INDEX_STALE
    if isinstance(exc, Unavailable):
        return INDEX_MISSING
    return str(exc)


def register(app: Flask) -> None:
    """Install the error handlers on app."""

    @app.errorhandler(ReportSearchError)
    def library_error(exc: ReportSearchError) -> Response:
        if exc.status >= 500:
            app.logger.warning("%s (%d) on %s: %s", type(exc).__name__, exc.status, request.path, exc)
        return error_response(exc.status, _public_message(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = MESSAGES.get(status) or TITLES.get(status) or "请求无法完成。"
        response = error_response(status, message)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        # A bug: its trace goes to the log for us; the user gets a calm 500 without it.
        app.logger.error("unexpected error on %s", request.path, exc_info=exc)
        return error_response(500, MESSAGES[500])
