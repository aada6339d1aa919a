"""Parsing the corpus in forked processes gives exactly what one process gives (reports, warnings, skipped)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from indexer.forking import WorkerError, fork_map
from indexer.ingest.corpus import load_corpus


def _hostile_copy(repo_corpus: Path, tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    first = sorted(corpus.glob("*.txt"))[0]
    (corpus / "a-empty.txt").write_bytes(b"")
    (corpus / "sub").mkdir()
    shutil.copy(first, corpus / "sub" / first.name)  # same report id as `first`: skipped by name
    shutil.copy(first, corpus / "zz-uncatalogued-2019.txt")  # no catalog entry: warning, still indexed
    (corpus / "zz-binary.txt").write_bytes(bytes(range(256)) * 8)
    return corpus


@pytest.mark.parametrize("processes", [2, 3, 16])
def test_forked_load_equals_serial(repo_corpus: Path, tmp_path: Path, processes: int) -> None:
    corpus = _hostile_copy(repo_corpus, tmp_path)
    serial = load_corpus(corpus)
    assert serial.skipped and serial.warnings  # the hostile files did something
    ran: list[str] = []
    forked = load_corpus(corpus, processes=processes, while_loading=lambda: ran.append("x"))
    assert ran == ["x"]
    assert forked.reports == serial.reports
    assert forked.warnings == serial.warnings
    assert forked.skipped == serial.skipped


def test_fork_map_order_and_errors() -> None:
    assert fork_map(lambda n: n * n, [3, 1, 2]) == [9, 1, 4]
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        fork_map(lambda n: 1 // n, [1, 0])


def test_fork_map_children_see_the_parents_objects_frozen_and_the_parent_gets_them_back() -> None:
    import gc

    # in a child the parent's objects sit in the collector's permanent generation (its collections never
    # write to them, so their pages stay shared); the parent's own collector sees them again afterwards
    assert gc.get_freeze_count() == 0
    frozen_in_children = fork_map(lambda _: gc.get_freeze_count(), [1, 2])
    assert all(count > 1000 for count in frozen_in_children)
    assert gc.get_freeze_count() == 0
    with pytest.raises(WorkerError):
        fork_map(lambda n: 1 // n, [0])
    assert gc.get_freeze_count() == 0


def test_fork_map_reports_every_failed_worker() -> None:
    with pytest.raises(WorkerError) as raised:
        fork_map(lambda n: 1 // n, [0, 1, None])
    assert "ZeroDivisionError" in str(raised.value) and "TypeError" in str(raised.value)


def _state(pid: int) -> str:
    """The process state letter from /proc (Z = exited, not yet reaped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


@pytest.mark.parametrize("hold", [False, True])
def test_fork_map_holds_finished_workers_until_all_results_are_read(tmp_path: Path, hold: bool) -> None:
    # Worker "fast" tells us its pid and finishes; worker "slow" finishes only when the marker exists.
    marker = tmp_path / "go"
    pid_r, pid_w = os.pipe()

    def work(name: str) -> str:
        if name == "fast":
            os.write(pid_w, f"{os.getpid()}\n".encode())
        else:
            while not marker.exists():
                time.sleep(0.01)
        return name

    seen: list[str] = []

    def while_running() -> None:
        fast = int(os.read(pid_r, 64))
        deadline = time.monotonic() + (1.0 if hold else 10.0)
        while time.monotonic() < deadline and _state(fast) != "Z":
            time.sleep(0.01)
        seen.append(_state(fast))
        marker.touch()

    try:
        assert fork_map(work, ["slow", "fast"], while_running=while_running, hold_until_read=hold) == ["slow", "fast"]
    finally:
        os.close(pid_r)
        os.close(pid_w)
    # Held: the finished worker was still alive while the parent waited; not held: it had exited.
    assert (seen[0] != "Z") if hold else (seen[0] == "Z")
