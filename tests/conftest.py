"""Fixtures shared by every test area. Area-specific fixtures live in the area's own conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.compiled import stale_modules
from indexer.ingest.corpus import CorpusLoad, load_corpus
from tests.helpers import REPO_ROOT


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test a stale compiled extractor: after an edit of its .py, the .so beside it runs the old code."""
    if stale := stale_modules():
        pytest.exit(f"{', '.join(stale)} changed after the install compiled it: run `.venv/bin/pip install -e .` "
                    "again (or delete indexer/figures/*.so to test the source)", returncode=4)


@pytest.fixture(scope="session")
def repo_corpus() -> Path:
    """The bundled corpus/ (read-only: copy it before changing anything)."""
    return REPO_ROOT / "corpus"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path) -> Path:
    """The one index of the bundled corpus, built once per session by build_index (read-only: a test that
    changes an index copies this one or builds its own)."""
    from indexer.index.build import build_index

    root = tmp_path_factory.mktemp("seed-index")
    summary = build_index(repo_corpus, root)
    assert summary.reports == 3 and summary.paragraphs > 50 and not summary.skipped, summary.skipped
    return root


@pytest.fixture(scope="session")
def seed_load(repo_corpus: Path) -> CorpusLoad:
    """load_corpus over the bundled corpus, once per session (read-only)."""
    return load_corpus(repo_corpus)


@pytest.fixture(scope="session")
def scanned_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(corpus, index, reindex output): three scanned reports (tests/helpers/scanned.py) indexed once per session by
    `reportsearch reindex`, OCR'd in its parsing children (read-only: a test that changes them copies them)."""
    from tests.helpers.scanned import reindex, write_scanned_corpus

    base = tmp_path_factory.mktemp("scanned")
    corpus, index = write_scanned_corpus(base / "corpus"), base / "index"
    result = reindex(corpus, index)
    assert result.exit_code == 0, result.output
    return corpus, index, result.output
