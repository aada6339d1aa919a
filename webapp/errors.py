"""Error responses: JSON {"error", "status"} under /api/, a friendly Chinese page elsewhere; never a trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from webapp.params import BadParameter

TITLES = {
    400: "请求参数有误",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    413: "请求过大",
    414: "网址过长",
    431: "请求头过大",
    503: "服务暂时不可用",
}

MESSAGES = {
    404: "您要找的页面或报告不存在。可以回到首页重新检索。",
    405: "这个地址只接受普通的浏览器访问（GET）。",
    413: "请求的内容超过了允许的大小。",
}


def error_response(status: int, message: str) -> Response:
    """The error for the current request: JSON for the API, an HTML page for people."""
    if request.path.startswith("/api/"):
        response = jsonify({"error": message, "status": status})
    else:
        response = Response(
            render_template("error.html", status=status, title=TITLES.get(status, "出错了"), message=message),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def register(app: Flask) -> None:
    """Install the error handlers on app."""
    from indexer.index.store import IndexMissing, IndexStale
    from indexer.search.engine import SearchArgumentError

    @app.errorhandler(BadParameter)
    def bad_parameter(exc: BadParameter) -> Response:
        return error_response(400, str(exc))

    @app.errorhandler(SearchArgumentError)
    def bad_search_argument(exc: SearchArgumentError) -> Response:
        return error_response(400, str(exc))

    @app.errorhandler(IndexMissing)
    def index_missing(exc: IndexMissing) -> Response:
        app.logger.warning("index missing: %s", exc)
        return error_response(503, "索引尚未建立：请先运行 `reportsearch reindex`，然后刷新本页。")

    @app.errorhandler(IndexStale)
    def index_stale(exc: IndexStale) -> Response:
        app.logger.warning("index stale: %s", exc)
        return error_response(503, "索引需要重建（词典或索引结构已更新）：请运行 `reportsearch reindex`。")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 400
        if status >= 500:
            status = 503
        message = MESSAGES.get(status) or TITLES.get(status) or "请求无法完成。"
        response = error_response(status, message)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        # Last resort: a bug. Log it with its trace for us; the user gets a calm page without one.
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(503, "服务器处理这个请求时出错了，已记录。请稍后再试，或换一个检索词。")
