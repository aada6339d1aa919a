"""A running server keeps answering during reindexes (A→B→A→B), each response from exactly one build, no restart."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.helpers.reliability import (
    NEW_INSTITUTION,
    NEW_REPORT_ID,
    NEW_WORD,
    Server,
    run_reindex,
)

pytestmark = pytest.mark.slow

CLIENTS = 4
SWITCH_GRACE_S = 2.0  # "within a short bounded wait": requests starting this long after reindex exited must see it
LATE_SAMPLES = 5  # responses per kind of request, started after the grace period, checked after each switch
# A word both builds have (B has more: the new report and a changed sentence), and B's distinctive word.
QUERIES = {"shared": "诉源治理", "new": NEW_WORD}
PER_PAGE = 20  # every hit of "shared" in both builds and the top of "new": compared exactly, snippets included


def engine_answer(index: Path, q: str) -> dict:
    """The engine's own answer for q on one index, as JSON decodes it (/api/search returns exactly this dict,
    with the bundled synonyms the served app reads)."""
    from indexer.config import default_synonyms_path
    from indexer.index.store import Store
    from indexer.search.engine import search
    from indexer.search.language.synonyms import load_synonyms

    synonyms = load_synonyms(default_synonyms_path())
    return json.loads(json.dumps(search(Store(index), q, per_page=PER_PAGE, synonyms=synonyms), ensure_ascii=False))


@dataclass
class Seen:
    """One answered request: which query, when it started and ended, and which build it matched."""

    kind: str
    start: float
    end: float
    build: str  # "A" or "B"


@dataclass
class Log:
    """Everything the clients saw."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: list[Seen] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def classify(kind: str, status: int, body: bytes, expected: dict[str, dict[str, dict]]) -> str:
    """"A" or "B" when the response is exactly that build's answer; raises AssertionError otherwise."""
    if kind == "report":
        if status == 404:
            assert json.loads(body) == {"error": f"没有这个报告：{NEW_REPORT_ID}", "status": 404}, body[:300]
            return "A"
        assert status == 200, (status, body[:300])
        doc = json.loads(body)
        assert doc["id"] == NEW_REPORT_ID and doc["institution"] == NEW_INSTITUTION and doc["paragraphs"]
        return "B"
    assert status == 200, (status, body[:300])
    doc = json.loads(body)
    matches = [build for build in ("A", "B") if doc == expected[build][kind]]
    assert len(matches) == 1, (
        f"{kind}: a response that is neither build's answer (total {doc['total']}, facets {doc['facets']}; "
        f"A total {expected['A'][kind]['total']}, B total {expected['B'][kind]['total']})"
    )
    return matches[0]


def hammer(server: Server, seed: int, stop: threading.Event, expected: dict[str, dict[str, dict]], log: Log) -> None:
    """Keep-alive client: /api/search for both queries and /api/report/<new id>, until stopped."""
    paths = {kind: f"/api/search?q={quote(q)}&per_page={PER_PAGE}" for kind, q in QUERIES.items()}
    paths["report"] = f"/api/report/{NEW_REPORT_ID}"
    order = list(paths)
    conn: http.client.HTTPConnection | None = None
    i = seed
    while not stop.is_set():
        kind = order[i % len(order)]
        i += 1
        if conn is None:
            conn = server.connect(timeout=30)
        start = time.monotonic()
        try:
            conn.request("GET", paths[kind])
            response = conn.getresponse()
            status, body = response.status, response.read()
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            with log.lock:
                log.errors.append(f"{kind}: transport error {exc!r}")
            if conn is not None:
                conn.close()
            conn = None
            continue
        end = time.monotonic()
        try:
            build = classify(kind, status, body, expected)
        except (AssertionError, ValueError, KeyError) as exc:
            with log.lock:
                log.errors.append(f"{kind}: {str(exc)[:300]}")
            continue
        with log.lock:
            log.seen.append(Seen(kind, start, end, build))
    if conn is not None:
        conn.close()


def wait_for_late_samples(log: Log, since: float, deadline: float) -> None:
    """Sleep until each kind of request has LATE_SAMPLES responses that started at or after `since`."""
    while time.monotonic() < deadline:
        time.sleep(0.1)
        with log.lock:
            late = Counter(s.kind for s in log.seen if s.start >= since)
        if len(late) == 3 and min(late.values()) >= LATE_SAMPLES:
            return
    raise AssertionError(f"too few responses after the switch: {late}")


def test_server_answers_through_reindexes_and_serves_the_new_index_without_restart(
        server: Server, index_a: Path, corpus_a: Path, corpus_b: Path, tmp_path: Path) -> None:
    # Each build's exact answers from the engine in this process, on a separately built reference index of B
    # (not from the server under test).
    from indexer.index.build import build_index

    index_b = tmp_path / "index-b-reference"
    build_index(corpus_b, index_b)
    expected = {
        "A": {kind: engine_answer(index_a, q) for kind, q in QUERIES.items()},
        "B": {kind: engine_answer(index_b, q) for kind, q in QUERIES.items()},
    }
    # The two builds really differ in total and facets for both queries, and only B has the new report.
    for kind in QUERIES:
        assert expected["A"][kind]["total"] != expected["B"][kind]["total"]
        assert expected["A"][kind]["facets"] != expected["B"][kind]["facets"]
    assert expected["A"]["new"]["total"] == 0 < expected["B"]["new"]["total"]
    assert NEW_INSTITUTION in expected["B"]["shared"]["facets"]["institution"]
    assert NEW_INSTITUTION not in expected["A"]["shared"]["facets"]["institution"]
    print(f"\nA: shared total {expected['A']['shared']['total']}, new total 0; "
          f"B: shared total {expected['B']['shared']['total']}, new total {expected['B']['new']['total']}")

    log = Log()
    stop = threading.Event()
    clients = [threading.Thread(target=hammer, args=(server, i, stop, expected, log), daemon=True)
               for i in range(CLIENTS)]
    for t in clients:
        t.start()
    switches: list[tuple[str, float, float]] = []  # (build now served, reindex started, reindex exited)
    try:
        wait_for_late_samples(log, 0.0, deadline=time.monotonic() + 120)  # the first build answered every kind
        for corpus, build in ((corpus_b, "B"), (corpus_a, "A"), (corpus_b, "B")):
            began = time.monotonic()
            done = run_reindex(corpus, index_a)
            exited = time.monotonic()
            assert done.returncode == 0, done.stdout + done.stderr
            switches.append((build, began, exited))
            # Old builds are cleaned up while the server reads: only the new and the previous build remain.
            assert len(list((index_a / "builds").iterdir())) <= 2
            # Then keep hammering until every kind of request has been answered LATE_SAMPLES times after the grace
            # period (adaptive, so a busy machine cannot leave the check below without samples; bounded).
            wait_for_late_samples(log, exited + SWITCH_GRACE_S, deadline=time.monotonic() + 120)
            assert server.alive()
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=60)

    seen = sorted(log.seen, key=lambda s: s.start)
    print(f"{len(seen)} responses, {len(log.errors)} errors; by (kind, build):",
          dict(sorted(Counter((s.kind, s.build) for s in seen).items())))
    assert log.errors == [], Counter(log.errors).most_common(10)
    assert seen and seen[0].start < switches[0][1]

    # Between switches: before a reindex exits, responses are the old or the new build; from the first response
    # showing the new build on, no request that starts later sees the old one (the switch is one-way); and every
    # request starting SWITCH_GRACE_S after the reindex exited sees the new build.
    previous = "A"
    for n, (build, began, exited) in enumerate(switches):
        window_end = switches[n + 1][1] if n + 1 < len(switches) else float("inf")
        window = [s for s in seen if began <= s.start < window_end]
        assert all(s.build in (previous, build) for s in window)
        first_new = min((s.end for s in window if s.build == build), default=None)
        assert first_new is not None, f"switch {n + 1}: the server never served the new build"
        stale = [s for s in window if s.start > first_new and s.build != build]
        assert stale == [], f"switch {n + 1}: {len(stale)} responses went back to the old build"
        late = [s for s in window if s.start >= exited + SWITCH_GRACE_S]
        assert len(late) >= 3 * LATE_SAMPLES and all(s.build == build for s in late), (n, Counter(s.build for s in late))
        assert {s.kind for s in late} == {"shared", "new", "report"}
        print(f"switch {n + 1} to {build}: reindex took {exited - began:.1f} s, first response from the new build "
              f"{first_new - began:+.2f} s after it started; {len(window)} responses in the window")
        previous = build
    # The server was never restarted: the same process served everything and still serves B.
    assert server.alive()
    assert server.api_search(NEW_WORD, per_page=str(PER_PAGE)) == expected["B"]["new"]


def test_the_consistency_check_rejects_a_mix_of_two_builds() -> None:
    # The live test is only as strong as classify(): a response mixing two builds must never pass as either.
    a = {"query": "q", "notice": None, "total": 3, "page": 1, "per_page": PER_PAGE, "hits": [{"id": "x-p1"}],
         "facets": {"institution": {"甲": 3}, "year": {"2020": 3}, "theme": {"其他": 3}}}
    b = {**a, "total": 5, "hits": [{"id": "x-p1"}, {"id": "new-p2"}],
         "facets": {"institution": {"甲": 3, NEW_INSTITUTION: 2}, "year": {"2020": 3, "2024": 2}, "theme": {"其他": 5}}}
    expected = {"A": {"shared": a}, "B": {"shared": b}}
    assert classify("shared", 200, json.dumps(a).encode(), expected) == "A"
    assert classify("shared", 200, json.dumps(b).encode(), expected) == "B"
    for mixed in ({**a, "total": 5}, {**b, "facets": a["facets"]}, {**a, "hits": b["hits"]}):
        with pytest.raises(AssertionError, match="neither build"):
            classify("shared", 200, json.dumps(mixed).encode(), expected)
    with pytest.raises(AssertionError):
        classify("shared", 503, b'{"error": "x", "status": 503}', expected)
