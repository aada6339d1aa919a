"""Smoke run of bench/bench_formats.py at a tiny size: every extractor and converter runs; our PDF output is clean."""

from __future__ import annotations

import math
import re
from pathlib import Path

from bench.bench_formats import main


def test_formats_bench_runs_and_our_pdf_text_is_clean(tmp_path: Path):
    results = tmp_path / "RESULTS.md"
    rows = main(["--pages", "2", "--results", str(results)])
    assert {r["extractor"].split(" ")[0] for r in rows} == {"pypdfium2", "pdfminer.six"}
    for r in rows:
        assert math.isfinite(r["pages_per_s"]) and r["pages_per_s"] > 0
    for r in (r for r in rows if r["extractor"].startswith("pypdfium2")):
        m = re.fullmatch(r"(\d+)/(\d+) sentences, 0 garbage chars, 0/\d+ leads doubled", r["quality"])
        assert m and m.group(1) == m.group(2) != "0", r["quality"]
    text = results.read_text(encoding="utf-8")
    assert "## Document formats" in text and "| .doc converter |" in text and "antiword" in text
