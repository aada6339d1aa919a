"""A SIGKILL at each phase of `add` / `remove` leaves the old index serving, catalog and corpus consistent,
and the next add or reindex recovers with no manual step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.index.store import Store
from indexer.ingest.catalog import read_catalog
from indexer.search.engine import search
from tests.helpers import REPO_ROOT
from tests.helpers.adding import new_report
from tests.helpers.crash import assert_serving, kill, wait_paused

pytestmark = pytest.mark.slow

BEFORE_SWITCH = ["locked", "copied", "cataloged", "loaded", "writing", "committed", "verified", "before-switch"]


def start(phase: str, command: str, corpus: Path, index: Path, arg: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.helpers.paused_update", phase, command, str(corpus),
                             str(index), arg],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO_ROOT, text=True, encoding="utf-8")


def assert_consistent(corpus: Path) -> None:
    """The catalog reads cleanly, every entry has its file, no half-copied file is visible."""
    read = read_catalog(corpus / "catalog.toml")
    assert read.errors == []
    for entry in read.entries:
        assert (corpus / entry.file).is_file(), entry.file
    visible = [p.name for p in corpus.iterdir() if not p.name.startswith(".")]
    assert all(name.endswith((".txt", ".md")) or name == "catalog.toml" for name in visible), visible


@pytest.mark.parametrize("phase", [*BEFORE_SWITCH, "switched"])
def test_sigkill_mid_add(indexed: tuple[Path, Path], tmp_path: Path, repo_corpus: Path, phase: str) -> None:
    corpus, index = indexed
    old = assert_serving(index)
    source = new_report(repo_corpus, tmp_path / "dl", "haiyan-court-2024.txt")
    proc = start(phase, "add", corpus, index, str(source))
    wait_paused(proc, phase)
    kill(proc)
    assert_consistent(corpus)
    if phase in BEFORE_SWITCH:
        assert_serving(index, old)
        assert search(Store(index), "海盐县")["total"] == 0
    else:
        assert assert_serving(index) != old
    # Recovery: `add` again completes whatever the killed add left undone (copy, catalog entry, index), with
    # no reindex; only an add that had switched its index refuses the file as already in the corpus.
    again = CliRunner().invoke(cli, ["add", str(source), "--corpus", str(corpus), "--index", str(index)])
    if phase in BEFORE_SWITCH:
        assert again.exit_code == 0, again.output
        if phase not in ("locked", "copied"):
            assert "[completing an interrupted add]" in again.output
    else:
        assert again.exit_code == 2 and "already in the corpus as haiyan-court-2024.txt" in again.output
    assert_consistent(corpus)
    entries = [e for e in read_catalog(corpus / "catalog.toml").entries if e.file == "haiyan-court-2024.txt"]
    assert len(entries) == 1 and entries[0].institution == "海盐县人民法院"
    assert search(Store(index), "海盐县")["total"] > 0
    assert not (corpus / ".reportsearch-staging").exists() or not any((corpus / ".reportsearch-staging").iterdir())


@pytest.mark.parametrize("phase", ["moved", "cataloged", "writing", "before-switch"])
def test_sigkill_mid_remove(indexed: tuple[Path, Path], phase: str) -> None:
    corpus, index = indexed
    old = assert_serving(index)
    proc = start(phase, "remove", corpus, index, "pinghu-court-2023")
    wait_paused(proc, phase)
    kill(proc)
    assert_serving(index, old)  # the report is still served until a build without it switches in
    assert (corpus / ".removed" / "pinghu-court-2023.txt").is_file()
    # remove again completes it (the entry, then the index), with no reindex
    again = CliRunner().invoke(cli, ["remove", "pinghu-court-2023", "--corpus", str(corpus), "--index", str(index)])
    assert again.exit_code == 0, again.output
    assert "removed report pinghu-court-2023 (pinghu-court-2023.txt): file was already gone" in again.output
    assert_consistent(corpus)
    assert search(Store(index), "诉源治理", years=["2023"])["total"] == 0
