"""bench.run's results as markdown: one row per metric, one column per corpus size, and the dated section
appended to RESULTS.md (machine, command, prose pool, then the peers' tables)."""

from __future__ import annotations

import argparse
import math
import os
from datetime import datetime, timezone
from pathlib import Path

from bench import measure
from bench.generate import REPO_ROOT, prose_source
from bench.peers import markdown as peers_markdown

ROWS: list[tuple[str, str, str]] = [
    ("reports", "reports", "{:,.0f}"),
    ("paragraphs indexed (reindex summary)", "indexed_paragraphs", "{:,.0f}"),
    ("characters (M)", "characters", "M"),
    ("text on disk (MB)", "text_mb", "{:.1f}"),
    ("reindex wall (s)", "reindex_s", "{:.1f}"),
    ("reindex CPU time, all processes (s)", "reindex_cpu_s", "{:.1f}"),
    ("reindex paragraphs/s", "reindex_par_per_s", "{:,.0f}"),
    ("reindex characters/s (k)", "reindex_chars_per_s", "k"),
    ("reindex peak RSS, largest process (MB)", "reindex_rss_max_mb", "{:.0f}"),
    ("reindex peak memory, process tree, summed PSS (MB) (goal ≤ 4096 at 1M)", "reindex_rss_tree_mb", "{:.0f}"),
    ("index size (MB) (goal ≤ 2560 at 1M)", "index_mb", "{:.1f}"),
    ("index size / text size", "index_vs_text", "{:.2f}×"),
    ("jieba floor, 1 core (s)", "floor_s", "{:.1f}"),
    ("**reindex / floor** (goal ≤ 1.5)", "reindex_vs_floor", "{:.2f}"),
    ("reindex CPU / floor CPU (work, independent of load)", "reindex_cpu_vs_floor_cpu", "{:.2f}"),
    ("naive build, 1 process (s)", "naive_build_s", "{:.1f}"),
    ("naive index size (MB)", "naive_index_mb", "{:.1f}"),
    ("queries in the mix", "queries", "{:.0f}"),
    ("ours p50 (ms) (goal ≤ 5 at 100k, ≤ 20 at 1M)", "ours_p50_ms", "{:.1f}"),
    ("ours p95 (ms) (goal ≤ 25 at 100k, ≤ 100 at 1M)", "ours_p95_ms", "{:.1f}"),
    ("ours p99 (ms)", "ours_p99_ms", "{:.1f}"),
    ("ours query errors", "ours_errors", "{:.0f}"),
    ("ours CPU p50 / p95 (ms)", "ours_cpu_p50_ms|ours_cpu_p95_ms", "{:.1f}"),
    ("5-term trend CPU (ms) / one search CPU (ms)", "trend_cpu_ms|trend_search_cpu_ms", "{:.1f}"),
    ("**5-term trend / one search**, CPU / wall (goal: a few times)", "trend_ratio_cpu|trend_ratio_wall", "{:.2f}"),
    ("naive p50 (ms)", "naive_p50_ms", "{:.1f}"),
    ("naive p95 (ms)", "naive_p95_ms", "{:.1f}"),
    ("naive p99 (ms)", "naive_p99_ms", "{:.1f}"),
    ("naive CPU p50 / p95 (ms)", "naive_cpu_p50_ms|naive_cpu_p95_ms", "{:.1f}"),
    ("**naive / ours at p95** (goal ≥ 3)", "naive_vs_ours_p95", "{:.2f}×"),
    ("naive / ours at p95, CPU time", "naive_vs_ours_cpu_p95", "{:.2f}×"),
    ("served requests/s (8 clients) (goal ≥ 200 at 100k, ≥ 40 at 1M)", "rps", "{:.1f}"),
    ("served p50 (ms)", "http_p50_ms", "{:.1f}"),
    ("served p95 (ms)", "http_p95_ms", "{:.1f}"),
    ("served p99 (ms)", "http_p99_ms", "{:.1f}"),
    ("served errors (must be 0)", "errors", "{:.0f}"),
    ("server memory after load, all processes, summed PSS (MB) (goal ≤ 512 at 100k, ≤ 2048 at 1M)",
     "server_rss_mb", "{:.0f}"),
    ("cold start: CLI search to first output (s)", "cli_first_output_s", "{:.2f}"),
    ("cold start: server start to first response (s) (goal ≤ 1 at 100k, ≤ 3 at 1M)", "first_response_s", "{:.2f}"),
]


def _fmt(value: object, spec: str) -> str:
    if not isinstance(value, (int, float)) or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if spec == "M":
        return f"{value / 1e6:.1f}"
    if spec == "k":
        return f"{value / 1e3:,.0f}"
    return spec.format(value)


def table(results: list[dict]) -> str:
    """Markdown table: one row per metric, one column per corpus size."""
    head = "| metric | " + " | ".join(f"{r['paragraphs']:,} paragraphs" for r in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]
    for label, key, spec in ROWS:
        cells = (" / ".join(_fmt(r.get(k), spec) for k in key.split("|")) for r in results)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if any("aborted" in r for r in results):
        lines.append("| aborted | " + " | ".join(r.get("aborted", "") for r in results) + " |")
    kinds = sorted({k for r in results for k in r.get("ours_p95_by_kind_ms", {})})
    for kind in kinds:
        cells = (_fmt(r.get("ours_p95_by_kind_ms", {}).get(kind), "{:.1f}") for r in results)
        lines.append(f"| ours p95, {kind} queries (ms) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report_block(results: list[dict], args: argparse.Namespace, argv: list[str]) -> str:
    """The dated section appended to RESULTS.md."""
    facts = measure.machine_facts()
    load = "load average at start {:.1f}, at end {:.1f}".format(args.load_start, os.getloadavg()[0])
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"## {when} · commit {measure.git_commit(REPO_ROOT)}",
        "",
        f"Machine: {facts['cpus']} CPUs ({facts['cpu_model']}), {facts['ram_gb']} GB RAM, {facts['os']}, Python {facts['python']}; {load}.",
        f"Command: `.venv/bin/python -m bench.run {' '.join(argv)}` "
        f"(seed {args.seed}; load: {args.concurrency} threads × {args.load_seconds:g} s).",
        f"Prose pool: {prose_source(args.benchdata)}.",
        "",
        table(results),
        "",
        *(peers_markdown(r["peers"]) for r in results if "peers" in r),
    ])


def append_results(path: Path, block: str) -> None:
    """Append one run's section to the results file (created with its heading when missing)."""
    if not path.exists():
        path.write_text("# Benchmark results\n\nAppended by `python -m bench.run`; newest last.\n\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + block)
