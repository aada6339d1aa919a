"""Parsing the corpus in forked processes gives exactly what one process gives (reports, warnings, skipped)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.corpus import load_corpus
from indexer.forking import WorkerError, fork_map


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
