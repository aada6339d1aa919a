"""Reliability helpers: the real `reportsearch` console script as subprocesses (reindex, serve) on loopback."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench import measure

SCRIPT = Path(sys.executable).parent / "reportsearch"

# Corpus B = corpus A + one new report (a seed's text with a distinctive word added) and one changed text.
NEW_FILE = "reliability-new-court-2024.txt"
NEW_REPORT_ID = "reliability-new-court-2024"
NEW_INSTITUTION = "可靠性测试市人民法院"
NEW_WORD = "鲲鹏观测站"
SEED_FOR_NEW = "jiaxing-intermediate-court-2020.txt"
CHANGED_FILE = "pinghu-court-2023.txt"


def clean_env() -> dict[str, str]:
    """The environment without REPORTSEARCH_* settings, so only the command-line paths count."""
    return {k: v for k, v in os.environ.items() if not k.startswith("REPORTSEARCH_")}


def run_reindex(corpus: Path, index: Path, *, timeout: float = 300) -> subprocess.CompletedProcess:
    """`reportsearch reindex --corpus … --index …` as a subprocess, to completion."""
    return subprocess.run(
        [str(SCRIPT), "reindex", "--corpus", str(corpus), "--index", str(index)],
        capture_output=True, text=True, encoding="utf-8", env=clean_env(), timeout=timeout, check=False,
    )


def make_corpus_b(corpus_a: Path, dst: Path) -> Path:
    """A copy of corpus A plus a new catalogued report carrying NEW_WORD, and one report's text changed."""
    shutil.copytree(corpus_a, dst)
    seed = (corpus_a / SEED_FOR_NEW).read_text(encoding="utf-8")
    # The distinctive word opens a paragraph of its own and is appended to every other body paragraph.
    paras = seed.split("\n\n")
    body = [p if p.lstrip().startswith("#") or len(p) < 40 else p + f"新建{NEW_WORD}一处。" for p in paras]
    (dst / NEW_FILE).write_text("\n\n".join(body) + f"\n\n本院{NEW_WORD}建成投用，诉源治理工作再上台阶。\n",
                                encoding="utf-8")
    with (dst / "catalog.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[report]]\nfile = "{NEW_FILE}"\ntitle = "{NEW_INSTITUTION}工作报告（2024年）"\n'
                 f'institution = "{NEW_INSTITUTION}"\nyear = 2024\n')
    changed = dst / CHANGED_FILE
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n全年新增诉源治理示范点十二个。\n", encoding="utf-8")
    return dst


@dataclass
class Server:
    """A running `reportsearch serve` subprocess on 127.0.0.1."""

    proc: subprocess.Popen
    host: str
    port: int
    log: Path

    @property
    def pid(self) -> int:
        """The server process id (the console script is the Python process itself)."""
        return self.proc.pid

    def connect(self, timeout: float = 30) -> http.client.HTTPConnection:
        """A new keep-alive connection to the server."""
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes, dict[str, str]]:
        """One GET on a fresh connection: (status, body, headers)."""
        conn = self.connect(timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()

    def api_search(self, q: str, **params: str) -> dict:
        """GET /api/search and decode the JSON (asserting 200)."""
        query = "&".join([f"q={quote(q)}"] + [f"{k}={quote(v)}" for k, v in params.items()])
        status, body, _ = self.get(f"/api/search?{query}")
        assert status == 200, (status, body[:300])
        return json.loads(body)

    def serving_processes(self) -> int:
        """How many processes answer requests: the workers of `serve --workers N`, or the server itself."""
        return len(Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()) or 1

    def rss_kib(self) -> int:
        """The server's anonymous resident memory (RssAnon, KiB: its heaps), summed over it and its workers.

        Not VmRSS: that also counts the pages of the memory-mapped index a process has touched, which grow
        as queries reach more of the index and are the page cache (shared, reclaimable), not a leak.
        """
        pids = [self.pid, *map(int, Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split())]
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
            except FileNotFoundError:  # a worker that just exited
                continue
            total += int(re.search(r"^RssAnon:\s+(\d+) kB", status, re.M).group(1))
        return total

    def alive(self) -> bool:
        """True while the process has not exited."""
        return self.proc.poll() is None


def start_server(index: Path, corpus: Path, log: Path, *extra: str, timeout: float = 120) -> Server:
    """Start `reportsearch serve --port 0` (any free port; extra: more options) and wait for its 'Serving … on' line.

    Output goes to a file, not a pipe: a pipe nobody reads would fill and block the server's logging.
    """
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(SCRIPT), "serve", "--host", "127.0.0.1", "--port", "0", "--index", str(index),
             "--corpus", str(corpus), *extra],
            stdout=out, stderr=subprocess.STDOUT, env=clean_env(),
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(r"Serving reportsearch on http://127\.0\.0\.1:(\d+)/", log.read_text("utf-8", "replace"))
        if m:
            return Server(proc=proc, host="127.0.0.1", port=int(m.group(1)), log=log)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop_server(proc)
    raise AssertionError(f"serve did not start (rc={proc.poll()}):\n{log.read_text('utf-8', 'replace')}")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it does not exit within 20 s (the benchmark's stop, with a longer wait)."""
    measure.stop(proc, timeout=20)
