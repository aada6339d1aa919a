"""One lock per corpus: writers of two different index folders built from one corpus never interleave."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.index.store import ReindexRunning, Store
from indexer.index.update import update_index
from indexer.search.engine import get_report
from tests.helpers import REPO_ROOT
from tests.helpers.adding import new_report
from tests.helpers.crash import wait_paused

pytestmark = pytest.mark.slow


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def titles(corpus: Path) -> dict[str, str]:
    return {e["file"]: e["title"] for e in tomllib.loads((corpus / "catalog.toml").read_text("utf-8"))["report"]}


def test_two_adds_with_different_index_folders_do_not_interleave(indexed: tuple[Path, Path], tmp_path: Path,
                                                                   repo_corpus: Path) -> None:
    corpus, index_a = indexed
    index_b = tmp_path / "index-b"
    first = new_report(repo_corpus, tmp_path / "dl", "haiyan-court-2024.txt")
    second = new_report(repo_corpus, tmp_path / "dl", "haining-court-2024.txt", place="海宁市")
    resume = tmp_path / "resume"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.paused_update", "locked", "add", str(corpus), str(index_a),
         str(first), "海盐县人民法院工作报告（用户标题）", str(resume)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO_ROOT, text=True, encoding="utf-8")
    try:
        wait_paused(proc, "locked")  # holds its locks and has not read the catalog yet
        # Every writer of the same corpus is refused at once, whatever its index folder: exit 2, naming the holder.
        for args in (["add", second, "--title", "海宁市人民法院工作报告（用户标题）"], ["remove", "pinghu-court-2023"],
                     ["reindex"]):
            refused = run(*args, "--corpus", corpus, "--index", index_b)
            assert refused.exit_code == 2, (args, refused.output)
            assert f"another reindex, add or remove is running (pid {proc.pid}) on the corpus {corpus}" in refused.output
        assert not (corpus / second.name).exists()
        assert "haining-court-2024.txt" not in titles(corpus)
        resume.touch()
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "DONE" in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    done = run("add", second, "--title", "海宁市人民法院工作报告（用户标题）", "--corpus", corpus, "--index", index_b)
    assert done.exit_code == 0, done.output
    # Both entries, each with its user-given title; each index serves what was added through it.
    got = titles(corpus)
    assert got["haiyan-court-2024.txt"] == "海盐县人民法院工作报告（用户标题）"
    assert got["haining-court-2024.txt"] == "海宁市人民法院工作报告（用户标题）"
    assert get_report(Store(index_a), "haiyan-court-2024")["title"] == "海盐县人民法院工作报告（用户标题）"
    assert get_report(Store(index_b), "haining-court-2024")["title"] == "海宁市人民法院工作报告（用户标题）"
    assert get_report(Store(index_b), "haiyan-court-2024")["title"] == "海盐县人民法院工作报告（用户标题）"
    assert not [p.name for p in corpus.iterdir() if p.name.startswith(".")]  # the lock wrote nothing into the corpus


def test_a_held_corpus_lock_refuses_a_reindex_into_any_index(indexed_copy: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = indexed_copy
    fd = os.open(corpus, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ReindexRunning, match=rf"running \(pid {os.getpid()}\) on the corpus"):
            update_index(corpus, tmp_path / "other-index")
    finally:
        os.close(fd)
    assert update_index(corpus, tmp_path / "other-index").build.reports == 3  # released: no stale lock
