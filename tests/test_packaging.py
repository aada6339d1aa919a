"""A wheel installed outside the checkout works: built from the sources, installed into a fresh venv, run there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.compiled import extractor_kind
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "setup.py", "README.md", "indexer", "webapp", "corpus")


def run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    assert done.returncode == 0, f"{cmd}: rc={done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv (outside the checkout) with the wheel built from this checkout installed, and its env."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"  # a copy, so the build leaves nothing in the checkout
    src.mkdir()
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.so", "compiled-sources.txt"))
        else:
            shutil.copy2(path, src / name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REPORTSEARCH_", "PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))}
    env.update(HOME=str(base / "home"), XDG_DATA_HOME=str(base / "data"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(src)], cwd=base, env=env)
    [wheel] = (base / "dist").glob("reportsearch-*.whl")
    venv = base / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=base, env=env)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=base, env=env)
    shutil.rmtree(src)  # nothing of the sources is left to fall back on
    return venv, env


def test_the_wheel_holds_every_subpackage_and_the_bundled_corpus(installed: tuple[Path, dict[str, str]],
                                                                 tmp_path: Path) -> None:
    venv, env = installed
    code = ("import indexer, indexer.config as c, indexer.ingest.corpus, indexer.index.build, indexer.search.engine, "
            "indexer.figures.metrics as m, webapp.cli, indexer.compiled as k; m.load_metrics(); print(indexer.__file__); "
            "print(c.bundled_corpus_dir()); print(k.extractor_kind())")
    where, corpus, kind = run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path, env=env).stdout.split()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO_ROOT)
    assert kind == extractor_kind()  # the wheel compiled the figures extractor where the checkout's install did
    names = sorted(p.name for p in (REPO_ROOT / "corpus").iterdir())
    assert sorted(p.name for p in Path(corpus).iterdir()) == names
    assert all((Path(corpus) / n).read_bytes() == (REPO_ROOT / "corpus" / n).read_bytes() for n in names)


def test_reindex_and_search_with_explicit_paths(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    venv, env = installed
    script = str(venv / "bin" / "reportsearch")
    corpus = Path(shutil.copytree(REPO_ROOT / "corpus", tmp_path / "my-corpus"))
    index = tmp_path / "my-index"
    done = run([script, "reindex", "--corpus", str(corpus), "--index", str(index)], cwd=tmp_path, env=env)
    assert "indexed 3 reports" in done.stdout and f"corpus {corpus}" in done.stdout
    result = json.loads(run([script, "search", "诉源治理", "--index", str(index), "--json"], cwd=tmp_path, env=env).stdout)
    assert result["total"] > 0 and result["hits"][0]["snippet"].count("<mark>") >= 1


def test_reindex_and_search_with_the_defaults(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    venv, env = installed
    script = str(venv / "bin" / "reportsearch")
    done = run([script, "reindex"], cwd=tmp_path, env=env)
    assert "indexed 3 reports" in done.stdout
    assert f"index {Path(env['XDG_DATA_HOME']) / 'reportsearch' / 'index-corpus-'}" in done.stdout
    assert f"corpus {venv}" in done.stdout  # the package's bundled corpus, not the checkout's
    searched = run([script, "search", "诉源治理", "--json"], cwd=tmp_path, env=env)
    assert json.loads(searched.stdout)["total"] > 0
    text = run([script, "search", "诉源治理"], cwd=tmp_path, env=env)
    assert "诉源治理" in text.stdout and f"语料 {venv}" in text.stderr
