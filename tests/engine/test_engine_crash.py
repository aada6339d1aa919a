"""Crash safety: really SIGKILL a `reportsearch reindex` process at each phase; two reindexes at once."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from indexer.index.store import BUILDS
from tests.helpers import REPO_ROOT
from tests.helpers.crash import assert_serving, kill, wait_paused

pytestmark = pytest.mark.slow


def start_reindex(corpus: Path, index: Path, *, pause: str | None = None, procs: int = 1,
                  marker: str = "") -> subprocess.Popen:
    """`reportsearch reindex` in a subprocess; with `pause`, the real build stopped at that phase instead."""
    env = dict(os.environ)
    env["REPORTSEARCH_TEST_MARKER"] = marker
    if pause:
        cmd = [sys.executable, "-m", "tests.helpers.paused_reindex", pause, str(corpus), str(index), str(procs)]
    else:
        cmd = [sys.executable, "-c", "from webapp.cli import main; main()", "reindex", "--corpus", str(corpus),
               "--index", str(index), "--procs", str(procs)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO_ROOT, env=env,
                            text=True, encoding="utf-8")


def reindex(corpus: Path, index: Path, procs: int = 1) -> subprocess.CompletedProcess:
    proc = start_reindex(corpus, index, procs=procs)
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def processes_with_marker(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if f"REPORTSEARCH_TEST_MARKER={marker}".encode() in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


@pytest.fixture()
def served(tmp_path: Path, corpus: Path) -> tuple[Path, str]:
    index = tmp_path / "index"
    done = reindex(corpus, index)
    assert done.returncode == 0, done.stderr
    return index, assert_serving(index)


@pytest.mark.parametrize("phase", ["locked", "loaded", "writing", "committed", "verified", "before-switch"])
def test_sigkill_before_the_switch_keeps_the_old_index(corpus: Path, served: tuple[Path, str], phase: str) -> None:
    index, old = served
    proc = start_reindex(corpus, index, pause=phase)
    wait_paused(proc, phase)
    assert_serving(index, old)  # serving while the reindex runs
    kill(proc)
    assert_serving(index, old)  # and after it died
    done = reindex(corpus, index)  # recovers with no manual step
    assert done.returncode == 0, done.stderr
    new = assert_serving(index)
    assert new != old
    assert sorted(p.name for p in (index / BUILDS).iterdir()) == sorted([old, new])


def test_sigkill_after_the_switch_serves_the_new_index(corpus: Path, served: tuple[Path, str]) -> None:
    index, old = served
    proc = start_reindex(corpus, index, pause="switched")
    wait_paused(proc, "switched")
    kill(proc)
    new = assert_serving(index)
    assert new != old
    assert reindex(corpus, index).returncode == 0
    assert_serving(index)


def test_sigkill_with_worker_processes_leaves_no_stale_lock_or_orphans(corpus: Path, served: tuple[Path, str],
                                                                       tmp_path: Path) -> None:
    # enough paragraphs for Whoosh's writer to start its worker processes before the pause
    big = tmp_path / "big"
    shutil.copytree(corpus, big)
    catalog = (big / "catalog.toml").read_text(encoding="utf-8")
    for k in range(4):
        for src in sorted(corpus.glob("*.txt")):
            name = f"{src.stem}-copy{k}.txt"
            shutil.copy(src, big / name)
            entry = catalog.split(f'file = "{src.name}"', 1)[1].split("[[report]]", 1)[0]
            catalog += f'\n[[report]]\nfile = "{name}"{entry}'
    (big / "catalog.toml").write_text(catalog, encoding="utf-8")
    index, old = served
    marker = uuid.uuid4().hex
    proc = start_reindex(big, index, pause="writing", procs=2, marker=marker)
    wait_paused(proc, "writing")
    assert len(processes_with_marker(marker)) >= 2  # the reindex and at least one worker
    kill(proc)
    deadline = time.monotonic() + 20
    while processes_with_marker(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with_marker(marker) == []  # workers died with their parent
    assert_serving(index, old)
    done = reindex(big, index, procs=2)  # the lock is free at once
    assert done.returncode == 0, done.stderr
    assert "indexed 15 reports" in done.stdout
    assert_serving(index)


def test_sigkill_after_random_delays(corpus: Path, served: tuple[Path, str]) -> None:
    index, _ = served
    rng = random.Random(20240205)
    for _ in range(4):
        proc = start_reindex(corpus, index)
        time.sleep(rng.uniform(0.05, 1.5))
        kill(proc)
        assert_serving(index)  # old or (if it finished the switch) new: always a complete build
    done = reindex(corpus, index)
    assert done.returncode == 0, done.stderr
    assert_serving(index)
    assert len(list((index / BUILDS).iterdir())) == 2


def test_two_reindexes_at_once(corpus: Path, served: tuple[Path, str]) -> None:
    index, old = served
    first = start_reindex(corpus, index, pause="loaded")
    try:
        wait_paused(first, "loaded")
        second = reindex(corpus, index)
        assert second.returncode == 2
        assert f"another reindex is running (pid {first.pid})" in second.stderr
        assert "Traceback" not in second.stderr
        assert_serving(index, old)
    finally:
        kill(first)
    third = reindex(corpus, index)  # the killed holder left no stale lock
    assert third.returncode == 0, third.stderr
