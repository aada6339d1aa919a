"""Smoke run of `python -m bench.relevance`: it finds the judged queries and prints its nDCG/recall table."""

from __future__ import annotations

import re

import pytest

from bench.relevance import JUDGED_PY, main


def test_relevance_bench_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert JUDGED_PY.is_file()
    assert main() == 0
    lines = capsys.readouterr().out.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[:2] == ["queries", "n"]
    for engine in ("ours", "ours expand=0", "naive"):
        assert f"{engine} nDCG@10" in header and f"{engine} recall@10" in header
    rows = {r.split("|")[1].strip(): r for r in lines[2:]}
    assert {"exact (original)", "all issue-11 kinds"} <= set(rows)
    for row in rows.values():
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == len(header) and int(cells[1]) > 0
        assert all(re.fullmatch(r"[01]\.\d{3}", c) for c in cells[2:])
