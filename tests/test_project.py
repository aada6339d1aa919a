"""The project's own promises: CI runs the README's test command, the bundled corpus is the seeds byte for byte."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.helpers import REPO_ROOT

SEEDS = REPO_ROOT.parent / "shared" / "seeds"


def readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.S)


def test_ci_runs_the_readme_test_command():
    test_command = next(c for c in readme_commands() if "pytest" in c)
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_bundled_corpus_is_the_seeds_byte_for_byte():
    bundled = {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (REPO_ROOT / "corpus").glob("*.txt")
    }
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    assert len(seeds) == 3
    assert seeds <= bundled
