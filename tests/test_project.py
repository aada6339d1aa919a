"""The project's own promises: CI runs the README's test command, every command the README shows runs, the README
stays short, every relative link in README and docs/ leads somewhere, the bundled corpus is the seeds byte for byte."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

SEEDS = REPO_ROOT.parent / "shared" / "seeds"
SEED_SUMS = REPO_ROOT / "tests" / "data" / "seeds.sha256"
README = REPO_ROOT / "README.md"
MAX_README_BYTES = 10 * 1024
VENV_BIN = Path(sys.executable).parent  # where `pip install -e .` put the `reportsearch` script
SERVE_START_SECONDS = 120
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def readme_commands() -> list[str]:
    """The README's ```sh blocks, each as its text."""
    return re.findall(r"```sh\n(.*?)\n```", README.read_text(encoding="utf-8"), flags=re.S)


def shell_lines(block: str) -> list[str]:
    """The commands of one shell block: continuation lines joined, blank and comment-only lines left out."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def reportsearch_commands() -> list[str]:
    """Every `reportsearch …` command the README's shell blocks show, in order, as written (a `… &&
    .venv/bin/reportsearch x` step on its own, the script's folder left to PATH)."""
    found = []
    for block in readme_commands():
        for line in shell_lines(block):
            for step in line.split("&&"):
                words = shlex.split(step, comments=True)
                if words and Path(words[0]).name == "reportsearch":
                    found.append(re.sub(r"^\S*reportsearch", "reportsearch", step.strip()))
    return found


def test_ci_runs_the_readme_test_command():
    test_command = next(c for c in readme_commands() if "pytest" in c)
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_readme_install_is_the_one_ci_makes():
    """The run command installs as the test command (the one CI runs verbatim) does, only without the test extra."""
    run_command = next(c for c in readme_commands() if c.rstrip().endswith("reportsearch serve"))
    test_command = next(c for c in readme_commands() if "pytest" in c)
    venv, install, _serve = (part.strip() for part in run_command.split("&&"))
    test_venv, test_install, _pytest = (part.strip() for part in test_command.split("&&"))
    assert venv == test_venv == "python3 -m venv .venv"
    assert test_install == install.replace("install -e .", "install -e '.[test]'")


def test_readme_is_short():
    size = len(README.read_bytes())
    assert size <= MAX_README_BYTES, f"README.md is {size} bytes: move detail into docs/"


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(md: Path) -> set[str]:
    """The anchors of a Markdown file's headings (outside code blocks)."""
    text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


def documents() -> list[Path]:
    return [README, *sorted((REPO_ROOT / "docs").glob("*.md")), REPO_ROOT / "bench" / "RESULTS.md"]


def test_every_relative_link_leads_to_a_file_and_heading():
    broken = []
    for doc in documents():
        text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.is_file():
                broken.append(f"{doc.relative_to(REPO_ROOT)}: {target} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{doc.relative_to(REPO_ROOT)}: {target} (no such heading)")
    assert broken == []
    assert "docs/screenshot.png" in LINK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_links_every_docs_page():
    linked = set(LINK.findall(README.read_text(encoding="utf-8")))
    pages = {f"docs/{p.name}" for p in (REPO_ROOT / "docs").glob("*.md")}
    assert pages - linked == set()


@pytest.fixture()
def readme_env(tmp_path: Path, repo_corpus: Path) -> tuple[Path, dict[str, str]]:
    """A shell for the README's commands: a copy of the corpus and a fresh index as the defaults (the
    environment variables the CLI reads), a home folder with the report file the `add` example names, the
    venv's scripts first on PATH; never the checkout's corpus or its default index."""
    from bench.data.report_files import as_pdf

    corpus = tmp_path / "corpus"
    shutil.copytree(repo_corpus, corpus)
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    (home / "Downloads" / "pinghu-court-2024.pdf").write_bytes(as_pdf())
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTSEARCH_")}
    env.update(REPORTSEARCH_CORPUS=str(corpus), REPORTSEARCH_INDEX=str(tmp_path / "index"), HOME=str(home),
               XDG_DATA_HOME=str(home / ".local" / "share"), PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
               PYTHONUNBUFFERED="1")
    work = tmp_path / "work"
    work.mkdir()
    return work, env


def run_served(command: str, work: Path, env: dict[str, str]) -> None:
    """Start a `reportsearch serve …` command on a free port, load a search page from it, stop it."""
    words = shlex.split(command, comments=True)
    if "--port" in words:
        del words[words.index("--port"):words.index("--port") + 2]
    proc = subprocess.Popen([*words, "--port", "0"], cwd=work, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + SERVE_START_SECONDS
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"Serving reportsearch on (http://[\d.]+:\d+)/", line)
            url = m.group(1) if m else None
        assert url, f"{command!r} did not start:\n" + "".join(lines)
        with urllib.request.urlopen(url + "/search?q=%E8%AF%89%E6%BA%90%E6%B2%BB%E7%90%86", timeout=60) as answer:
            assert answer.status == 200 and "诉源治理" in answer.read().decode("utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()


@pytest.mark.slow
def test_every_command_the_readme_shows_runs(readme_env):
    """Each `reportsearch …` line of the README's shell blocks, as written (redirections and all), in order,
    exits 0 without a traceback; `serve` is started, answers a search and is stopped."""
    work, env = readme_env
    before = corpus_digest(REPO_ROOT / "corpus")
    commands = reportsearch_commands()
    shown = {shlex.split(c, comments=True)[1] for c in commands}
    assert {"search", "trend", "export", "serve"} <= shown, "the README shows the everyday commands"
    ran = []
    for command in commands:
        if shlex.split(command, comments=True)[1] == "serve":
            run_served(command, work, env)
        else:
            done = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True,
                                  timeout=600)
            assert done.returncode == 0, f"{command!r} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            assert "Traceback" not in done.stderr, done.stderr
            if shlex.split(command, comments=True)[1] in ("search", "trend"):
                assert done.stdout.strip(), f"{command!r} printed nothing"
        ran.append(command)
    assert ran == commands
    assert corpus_digest(REPO_ROOT / "corpus") == before  # add/remove worked on the copy, not the checkout


def corpus_digest(folder: Path) -> str:
    """One sha256 over a folder's file names and bytes (catalog and reports)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def recorded_seed_checksums() -> dict[str, str]:
    """tests/data/seeds.sha256 (sha256sum format): bundled file name → sha256 of the seed it must equal."""
    lines = SEED_SUMS.read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip())}


def test_bundled_corpus_is_the_seeds_byte_for_byte():
    recorded = recorded_seed_checksums()
    assert len(recorded) == 3
    bundled = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (REPO_ROOT / "corpus").glob("*.txt")}
    assert {name: bundled.get(name) for name in recorded} == recorded
    # A fresh clone has no ../shared: the checksums kept in the repo stand in for the seeds. Where the seeds
    # are there (CI, the project machine), the checksums must be theirs.
    if SEEDS.is_dir():
        seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
        assert seeds == set(recorded.values())
