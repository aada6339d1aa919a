"""Smoke run of the suggestion benchmark on the session's real index of the bundled corpus: it completes and its
numbers are sane (no timings asserted)."""

from __future__ import annotations

import math
from pathlib import Path

from bench.suggest import main


def test_the_suggestion_benchmark_runs(tmp_path: Path, seed_index: Path):
    results_md = tmp_path / "RESULTS.md"
    r = main(["--index", str(seed_index), "--words", "20", "--results", str(results_md)])
    assert r["paragraphs"] > 50 and r["entries"] > r["phrases"] > 0
    assert r["requests"] >= 20 * 4
    for wall, cpu in (r["engine"], r["api"]):
        assert len(wall) == len(cpu) == r["requests"]
        assert all(math.isfinite(x) and x >= 0 for x in wall + cpu)
    assert len(r["http"]) == r["requests"] and r["http_errors"] == 0
    assert set(r["api_by_kind"]) == {"typed", "traditional", "second word", "no match"}
    assert 0 < r["typos_with_alternatives"] <= r["typos_empty"] <= r["typos"]
    md = results_md.read_text(encoding="utf-8")
    assert "/api/suggest p95 served vs the 10 ms goal" in md and f"{r['paragraphs']:,} paragraphs" in md
