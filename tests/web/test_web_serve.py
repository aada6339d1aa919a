"""`reportsearch serve`: waitress (not Flask's debug server), building the index first on a fresh clone."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import cli

SCRIPT = Path(sys.executable).parent / "reportsearch"


def start_serve(index: Path, corpus: Path, *extra: str) -> tuple[subprocess.Popen, str, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTSEARCH_")}
    proc = subprocess.Popen(
        [str(SCRIPT), "serve", "--host", "127.0.0.1", "--port", "0", "--index", str(index), "--corpus", str(corpus),
         *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"Serving reportsearch on (http://127\.0\.0\.1:\d+)/", line)
        if m:
            return proc, m.group(1), lines
    proc.kill()
    proc.wait()
    raise AssertionError("serve did not start:\n" + "".join(lines))


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_serve_is_a_command_of_the_cli():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--index", "--corpus", "--workers", "--max-requests", "--max-worker-memory"):
        assert option in result.output


@pytest.mark.slow  # starts `serve` processes and kills them
def test_serve_builds_a_missing_index_then_serves_with_waitress(tmp_path, repo_corpus):
    index = tmp_path / "index"
    proc, base, lines = start_serve(index, repo_corpus)
    try:
        assert any("building it from" in line for line in lines), lines
        assert any("Indexed 3 reports" in line for line in lines), lines
        with urllib.request.urlopen(base + "/", timeout=30) as response:
            assert response.status == 200
            assert response.headers["Server"] == "reportsearch"  # waitress with our ident, not Werkzeug
            assert '<html lang="zh-CN">' in response.read().decode("utf-8")
        with urllib.request.urlopen(base + "/api/search?q=%E6%89%A7%E8%A1%8C", timeout=30) as response:
            assert json.loads(response.read())["total"] > 0
    finally:
        stop(proc)
    # a second start finds the index and does not rebuild it
    proc, base, lines = start_serve(index, repo_corpus)
    try:
        assert not any("building" in line for line in lines), lines
        with urllib.request.urlopen(base + "/api/overview", timeout=30) as response:
            assert json.loads(response.read())["reports"] == 3
    finally:
        stop(proc)


def test_serve_with_an_unreadable_corpus_says_so(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path / "i"), "--corpus", str(tmp_path / "none"), "--port", "0"])
    assert result.exit_code != 0
    assert "could not build the index" in result.output
    assert "Traceback" not in result.output


def test_serve_is_added_explicitly_not_by_importing_webapp_cli():
    import indexer.cli
    import webapp.cli

    assert "serve" in webapp.cli.cli.commands
    # importing webapp.cli added nothing
    assert sorted(indexer.cli.cli.commands) == ["add", "export", "figures", "reindex", "remove", "search", "trend"]
    assert sorted(indexer.cli.make_cli(webapp.cli.serve).commands) == [
        "add", "export", "figures", "reindex", "remove", "search", "serve", "trend"]


def _children(pid: int, want: int | None = None) -> set[int]:
    """The server's worker processes (waiting up to 30 s for `want` of them: they start after the banner)."""
    deadline = time.monotonic() + 30
    while True:
        got = {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
        if want is None or len(got) == want or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def _search_concurrently(base: str, n: int) -> list[int]:
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> int:
        with urllib.request.urlopen(f"{base}/api/search?q=%E6%89%A7%E8%A1%8C&page={1 + i % 2}", timeout=60) as r:
            assert json.loads(r.read())["total"] > 0
            return r.status

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.slow  # starts `serve` processes and kills them
def test_serve_with_workers_answers_from_several_processes_and_stops_them_all(tmp_path, repo_corpus):
    proc, base, lines = start_serve(tmp_path / "index", repo_corpus, "--workers", "3")
    try:
        assert any("3 worker processes" in line for line in lines), lines
        workers = _children(proc.pid, 3)
        assert len(workers) == 3
        assert _search_concurrently(base, 40) == [200] * 40
    finally:
        stop(proc)
    assert proc.returncode == 0
    for pid in workers:  # none left behind
        assert not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.slow  # starts `serve` processes and kills them
def test_a_worker_that_dies_is_replaced_and_ctrl_c_stops_them_all(tmp_path, repo_corpus):
    import signal

    proc, base, _ = start_serve(tmp_path / "index", repo_corpus, "--workers", "2")
    try:
        first = _children(proc.pid, 2)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _children(proc.pid)
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and victim not in now, (first, now)
        assert _search_concurrently(base, 10) == [200] * 10
        proc.send_signal(signal.SIGINT)  # Ctrl-C reaching the supervisor alone
        assert proc.wait(timeout=30) == 0
    finally:
        stop(proc)
    for pid in now:
        assert not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.slow  # starts `serve` processes and kills them
def test_workers_do_not_outlive_a_killed_supervisor(tmp_path, repo_corpus):
    import signal

    proc, _, _ = start_serve(tmp_path / "index", repo_corpus, "--workers", "2")
    try:
        workers = _children(proc.pid, 2)
        assert len(workers) == 2
        proc.send_signal(signal.SIGKILL)  # no chance to stop them itself: the kernel tells them (PR_SET_PDEATHSIG)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        alive = workers
        while alive and time.monotonic() < deadline:
            alive = {p for p in workers if Path(f"/proc/{p}").exists()
                     and "State:\tZ" not in Path(f"/proc/{p}/status").read_text()}
            time.sleep(0.1)
        assert not alive, "workers kept serving after their supervisor was killed"
    finally:
        stop(proc)


@pytest.mark.slow  # starts `serve` processes and kills them
def test_a_worker_is_replaced_after_max_requests_without_a_failed_request(tmp_path, repo_corpus):
    import http.client
    from urllib.parse import urlsplit

    proc, base, _ = start_serve(tmp_path / "index", repo_corpus, "--workers", "1", "--max-requests", "5")
    seen: set[int] = set()
    try:
        seen |= _children(proc.pid, 1)
        statuses = []
        for _ in range(12):  # fresh connections
            with urllib.request.urlopen(base + "/api/search?q=%E6%89%A7%E8%A1%8C", timeout=60) as response:
                statuses.append(response.status)
            seen |= _children(proc.pid)
        url = urlsplit(base)
        # Two keep-alive clients taking turns: whichever request makes the worker retire, both are answered
        # (the other's next request comes before its idle connection would be closed) and reconnect when told.
        conns = [http.client.HTTPConnection(url.hostname, url.port, timeout=60) for _ in range(2)]
        for n in range(12):
            conns[n % 2].request("GET", "/api/overview")
            response = conns[n % 2].getresponse()
            response.read()
            statuses.append(response.status)
            seen |= _children(proc.pid)
        for conn in conns:
            conn.close()
        assert _search_concurrently(base, 30) == [200] * 30  # 8 clients at once while workers retire
        assert statuses == [200] * 24
        seen |= _children(proc.pid, 1)
        assert len(seen) >= 4, seen  # 54 requests at 5 (+0) per worker: replaced many times
        assert len(_children(proc.pid, 1)) == 1
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None or not proc.stdout.closed:
            stop(proc)
    assert proc.returncode == 0, output
    assert output.count("retired after") >= 3, output
    assert "exited (" not in output and "Traceback" not in output, output  # retired on purpose, never crashed


def test_the_build_s_word_cut_is_made_before_the_workers_fork_and_theirs_is_that_one(seed_index):
    """warm_before_fork (run by serve before forking): a worker's first search finds the build's cut (rjieba's
    dictionary) already made, so the workers share its pages; jieba's own dictionary is not loaded for it."""
    script = (
        "import sys, jieba\n"
        "from indexer.fastwords import _rjieba_for\n"
        "from indexer.index.store import Store\n"
        "from indexer.search.engine import search\n"
        "from webapp.cli import warm_before_fork\n"
        "warm_before_fork(sys.argv[1])\n"
        "made = _rjieba_for.cache_info()\n"
        "print(made.currsize, made.misses)\n"
        "assert search(Store(sys.argv[1]), '诉源治理')['total'] > 0\n"
        "after = _rjieba_for.cache_info()\n"
        "print(after.misses, after.hits > made.hits, jieba.dt.initialized)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(seed_index)], capture_output=True, text=True, check=True,
                         timeout=300).stdout.split("\n")
    assert out[0] == "1 1" and out[1] == "1 True False"
