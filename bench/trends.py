"""Trend benchmark: a 5-term trend against one search of each of its terms, on the same build, same process.

    .venv/bin/python -m bench.trends --paragraphs 100000

Generates (or reuses) the corpus of that size with bench/generate.py and builds (or reuses) its index,
then after one warm-up of each: `repeats` rounds of search(store, term) for each of the 5 terms and one
trends(store, terms). Reports median thread-CPU and wall times and the ratio trend / median single
search (the issue's goal: "within a few times one search"); the first trend call of a build (which reads
the per-paragraph institution/years columns once) is reported separately. Appends to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from bench import measure
from bench.generate import DEFAULT_BENCHDATA, DEFAULT_OUT, REPO_ROOT

RESULTS_MD = REPO_ROOT / "bench" / "RESULTS.md"
TERMS = ("诉源治理", "扫黑除恶", "营商环境", "执行难", "枫桥经验")  # frequent and rare policy words


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(thread CPU ms, wall ms) of one call."""
    cpu, wall = time.thread_time(), time.perf_counter()
    fn()
    return (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def ensure_index(n: int, out: Path, seed: int, benchdata: Path) -> Path:
    """The index of the n-paragraph generated corpus under out, generated and built if missing."""
    from bench.generate import ensure_corpus  # the same corpus bench.run generates and marks (seed, prose pool)
    from indexer.index.build import build_index
    from indexer.index.store import read_current

    corpus, index = ensure_corpus(n, out, seed, benchdata), out / f"index-{n}"
    marker = corpus / ".bench-generated.json"
    if read_current(index) is None or marker.stat().st_mtime > (index / "CURRENT").stat().st_mtime:  # regenerated
        build_index(corpus, index)
    return index


def bench_trends(index: Path, terms: tuple[str, ...], repeats: int) -> dict:
    """Time trends() of all terms against search() of each term; medians in ms and the ratios."""
    from indexer.analysis import initialize
    from indexer.index.store import Store
    from indexer.search.engine import search
    from indexer.search.features.trends import trends

    initialize()
    store = Store(index)
    totals = {t: search(store, t)["total"] for t in terms}  # warm-up: searcher, facet maps, postings
    first_cpu, first_wall = _timed(lambda: trends(store, list(terms)))  # reads the columns once per build
    searches: list[tuple[float, float]] = []
    trend_runs: list[tuple[float, float]] = []
    for _ in range(repeats):
        for t in terms:
            searches.append(_timed(lambda t=t: search(store, t)))
        trend_runs.append(_timed(lambda: trends(store, list(terms))))
    search_cpu = statistics.median(c for c, _ in searches)
    search_wall = statistics.median(w for _, w in searches)
    trend_cpu = statistics.median(c for c, _ in trend_runs)
    trend_wall = statistics.median(w for _, w in trend_runs)
    paragraphs = store.current().index.doc_count()
    store.close()
    return {
        "paragraphs": paragraphs, "terms": totals, "repeats": repeats,
        "search_cpu_ms": search_cpu, "search_wall_ms": search_wall,
        "trend_cpu_ms": trend_cpu, "trend_wall_ms": trend_wall,
        "first_trend_cpu_ms": first_cpu, "first_trend_wall_ms": first_wall,
        "ratio_cpu": trend_cpu / search_cpu, "ratio_wall": trend_wall / search_wall,
    }


def report_block(r: dict, argv: list[str]) -> str:
    """The dated section appended to RESULTS.md."""
    facts = measure.machine_facts()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    hits = ", ".join(f"{t} {n:,}" for t, n in r["terms"].items())
    return "\n".join([
        f"## {when} · trends · commit {measure.git_commit(REPO_ROOT)}",
        "",
        f"Machine: {facts['cpus']} CPUs ({facts['cpu_model']}), {facts['ram_gb']} GB RAM; load average {r['load']:.1f}.",
        f"Command: `.venv/bin/python -m bench.trends {' '.join(argv)}`; terms (hits): {hits}; medians of {r['repeats']} rounds.",
        "",
        f"| {r['paragraphs']:,} paragraphs | CPU (ms) | wall (ms) |",
        "|---|---:|---:|",
        f"| one search (median over the 5 terms) | {r['search_cpu_ms']:.1f} | {r['search_wall_ms']:.1f} |",
        f"| 5-term trend | {r['trend_cpu_ms']:.1f} | {r['trend_wall_ms']:.1f} |",
        f"| **5-term trend / one search** | **{r['ratio_cpu']:.2f}** | **{r['ratio_wall']:.2f}** |",
        f"| first trend of a build (reads the columns once) | {r['first_trend_cpu_ms']:.1f} | {r['first_trend_wall_ms']:.1f} |",
        "",
    ])


def main(argv: list[str] | None = None) -> dict:
    """Measure one size, print the block, append it to RESULTS.md."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m bench.trends", description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder for corpora and indexes [{DEFAULT_OUT}]")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--results", type=Path, default=RESULTS_MD, help="markdown file to append to ('-' for none)")
    args = ap.parse_args(argv)
    index = ensure_index(args.paragraphs, args.out, args.seed, args.benchdata)
    result = bench_trends(index, TERMS, args.repeats)
    result["load"] = os.getloadavg()[0]
    block = report_block(result, argv)
    print(block)
    if str(args.results) != "-":
        with args.results.open("a", encoding="utf-8") as fh:
            fh.write("\n" + block)
    return result


if __name__ == "__main__":
    main()
