"""A bounded loopback flood (32 connections for 30 s) on the real `reportsearch serve`: up, memory flat, 0 errors."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest

from tests.helpers.reliability import Server

pytestmark = pytest.mark.slow

CONCURRENCY = 32
DURATION_S = 30.0
MAX_REQUESTS = 200_000  # a second bound: the flood stops at whichever comes first
WARMUP_S = 5.0  # caches filled, allocator arenas grown, every route and query shape seen at least once
SAMPLE_EVERY_S = 0.5
# Memory bound after warm-up. Measured (2 CPUs, 3-report corpus, ~370-430 req/s): RSS climbs from ~120 to
# ~165 MiB in the first 5 s (threads' arenas, jieba, the per-build caches), then stays in a 166-180 MiB band
# (single samples jump by +-5 MiB as big export responses come and go); median growth from the first to the
# last third of the steady samples was +2.3 MiB in 30 s and -1.3 MiB in a 120 s run (52,000 requests).
# 16 MiB is ~7x that noise and ~10 % of the server's size; a leak of 2 KiB per request (~9,000 requests
# after warm-up) would already exceed it.
MAX_GROWTH_KIB = 16 * 1024

REPORT_IDS = ("jiaxing-intermediate-court-2020", "pinghu-court-2023", "pinghu-court-procuratorate-2017-2021")
WORDS = ("诉源治理", "执行", "审判", "检察", "扫黑除恶", "服判息诉", "共享法庭", "知识产权", "未成年人", "营商环境",
         "诉源治理 执行", '"共享法庭"', "执行 OR 审判", "审判 -执行", "法院", "案件", "队伍建设", "2023", "59.62%")
FACETS = (("institution", "平湖市人民法院"), ("institution", "平湖市人民检察院"), ("institution", "嘉兴市中级人民法院"),
          ("year", "2023"), ("year", "2017-2021"), ("year", "2020"), ("theme", "司法为民"), ("theme", "其他"))


@dataclass
class Request:
    """One request of the mix: its kind, path and the statuses it may answer."""

    kind: str
    path: str
    expected: frozenset[int]
    check: Callable[[bytes, dict[str, str]], None] | None = None


def _json_search(body: bytes, headers: dict[str, str]) -> None:
    doc = json.loads(body)
    assert set(doc) >= {"query", "total", "hits", "facets", "page", "per_page"}, doc.keys()
    assert isinstance(doc["total"], int) and len(doc["hits"]) <= doc["per_page"]


def _json_error(body: bytes, headers: dict[str, str]) -> None:
    doc = json.loads(body)
    assert set(doc) == {"error", "status"} and doc["error"], doc


def _html(body: bytes, headers: dict[str, str]) -> None:
    assert headers.get("Content-Type", "").startswith("text/html"), headers
    assert b"Traceback" not in body


def _csv(body: bytes, headers: dict[str, str]) -> None:
    assert headers.get("Content-Type", "").startswith("text/csv"), headers
    assert body.startswith("\ufeff".encode()) and b"\r\n" in body


def _report_json(body: bytes, headers: dict[str, str]) -> None:
    doc = json.loads(body)
    assert doc["id"] in REPORT_IDS and doc["paragraphs"], doc.get("id")


OK = frozenset({200})
BAD = frozenset({400})
MISSING = frozenset({404})


def _search_args(rng: random.Random) -> list[tuple[str, str]]:
    args = [("q", rng.choice(WORDS))]
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        args.append(rng.choice(FACETS))
    if rng.random() < 0.2:
        args.append(("page", str(rng.choice((2, 3, 50, 1000)))))
    if rng.random() < 0.2:
        args.append(("per_page", str(rng.choice((1, 20, 100)))))
    return args


def make_request(rng: random.Random) -> Request:
    """A random request of the mix: mostly realistic use, a third hostile."""
    roll = rng.random()
    if roll < 0.22:
        return Request("search", "/search?" + urlencode(_search_args(rng)), OK, _html)
    if roll < 0.44:
        return Request("api", "/api/search?" + urlencode(_search_args(rng)), OK, _json_search)
    if roll < 0.52:
        rid = rng.choice(REPORT_IDS)
        q = rng.choice(("", "?q=" + quote(rng.choice(WORDS))))
        return Request("report", f"/report/{rid}{q}", OK, _html)
    if roll < 0.56:
        return Request("api-report", f"/api/report/{rng.choice(REPORT_IDS)}", OK, _report_json)
    if roll < 0.61:
        return Request("export", "/export.csv?" + urlencode(_search_args(rng)[:2]), OK, _csv)
    if roll < 0.63:
        return Request("overview", rng.choice(("/", "/api/overview")), OK)
    if roll < 0.73:
        bad = rng.choice((
            [("q", "执行"), ("page", "abc")], [("q", "执行"), ("page", "0")], [("q", "执行"), ("page", "1001")],
            [("q", "执行"), ("per_page", "101")], [("q", "执行"), ("per_page", "-1")], [("year", "20x9")],
            [("year", "2021-2017")], [("institution", "院" * 101)], [("theme", str(n)) for n in range(21)],
            [("q", "执" * 10_001)], [("page", "9" * 30)],
        ))
        prefix = rng.choice(("/search?", "/api/search?", "/export.csv?"))
        check = _json_error if prefix.startswith("/api/") else _html
        return Request("malformed", prefix + urlencode(bad), BAD, check)
    if roll < 0.80:
        long_q = rng.choice(("诉源治理" * 1250, "执行 OR " * 300 + "审判", "a" * 4000, "(" * 2000, '"' * 999, "*",
                             "执*", "?", "\x00\x01<script>alert(1)</script>", "%FF%FE", "\ud7ff" * 50))
        prefix = rng.choice(("/search?", "/api/search?"))
        return Request("long-query", prefix + urlencode({"q": long_q}), OK, _json_search if "api" in prefix else _html)
    if roll < 0.90:
        path = rng.choice((
            "/report/..%2F..%2Fetc%2Fpasswd", "/report/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/report/..%5c..%5cwin.ini",
            "/api/report/..%2f..%2fbuild.json", "/static/../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
            "/report/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/report/CURRENT", "/report/" + "a" * 300,
            "/api/report/%00", "/report/..", "/static/%2e%2e/%2e%2e/pyproject.toml",
        ))
        check = _json_error if path.startswith("/api/") else None
        return Request("traversal", path, MISSING, check)
    if roll < 0.95:
        return Request("not-found", rng.choice(("/nope", "/api/nope", "/search/x", "/.git/config")), MISSING)
    path = rng.choice(("/search?q=%FF%FE%FD", "/api/search?q=%C0%AF", "/search?q=%E6%89", "/api/search?q=%E6%89"))
    return Request("raw-bytes", path, OK, _json_search if path.startswith("/api/") else _html)


@dataclass
class Tally:
    """What the flood saw, merged from every client thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)  # (kind, status) → n
    errors: list[str] = field(default_factory=list)  # transport errors, 5xx, unexpected statuses, bad bodies
    count: int = 0

    def take_ticket(self) -> bool:
        with self.lock:
            if self.count >= MAX_REQUESTS:
                return False
            self.count += 1
            return True


def client(server: Server, seed: int, deadline: float, tally: Tally) -> None:
    """One client: keep-alive connection, requests until the deadline or the request budget runs out."""
    rng = random.Random(seed)
    conn: http.client.HTTPConnection | None = None
    while time.monotonic() < deadline and tally.take_ticket():
        req = make_request(rng)
        if conn is None:
            conn = server.connect(timeout=30)
        try:
            conn.request("GET", req.path)
            response = conn.getresponse()
            body = response.read()
            status, headers = response.status, dict(response.getheaders())
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.errors.append(f"{req.kind} {req.path[:80]}: transport error {exc!r}")
            conn.close()
            conn = None
            continue
        problem = None
        if status not in req.expected:
            problem = f"status {status} (expected {sorted(req.expected)})"
        elif req.check is not None:
            try:
                req.check(body, headers)
            except (AssertionError, ValueError, KeyError) as exc:
                problem = f"bad body: {type(exc).__name__} {str(exc)[:200]}"
        with tally.lock:
            tally.statuses[(req.kind, status)] += 1
            if problem:
                tally.errors.append(f"{req.kind} {req.path[:80]}: {problem}")
    if conn is not None:
        conn.close()


def test_bounded_loopback_flood_leaves_the_server_up_with_flat_memory_and_no_errors(server: Server) -> None:
    before = server.api_search("诉源治理")
    assert before["total"] > 0
    tally = Tally()
    started = time.monotonic()
    deadline = started + DURATION_S
    threads = [threading.Thread(target=client, args=(server, 1000 + i, deadline, tally), daemon=True)
               for i in range(CONCURRENCY)]
    for t in threads:
        t.start()
    samples: list[tuple[float, int]] = []  # (seconds since start, RssAnon KiB of the server and its workers)
    while any(t.is_alive() for t in threads):
        assert server.alive(), "the server died during the flood"
        samples.append((time.monotonic() - started, server.rss_kib()))
        time.sleep(SAMPLE_EVERY_S)
    for t in threads:
        t.join(timeout=60)
    elapsed = time.monotonic() - started

    # The server is still up and answers exactly as before.
    assert server.alive()
    assert server.api_search("诉源治理") == before
    status, _, _ = server.get("/")
    assert status == 200

    kinds = Counter()
    for (kind, _status), n in tally.statuses.items():
        kinds[kind] += n
    print(f"\nflood: {tally.count} requests in {elapsed:.1f} s = {tally.count / elapsed:.0f} req/s, "
          f"{CONCURRENCY} connections")
    print("statuses:", dict(sorted(tally.statuses.items())))
    steady = [(t, kib) for t, kib in samples if t >= WARMUP_S]
    print("RssAnon samples (s, MiB):", [(round(t, 1), round(kib / 1024, 1)) for t, kib in samples])
    assert tally.errors == [], f"{len(tally.errors)} errors: {Counter(tally.errors).most_common(10)}"
    assert not any(status >= 500 for _kind, status in tally.statuses)
    # Every kind of request was really exercised, and the flood was not a trickle.
    assert set(kinds) == {"search", "api", "report", "api-report", "export", "overview", "malformed",
                          "long-query", "traversal", "not-found", "raw-bytes"}, kinds
    assert tally.count >= 1000, tally.count
    assert elapsed < DURATION_S + 30, "the flood did not stop by itself"

    # Memory flat after warm-up: the last third's median against the first steady third's median (medians
    # ignore one-off peaks of a single big response), and no sample above the warm-up level + bound.
    assert len(steady) >= 20, samples
    third = len(steady) // 3
    early = statistics.median(kib for _, kib in steady[:third])
    late = statistics.median(kib for _, kib in steady[-third:])
    growth = late - early
    print(f"RSS after warm-up: early median {early / 1024:.1f} MiB, late median {late / 1024:.1f} MiB, "
          f"growth {growth / 1024:+.2f} MiB, max {max(k for _, k in steady) / 1024:.1f} MiB")
    bound = MAX_GROWTH_KIB * server.serving_processes()  # per process: each worker fills its own caches
    assert growth < bound, f"RSS grew {growth / 1024:.1f} MiB after warm-up (bound {bound // 1024} MiB)"
    assert max(k for _, k in steady) < steady[0][1] + 2 * bound, samples
