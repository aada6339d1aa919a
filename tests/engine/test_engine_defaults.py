"""Defaults (indexer/config.py): the bundled corpus ships in the package; the default index is one per corpus."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.config import bundled_corpus_dir, default_corpus_dir, default_index_dir
from webapp import create_app
from webapp.cli import cli, warn_if_other_corpus


@pytest.fixture()
def defaults_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No REPORTSEARCH_* settings; the default data folder in tmp_path."""
    monkeypatch.delenv("REPORTSEARCH_CORPUS", raising=False)
    monkeypatch.delenv("REPORTSEARCH_INDEX", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def two_corpora(tmp_path: Path, repo_corpus: Path) -> tuple[Path, Path]:
    """Corpus A = the bundled one; corpus B = only one of its reports (so the two answer differently)."""
    a = Path(shutil.copytree(repo_corpus, tmp_path / "a" / "corpus"))
    b = Path(shutil.copytree(repo_corpus, tmp_path / "b" / "corpus"))
    for name in ("pinghu-court-2023.txt", "pinghu-court-procuratorate-2017-2021.txt"):
        (b / name).unlink()
    entries = (b / "catalog.toml").read_text(encoding="utf-8").split("\n[[report]]\n")
    kept = [e for e in entries[1:] if "jiaxing-intermediate-court-2020.txt" in e]
    (b / "catalog.toml").write_text("\n[[report]]\n".join([entries[0], *kept]), encoding="utf-8")
    return a, b


def test_the_bundled_corpus_is_the_repository_corpus_byte_for_byte(repo_corpus: Path, defaults_env: Path) -> None:
    bundled = bundled_corpus_dir()
    names = sorted(p.name for p in repo_corpus.iterdir())
    assert sorted(p.name for p in bundled.iterdir()) == names
    assert filecmp.cmpfiles(bundled, repo_corpus, names, shallow=False)[0] == names
    assert default_corpus_dir() == bundled


def test_the_default_index_is_keyed_to_the_corpus(tmp_path: Path, repo_corpus: Path, defaults_env: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two_corpora(tmp_path, repo_corpus)
    assert default_index_dir(a) != default_index_dir(b)
    assert default_index_dir(a).parent == defaults_env / "reportsearch"
    assert default_index_dir(a).name.startswith("index-corpus-")
    monkeypatch.chdir(a.parent)
    assert default_index_dir(Path("corpus")) == default_index_dir(a)  # relative or absolute: one corpus, one index
    assert default_index_dir() == default_index_dir(bundled_corpus_dir())
    monkeypatch.setenv("REPORTSEARCH_CORPUS", str(b))
    assert default_index_dir() == default_index_dir(b)
    monkeypatch.setenv("REPORTSEARCH_INDEX", str(tmp_path / "explicit"))
    assert default_index_dir(a) == default_index_dir(b) == tmp_path / "explicit"
    assert create_app({"CORPUS_DIR": a}).config["INDEX_DIR"] == tmp_path / "explicit"
    monkeypatch.delenv("REPORTSEARCH_INDEX")
    assert create_app({"CORPUS_DIR": a}).config["INDEX_DIR"] == default_index_dir(a)


def test_two_corpora_never_share_the_default_index(tmp_path: Path, repo_corpus: Path, defaults_env: Path) -> None:
    a, b = two_corpora(tmp_path, repo_corpus)
    runner = CliRunner()
    for corpus in (a, b):
        done = runner.invoke(cli, ["reindex", "--corpus", str(corpus)])
        assert done.exit_code == 0, done.output
        assert f"index {default_index_dir(corpus)}, corpus {corpus.resolve()})" in done.output
    reports = {}
    for corpus in (a, b):
        done = runner.invoke(cli, ["search", "诉源治理", "--corpus", str(corpus), "--per-page", "100"])
        assert done.exit_code == 0, done.output
        assert f"语料 {corpus.resolve()}" in done.stderr  # says which corpus answered
        reports[corpus] = {line.split("[", 1)[1].rsplit("-p", 1)[0] for line in done.stdout.splitlines() if "得分" in line}
    assert reports[b] == {"jiaxing-intermediate-court-2020"}
    assert reports[a] > reports[b]
    # the bundled corpus's own default index was never built: no silent fallback to another one
    missing = runner.invoke(cli, ["search", "诉源治理"])
    assert missing.exit_code == 1 and f"no index at {default_index_dir(bundled_corpus_dir())}" in missing.output


def test_serving_an_index_of_another_corpus_says_so(tmp_path: Path, repo_corpus: Path, defaults_env: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_corpora(tmp_path, repo_corpus)
    index = tmp_path / "index"
    assert CliRunner().invoke(cli, ["reindex", "--corpus", str(a), "--index", str(index)]).exit_code == 0
    capsys.readouterr()
    assert warn_if_other_corpus(index, a) == str(a.resolve())
    assert capsys.readouterr().err == ""
    assert warn_if_other_corpus(index, b) == str(a.resolve())
    err = capsys.readouterr().err
    assert f"holds the corpus {a.resolve()}, not {b}" in err and f"reindex --corpus {b} --index {index}" in err
