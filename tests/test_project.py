"""The project's own promises: CI runs the README's test command, the bundled corpus is the seeds byte for byte."""

from __future__ import annotations

import hashlib
import re

from tests.helpers import REPO_ROOT

SEEDS = REPO_ROOT.parent / "shared" / "seeds"
SEED_SUMS = REPO_ROOT / "tests" / "data" / "seeds.sha256"


def readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.S)


def test_ci_runs_the_readme_test_command():
    test_command = next(c for c in readme_commands() if "pytest" in c)
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


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
