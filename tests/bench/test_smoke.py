"""CI smoke run of the whole benchmark at a small size: it completes and every number is sane (no timings asserted)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.generate import SENTENCE, generate_corpus, load_prose, prose_source
from bench.queries import read_corpus_text
from bench.report import ROWS
from bench.run import main

SMOKE_PARAGRAPHS = 2000


def test_generator_is_deterministic_and_exact(tmp_path: Path):
    a = generate_corpus(500, tmp_path / "a", seed=3)
    b = generate_corpus(500, tmp_path / "b", seed=3)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert a.paragraphs == b.paragraphs == 500
    assert len(read_corpus_text(tmp_path / "a").paragraphs) == 500
    text = next((tmp_path / "a").glob("*.txt")).read_text(encoding="utf-8")
    assert "一、" in text and "\n\n" in text


@pytest.mark.slow  # over 5 s: the whole harness
def test_the_whole_harness_runs_at_smoke_size(tmp_path: Path):
    results_md = tmp_path / "RESULTS.md"
    results = main([
        "--paragraphs", str(SMOKE_PARAGRAPHS), "--out", str(tmp_path / "work"),
        "--load-seconds", "2", "--results", str(results_md),
    ])
    [r] = results
    for _, keys, _ in ROWS:
        for key in keys.split("|"):
            value = r[key]
            assert isinstance(value, (int, float)) and math.isfinite(value), key
            assert value >= 0, key
    for key in ("reindex_s", "floor_s", "ours_p50_ms", "naive_p50_ms", "rps", "requests", "server_rss_mb",
                "cli_first_output_s", "first_response_s", "index_mb"):
        assert r[key] > 0, key
    assert r["queries"] >= 200
    assert r["errors"] == 0 and r["ours_errors"] == 0
    assert r["trend_ratio_cpu"] > 0
    md = results_md.read_text(encoding="utf-8")
    assert "reindex / floor" in md and f"{SMOKE_PARAGRAPHS:,} paragraphs" in md
    # the peers ran in the same sitting, on the paragraphs this build holds, and their table was appended
    assert r["peers"]["paragraphs"] >= SMOKE_PARAGRAPHS and r["peers"]["engines"]["fts5"]["cpu_p50_ms"] > 0
    assert f"### Peers · {r['peers']['paragraphs']:,} paragraphs" in md and "SQLite FTS5" in md
    # the query rows again on the same build (how the 1M curve is measured in two sittings): no reindex rows
    [again] = main([
        "--paragraphs", str(SMOKE_PARAGRAPHS), "--out", str(tmp_path / "work"), "--reuse-index",
        "--load-seconds", "1", "--baseline-max", "0", "--results", "-",
    ])
    assert "reindex_s" not in again and "floor_s" not in again
    assert again["index_mb"] == pytest.approx(r["index_mb"]) and again["queries"] == r["queries"]
    assert again["errors"] == 0 and again["rps"] > 0


def test_the_trend_benchmark_runs_at_smoke_size(tmp_path: Path):
    from bench.trends import TERMS
    from bench.trends import main as trends_main

    results_md = tmp_path / "RESULTS.md"
    r = trends_main(["--paragraphs", "1500", "--out", str(tmp_path / "work"), "--repeats", "2", "--results", str(results_md)])
    assert abs(r["paragraphs"] - 1500) < 50 and set(r["terms"]) == set(TERMS) and max(r["terms"].values()) > 0
    for key in ("search_cpu_ms", "trend_cpu_ms", "ratio_cpu", "ratio_wall", "first_trend_wall_ms"):
        assert math.isfinite(r[key]) and r[key] > 0, key
    assert "5-term trend / one search" in results_md.read_text(encoding="utf-8")
def test_without_the_benchmark_prose_the_bundled_corpus_is_the_pool(tmp_path: Path, repo_corpus: Path,
                                                                    capsys: pytest.CaptureFixture[str]):
    absent = tmp_path / "no-shared" / "government_work_reports.jsonl"
    g = generate_corpus(300, tmp_path / "out", seed=5, benchdata=absent)
    assert "benchmark prose not found" in capsys.readouterr().err
    assert g.prose == prose_source(absent) and "bundled corpus" in g.prose
    assert g.paragraphs == 300 == len(read_corpus_text(tmp_path / "out").paragraphs)
    pool = set(load_prose(absent, repo_corpus)[0])
    sentences = [s for para in read_corpus_text(tmp_path / "out").paragraphs for s in SENTENCE.findall(para)]
    # the rest are the generator's own statistic templates and section leads
    assert sum(s in pool for s in sentences) > 0.6 * len(sentences)


def test_the_figures_cost_benchmark_runs_with_either_extractor(tmp_path: Path):
    from bench.figures import main as figures_main
    from indexer.compiled import extractor_kind

    results = {}
    for extractor in ("installed", "source"):
        [r] = figures_main(["--paragraphs", "1500", "--corpora", str(tmp_path / "corpora"), "--out", str(tmp_path / "out"),
                            "--extractor", extractor])
        results[extractor] = r
        assert abs(r["paragraphs"] - 1500) < 50 and r["figures"] == r["alone_figures"] > 0
        for key in ("reindex_s", "reindex_cpu_s", "figures_cpu_s", "cpu_share", "cpu_added", "alone_cpu_s"):
            assert math.isfinite(r[key]) and r[key] > 0, key
        assert set(r["queries_ms"]) == set(r["queries_ms_no_catalog"]) and len(r["queries_ms"]) == 7
        assert all(math.isfinite(ms) and ms >= 0 for ms in [*r["queries_ms"].values(), *r["queries_ms_no_catalog"].values()])
    assert results["installed"]["extractor"] == results["installed"]["alone_extractor"] == extractor_kind()
    assert results["source"]["extractor"] == results["source"]["alone_extractor"] == "python"
    assert results["installed"]["figures"] == results["source"]["figures"]
