"""Escaping (stored and reflected XSS), the <mark>-only sanitiser, security headers, oversized requests."""

from __future__ import annotations

import socket
import urllib.request
from urllib.parse import urlencode

import pytest
from markupsafe import escape

from indexer.search.engine import search
from tests.helpers.html_checks import assert_inert
from webapp import SECURITY_HEADERS
from webapp.render import only_marks

HOSTILE_ID = "hostile-report-2022"  # conftest.HOSTILE_FILE without .txt


# --- the sanitiser ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine_html", "safe"),
    [
        ("a <mark>诉源</mark> b", "a <mark>诉源</mark> b"),
        ("&lt;script&gt;x<mark>y</mark>", "&lt;script&gt;x<mark>y</mark>"),  # already escaped: not doubled
        ("<script>alert(1)</script><mark>y</mark>", "&lt;script&gt;alert(1)&lt;/script&gt;<mark>y</mark>"),
        ('<mark onclick="x">y</mark>', "&lt;mark onclick=&#34;x&#34;&gt;y"),
        ("<mark>a<mark>b</mark>c</mark>", "<mark>ab</mark>c"),  # nesting flattened, unmatched close dropped
        ("<mark>open", "<mark>open</mark>"),
        ("</mark>x", "x"),
        ("&amp;lt;b&amp;gt;", "&amp;lt;b&amp;gt;"),
        ("", ""),
    ],
)
def test_only_marks_survive(engine_html, safe):
    assert str(only_marks(engine_html)) == safe


# --- stored XSS: a report full of markup ----------------------------------------------------------------


def test_hostile_report_is_indexed(hostile_client):
    response = hostile_client.get(f"/api/report/{HOSTILE_ID}")
    assert response.status_code == 200
    doc = response.get_json()
    # the tests below are meaningful only if markup reached the index (the parser strips real tags,
    # but an escaped "&lt;script&gt;" in a report is text, and catalog titles/institutions are kept as given)
    assert "<script>alert(4)</script>" in " ".join(p["text"] for p in doc["paragraphs"])
    assert "<script>" in doc["title"] and "<i>" in doc["institution"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=诉源治理",
        "/search?q=执行",
        "/search?q=alert",
        "/search?q=script",
        f"/report/{HOSTILE_ID}",
        f"/report/{HOSTILE_ID}?q=案件",
        f"/report/{HOSTILE_ID}?q=script",
    ],
)
def test_stored_markup_is_shown_as_text(hostile_client, url):
    response = hostile_client.get(url)
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True))


def test_hostile_report_is_found_and_its_snippet_is_escaped(hostile_client, hostile_index):
    from indexer.index.store import Store

    hits = search(Store(hostile_index), "诉源治理", per_page=100)["hits"]
    assert HOSTILE_ID in {h["report"] for h in hits}
    html = hostile_client.get("/search?q=诉源治理&per_page=100").get_data(as_text=True)
    assert "恶意标记测试报告&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    html = hostile_client.get("/search?q=alert").get_data(as_text=True)
    assert "&lt;script&gt;<mark>alert</mark>(4)&lt;/script&gt;" in html
    assert "测试&lt;i&gt;市&lt;/i&gt;人民法院" in html


# --- reflected XSS: the query and parameters -----------------------------------------------------------

REFLECTED = ['"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>", "</title><script>alert(1)</script>",
             "javascript:alert(1)", "<b>执行</b>", "{{7*7}}"]


@pytest.mark.parametrize("payload", REFLECTED)
def test_reflected_query_is_escaped_everywhere(client, payload):
    for url in (
        "/search?" + urlencode({"q": payload}),
        "/search?" + urlencode({"q": "执行", "institution": payload}),
        "/search?" + urlencode({"q": "执行", "theme": payload}),
        "/report/pinghu-court-2023?" + urlencode({"q": payload}),
    ):
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        html = response.get_data(as_text=True)
        assert_inert(html)
        if "?q=" in url or "&q=" in url:
            assert f'value="{escape(payload)}"' in html  # reflected into the search box, as text


def test_reflected_query_in_api_is_json_not_html(client):
    response = client.get("/api/search?" + urlencode({"q": '"><script>alert(1)</script>'}))
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_use_no_inline_script_or_style(client):
    html = client.get("/search?q=案件").get_data(as_text=True)
    import re

    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "<style" not in html


# --- headers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/search?q=案件", "/search?page=0", "/report/pinghu-court-2023", "/report/nope", "/export.csv?q=案件",
     "/api/search?q=案件", "/api/search?page=x", "/api/report/nope", "/api/overview", "/static/style.css",
     "/static/app.js", "/nowhere"],
)
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (url, name)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    response.close()


def test_static_assets_are_ours_and_offline(client):
    css = client.get("/static/style.css")
    js = client.get("/static/app.js")
    assert css.status_code == js.status_code == 200
    assert css.mimetype == "text/css" and "javascript" in js.mimetype
    for body in (css.get_data(as_text=True), js.get_data(as_text=True)):
        assert "http://" not in body and "https://" not in body and "@import" not in body
    css.close()
    js.close()


def test_static_traversal_is_404(client):
    for url in ("/static/../__init__.py", "/static/..%2F__init__.py", "/static/%2e%2e/cli.py"):
        assert client.get(url).status_code == 404, url


# --- oversized requests against the real waitress server ---------------------------------------------


def _raw_request(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def test_oversized_url_and_headers_are_refused_and_the_server_stays_up(live_server):
    huge_url = b"GET /search?q=" + b"%E6%89%A7" * 40_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    reply = _raw_request(live_server, huge_url)
    assert reply.split(b"\r\n", 1)[0] in (b"HTTP/1.1 431 Request Header Fields Too Large", b"HTTP/1.0 431 Request Header Fields Too Large")
    huge_header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\nConnection: close\r\n\r\n"
    reply = _raw_request(live_server, huge_header)
    assert b" 431 " in reply.split(b"\r\n", 1)[0]
    assert b"Traceback" not in reply
    with urllib.request.urlopen(live_server + "/search?" + urlencode({"q": "执行"}), timeout=20) as ok:
        assert ok.status == 200


def test_long_but_allowed_url_through_waitress(live_server):
    url = live_server + "/search?" + urlencode({"q": "执行案件" * 2000})  # 8,000 chars, ~72 KB encoded
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
