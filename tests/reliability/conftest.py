"""Reliability fixtures: corpora A and B, an index built by `reportsearch reindex`, a running `serve`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.reliability import (
    Server,
    make_corpus_b,
    run_reindex,
    start_server,
    stop_server,
)


@pytest.fixture()
def corpus_a(tmp_path: Path, repo_corpus: Path) -> Path:
    """A private copy of the bundled corpus (the original is never touched)."""
    return Path(shutil.copytree(repo_corpus, tmp_path / "corpus-a"))


@pytest.fixture()
def corpus_b(tmp_path: Path, repo_corpus: Path) -> Path:
    """Corpus A plus a new report with NEW_WORD and one changed text."""
    return make_corpus_b(repo_corpus, tmp_path / "corpus-b")


@pytest.fixture()
def index_a(tmp_path: Path, corpus_a: Path) -> Path:
    """An index of corpus A built by `reportsearch reindex`."""
    index = tmp_path / "index"
    done = run_reindex(corpus_a, index)
    assert done.returncode == 0, done.stdout + done.stderr
    return index


@pytest.fixture()
def server(tmp_path: Path, index_a: Path, corpus_a: Path) -> Iterator[Server]:
    """`reportsearch serve` over index A; stopped (and its log shown on failure) afterwards."""
    srv = start_server(index_a, corpus_a, tmp_path / "serve.log")
    try:
        yield srv
    finally:
        stop_server(srv.proc)
        log = srv.log.read_text("utf-8", "replace")
        # The app logs a trace only on an unexpected error (a bug): there must be none.
        assert "Traceback" not in log, log[-5000:]
