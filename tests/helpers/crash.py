"""Crash tests' helpers: wait for a subprocess to pause at a phase, SIGKILL it, check what serves."""

from __future__ import annotations

import select
import signal
import subprocess
import time
from pathlib import Path

from indexer.index.store import Store
from tests.helpers.search import word_ids


def wait_paused(proc: subprocess.Popen, phase: str, timeout: float = 120) -> None:
    """Read proc's stderr until it says `PAUSED <phase>`; kill it and fail if it never does."""
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            line = proc.stderr.readline()
            if line.startswith(f"PAUSED {phase}"):
                return
            if not line and proc.poll() is not None:
                break
    proc.kill()
    raise AssertionError(f"reindex never reached {phase}: rc={proc.poll()} {proc.stderr.read()}")


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL proc, reap it and close its pipes."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


def assert_serving(index: Path, build_id: str | None = None) -> str:
    """The index serves a complete build (build_id if given) that finds a known word; its id."""
    opened = Store(index).current()
    if build_id is not None:
        assert opened.build_id == build_id
    with opened.searcher() as searcher:
        assert searcher.doc_count() == opened.meta["counts"]["paragraphs"] > 0
    assert len(word_ids(opened, "诉源治理")) >= 1
    return opened.build_id
