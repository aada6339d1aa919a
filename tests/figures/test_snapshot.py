"""The extractor's exact output on the bundled reports, pinned: a speed-up must not change a single figure.

The snapshot (tests/data/figures_seed_snapshot.jsonl) is what `python -m bench.figures_dump corpus FILE` wrote
before the extractor was optimised (bench/RESULTS.md: the cost). A deliberate rule change rewrites it with that
command, and the diff shows every figure it changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.figures_dump import dump

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "figures_seed_snapshot.jsonl"


def test_bundled_reports_give_exactly_the_snapshot(repo_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.jsonl"
    rows, _ = dump(repo_corpus, out)
    expected = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    got = out.read_text(encoding="utf-8").splitlines()
    assert rows == len(expected) > 150
    for n, (a, b) in enumerate(zip(got, expected), start=1):
        assert json.loads(a) == json.loads(b), f"figure {n} changed"
    assert got == expected  # byte for byte: value types (int 22000, float 97.21) included
