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
def seed_paragraphs(repo_corpus: Path) -> list[str]:
    """Blank-line separated chunks of the seed reports, whitespace inside removed (hand-made paragraphs)."""
    chunks = []
    for path in sorted(repo_corpus.glob("*.txt")):
        for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            text = re.sub(r"\s+", "", chunk)
            if len(text) > 20 and not text.startswith("#"):
                chunks.append(text)
    return chunks


@pytest.fixture()
def hand_reports(seed_paragraphs: list[str]) -> list[Report]:
    """Three reports made of real seed paragraphs, 2 + 1 split, independent of indexer.ingest.corpus."""
    third = len(seed_paragraphs) // 3
    return _make_reports({
        "fy-a": seed_paragraphs[:third],
        "fy-b": seed_paragraphs[third : 2 * third],
        "jc-c": seed_paragraphs[2 * third :],
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


@pytest.fixture()
def indexed(tmp_path: Path, corpus: Path) -> tuple[Path, Path]:
    """A copy of the bundled corpus and its index (made by `reportsearch reindex`): (corpus, index)."""
    index = tmp_path / "index"
    assert CliRunner().invoke(cli, ["reindex", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    return corpus, index
