"""Fixtures for the index-engine tests: hand-made reports (independent of the ingest stage) and seed text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.model import Paragraph, Report


@pytest.fixture(scope="session")
def seed_sentences(repo_corpus: Path) -> list[str]:
    """Real sentences from the bundled reports (split on 。), whitespace kept as the files have it."""
    sentences: list[str] = []
    for path in sorted(repo_corpus.glob("*.txt")):
        for chunk in re.split(r"(?<=。)", path.read_text(encoding="utf-8")):
            if len(chunk.strip()) >= 8 and not chunk.lstrip().startswith("#"):
                sentences.append(chunk)
    return sentences


def _make_reports(texts_by_report: dict[str, list[str]], *, years: tuple[int, ...] = (2020,)) -> list[Report]:
    """Reports built by hand: {report id: [paragraph text, …]}."""
    reports = []
    for rid, texts in texts_by_report.items():
        title = f"{rid} 工作报告"
        institution = "平湖市人民检察院" if "jc" in rid else "平湖市人民法院"
        paragraphs = [
            Paragraph(
                report=rid, position=i, text=text, section="第一部分", institution=institution,
                years=years, title=title, theme="司法为民", lead=text[:4],
            )
            for i, text in enumerate(texts, start=1)
        ]
        reports.append(
            Report(id=rid, file=f"{rid}.txt", title=title, institution=institution, years=years,
                   paragraphs=paragraphs, institutions=(institution,))
        )
    return reports


@pytest.fixture(scope="session")
def seed_texts(repo_corpus: Path) -> list[str]:
    """Blank-line separated chunks of the seed reports' text, whitespace inside removed: strings to make paragraphs
    of by hand (not the indexed paragraphs, which tests/search calls seed_paragraphs)."""
    chunks = []
    for path in sorted(repo_corpus.glob("*.txt")):
        for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = re.sub(r"\s+", "", chunk)
            if len(text) > 20 and not text.startswith("#"):
                chunks.append(text)
    return chunks


@pytest.fixture()
def hand_reports(seed_texts: list[str]) -> list[Report]:
    """Three reports made of real seed paragraphs, 2 + 1 split, independent of indexer.ingest.corpus."""
    third = len(seed_texts) // 3
    return _make_reports({
        "fy-a": seed_texts[:third],
        "fy-b": seed_texts[third : 2 * third],
        "jc-c": seed_texts[2 * third :],
    })


@pytest.fixture(scope="session")
def make_reports():
    """Build Report objects by hand: make_reports({report id: [paragraph text, …]})."""
    return _make_reports


@pytest.fixture()
def corpus(tmp_path: Path, repo_corpus: Path) -> Path:
    """A copy of the bundled corpus in tmp_path, for tests that change it."""
    copy = tmp_path / "corpus"
    shutil.copytree(repo_corpus, copy)
    return copy


def _reindexed(corpus: Path, index: Path) -> tuple[Path, Path]:
    assert CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    return corpus, index


@pytest.fixture()
def indexed(tmp_path: Path, corpus: Path) -> tuple[Path, Path]:
    """A copy of the bundled corpus and its index made for this test by `reportsearch reindex`: (corpus, index),
    for a test that changes them (add, remove, reindex)."""
    return _reindexed(corpus, tmp_path / "index")


@pytest.fixture(scope="session")
def reindexed_once(tmp_path_factory: pytest.TempPathFactory, repo_corpus: Path) -> tuple[Path, Path]:
    """A copy of the bundled corpus and its index made by `reportsearch reindex` once per session (never changed:
    tests get copies of it from indexed_copy)."""
    base = tmp_path_factory.mktemp("reindexed")
    return _reindexed(Path(shutil.copytree(repo_corpus, base / "corpus")), base / "index")


@pytest.fixture()
def indexed_copy(tmp_path: Path, reindexed_once: tuple[Path, Path]) -> tuple[Path, Path]:
    """What indexed gives, copied from the session's reindex instead of reindexing: for a test that should leave
    the corpus and the index as they are (a refused or dry-run add); if it changes them, only its copy changes."""
    corpus, index = reindexed_once
    return Path(shutil.copytree(corpus, tmp_path / "corpus")), Path(shutil.copytree(index, tmp_path / "index"))
