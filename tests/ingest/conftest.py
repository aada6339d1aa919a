"""Fixtures for the ingest tests: the seeds parsed once (seed_load, the corpus loaded, is in tests/conftest.py),
own fixture files, and a scratch corpus builder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.ingest.decode import decode
from indexer.ingest.layout import Block, parse_blocks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_FILES = {
    "jiaxing": "jiaxing-intermediate-court-2020.txt",
    "pinghu2023": "pinghu-court-2023.txt",
    "pinghu5y": "pinghu-court-procuratorate-2017-2021.txt",
}


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def seed_blocks(repo_corpus: Path) -> dict[str, list[Block]]:
    """Each seed parsed by parse_blocks, keyed by a short name."""
    return {k: parse_blocks(decode((repo_corpus / f).read_bytes())) for k, f in SEED_FILES.items()}


@pytest.fixture
def make_corpus(tmp_path: Path, repo_corpus: Path) -> Callable[..., Path]:
    """Build a corpus folder in tmp_path: make_corpus(seeds=True, catalog=…, files={name: bytes|str})."""

    def build(*, seeds: bool = False, catalog: str | None = None, files: dict[str, bytes | str] | None = None) -> Path:
        root = tmp_path / "corpus"
        root.mkdir(exist_ok=True)
        if seeds:
            for name in SEED_FILES.values():
                shutil.copy(repo_corpus / name, root / name)
            shutil.copy(repo_corpus / "catalog.toml", root / "catalog.toml")
        if catalog is not None:
            (root / "catalog.toml").write_text(catalog, encoding="utf-8")
        for name, content in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
        return root

    return build
