"""The benchmark: one command, one machine, one corpus per size; prints the table and appends it to bench/RESULTS.md.

    .venv/bin/python -m bench.run --paragraphs 10000 100000

Per size: generate (or reuse) the corpus; `reportsearch reindex` in a subprocess (wall, throughput, peak
RSS, index size) against the jieba floor (jieba alone, one core, same text and dictionary); the naive
baseline built and queried in-process; the same fixed query mix through indexer.search.engine.search (the API's
code path); SQLite FTS5 and tantivy on the same paragraphs and a 30-query mix (bench/peers.py);
`reportsearch serve` under a bounded loopback load; cold starts of the CLI and the server.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import measure
from bench.generate import DEFAULT_BENCHDATA, DEFAULT_OUT, REPO_ROOT, ensure_corpus, prose_source
from bench.naive import build_naive
from bench.peers import run_peers, shipped_synonyms
from bench.queries import Query, build_mix, read_corpus_text
from bench.report import append_results, report_block

RESULTS_MD = REPO_ROOT / "bench" / "RESULTS.md"
USERDICT = REPO_ROOT / "indexer" / "userdict.txt"


def reportsearch_command() -> list[str]:
    """The installed console script next to this interpreter (the venv's), else the one on PATH."""
    local = Path(sys.executable).parent / "reportsearch"
    if local.exists():
        return [str(local)]
    found = shutil.which("reportsearch")
    if not found:
        raise RuntimeError("the `reportsearch` command is not installed: pip install -e . first")
    return [found]


def jieba_tokenizer():  # noqa: ANN201 - jieba has no type stubs
    """A private jieba instance with the project's user dictionary, loaded now (outside any timing)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    if USERDICT.exists():
        with USERDICT.open("rb") as fh:  # jieba leaves a path's file open; give it a handle we close
            tok.load_userdict(fh)
    return tok


def jieba_floor(paragraphs: list[str], tok) -> float:  # noqa: ANN001
    """Seconds for jieba alone (HMM on, like the word analyzer) to segment every paragraph, on one core."""
    start = time.perf_counter()
    for para in paragraphs:
        for _ in tok.tokenize(para, HMM=True):
            pass
    return time.perf_counter() - start


def time_queries(run_one, mix: list[Query]) -> tuple[list[float], dict[str, list[float]], int, list[int], list[float]]:  # noqa: ANN001
    """Warm-up pass, then one timed pass: wall latencies (ms), per kind, errors, totals, CPU ms (robust to a busy machine)."""
    for q in mix:
        try:
            run_one(q)
        except Exception:  # noqa: BLE001 - counted in the timed pass
            pass
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    errors = 0
    totals: list[int] = []
    cpu: list[float] = []
    for q in mix:
        c0 = time.thread_time()
        t0 = time.perf_counter()
        try:
            result = run_one(q)
            totals.append(result["total"])
        except Exception as exc:  # noqa: BLE001 - a query that raises is an error in the table
            errors += 1
            print(f"  query error {q}: {type(exc).__name__}: {exc}", file=sys.stderr)
        ms = (time.perf_counter() - t0) * 1000
        cpu.append((time.thread_time() - c0) * 1000)
        latencies.append(ms)
        by_kind.setdefault(q.kind, []).append(ms)
    return latencies, by_kind, errors, totals, cpu


def pct(values: list[float]) -> dict[str, float]:
    return {f"p{p}": measure.percentile(values, p) for p in (50, 95, 99)}


def cli_cold_start(cmd: list[str], index: Path, queries: list[str]) -> tuple[float, float]:
    """Median seconds from process start to first output byte, and to exit, of `reportsearch search Q --json`."""
    first, total = [], []
    for q in queries:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*cmd, "search", q, "--index", str(index), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        byte = proc.stdout.read(1)
        t1 = time.perf_counter()
        _, err = proc.communicate(timeout=120)
        t2 = time.perf_counter()
        if proc.returncode != 0 or not byte:
            raise RuntimeError(f"`reportsearch search {q}` exited {proc.returncode}: {err.decode(errors='replace')[-500:]}")
        first.append(t1 - t0)
        total.append(t2 - t0)
    return measure.percentile(first, 50), measure.percentile(total, 50)


def served(cmd: list[str], index: Path, corpus: Path, mix: list[Query], *, seconds: float, concurrency: int, log: Path) -> dict:
    """Start `reportsearch serve`, time its first response, load it, read its RSS, stop it."""
    port = measure.free_port()
    paths = [measure.api_path(q.api_params()) for q in mix]
    with log.open("w") as log_fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [*cmd, "serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index), "--corpus", str(corpus)],
            stdout=log_fh, stderr=subprocess.STDOUT,
        )
        try:
            measure.wait_http(port, paths[0], timeout=120)
            first = time.perf_counter() - t0
            rss_idle = measure.tree_rss_mb(proc.pid)
            result = measure.load(port, paths, concurrency=concurrency, seconds=seconds)
            rss_loaded = measure.tree_rss_mb(proc.pid)
        finally:
            measure.stop(proc)
    if result.errors:
        print(f"  served: {result.errors} errors, first: {result.first_error} (server log: {log})", file=sys.stderr)
    return {
        "first_response_s": first,
        "requests": result.requests,
        "rps": result.rps,
        "errors": result.errors,
        "first_error": result.first_error,
        **{f"http_{k}_ms": v for k, v in pct(result.latencies_ms).items()},
        "server_rss_idle_mb": rss_idle,
        "server_rss_mb": rss_loaded,
    }


def trend_ratio(index: Path) -> dict:
    """A 5-term trend against one search of each term on this build (bench/trends.py), CPU and wall medians."""
    from bench.trends import TERMS, bench_trends

    got = bench_trends(index, TERMS, repeats=3)
    return {"trend_cpu_ms": got["trend_cpu_ms"], "trend_search_cpu_ms": got["search_cpu_ms"],
            "trend_ratio_cpu": got["ratio_cpu"], "trend_ratio_wall": got["ratio_wall"]}


def profile_queries(run_one, mix: list[Query], top: int = 18) -> str:  # noqa: ANN001
    """cProfile of one pass of the mix: the top functions by cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    for q in mix:
        try:
            run_one(q)
        except Exception:  # noqa: BLE001 - errors are counted elsewhere
            pass
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def measure_reindex(n: int, corpus: Path, index: Path, chars: int, paragraphs: list[str], args: argparse.Namespace,
                    cmd: list[str], tok) -> dict:  # noqa: ANN001
    """`reportsearch reindex` in a subprocess (wall, CPU, peak memory, index size) against the jieba floor."""
    r: dict = {}
    if index.exists():
        shutil.rmtree(index)
    print("  reindex …", flush=True)
    run = measure.run_child([*cmd, "reindex", "--corpus", str(corpus), "--index", str(index)], timeout=600 + n * 0.05,
                            max_tree_mb=args.max_rss_gb * 1024)
    if run.aborted:
        print(f"  reindex {run.aborted}", file=sys.stderr)
        return {"aborted": f"reindex {run.aborted}", "reindex_rss_tree_mb": run.tree_peak_mb}
    if run.returncode != 0:
        raise RuntimeError(f"reindex exited {run.returncode}:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    r.update(
        reindex_s=run.seconds, reindex_cpu_s=run.cpu_s, reindex_par_per_s=n / run.seconds, reindex_chars_per_s=chars / run.seconds,
        reindex_rss_max_mb=run.max_rss_mb, reindex_rss_tree_mb=run.tree_peak_mb,
        index_mb=measure.dir_size(index) / 2**20, reindex_summary=run.stdout.strip()[-500:],
    )
    print("  jieba floor …", flush=True)
    c0 = time.process_time()
    r["floor_s"] = jieba_floor(paragraphs, tok)
    r["floor_cpu_s"] = time.process_time() - c0
    r["reindex_vs_floor"] = r["reindex_s"] / r["floor_s"]
    r["reindex_cpu_vs_floor_cpu"] = r["reindex_cpu_s"] / r["floor_cpu_s"]
    m = re.search(r"(\d+) paragraphs", run.stdout)
    r["indexed_paragraphs"] = int(m.group(1)) if m else float("nan")
    return r


def bench_size(n: int, args: argparse.Namespace, cmd: list[str], tok) -> dict:  # noqa: ANN001
    """Every measurement for one corpus size."""
    root: Path = args.out
    print(f"== {n} paragraphs", flush=True)
    corpus = ensure_corpus(n, root, args.seed, args.benchdata)
    text = read_corpus_text(corpus)
    chars = sum(map(len, text.paragraphs))
    text_bytes = sum(p.stat().st_size for p in corpus.glob("*.txt"))
    r: dict = {"prose": prose_source(args.benchdata), "paragraphs": n, "reports": len(list(corpus.glob("*.txt"))),
               "characters": chars, "text_mb": text_bytes / 2**20}
    if len(text.paragraphs) != n:
        raise RuntimeError(f"{corpus}: {len(text.paragraphs)} body paragraphs on disk, expected {n}")

    index = root / f"index-{n}"
    if args.reuse_index:
        from indexer.index.store import read_current

        if read_current(index) is None:
            raise RuntimeError(f"--reuse-index: no index at {index}; run once without it (or with --reindex-only)")
        r["index_mb"] = measure.dir_size(index) / 2**20
    else:
        measured = measure_reindex(n, corpus, index, chars, text.paragraphs, args, cmd, tok)
        r.update(measured)
        if "aborted" in measured:
            return r
    r["index_vs_text"] = r["index_mb"] / r["text_mb"]
    if args.reindex_only:  # indexing work alone: the query, baseline and serving rows stay empty
        return r

    mix = build_mix(text, tok.lcut)
    r["queries"] = len(mix)
    from indexer.index.store import Store
    from indexer.search.engine import search

    store = Store(index)

    def ours(q: Query) -> dict:
        return search(store, q.q, **q.kwargs())

    print(f"  {len(mix)} queries (ours) …", flush=True)
    lat, kinds, errs, totals, cpu = time_queries(ours, mix)
    r.update({f"ours_{k}_ms": v for k, v in pct(lat).items()}, ours_errors=errs, ours_zero_hits=sum(t == 0 for t in totals))
    r.update({f"ours_cpu_{k}_ms": v for k, v in pct(cpu).items()})
    r["ours_p95_by_kind_ms"] = {k: measure.percentile(v, 95) for k, v in kinds.items()}
    if args.profile:
        r["profile"] = profile_queries(ours, mix)
    print("  trends …", flush=True)
    r.update(trend_ratio(index))
    if args.peers:  # SQLite FTS5 and tantivy on the same paragraphs, in this sitting (bench/peers.py)
        r["peers"] = run_peers(index, root / f"peers-{n}", synonyms=args.synonyms,
                               ours_build={"build_s": r.get("reindex_s"), "build_cpu_s": r.get("reindex_cpu_s")})

    if n <= args.baseline_max:
        print("  naive baseline build …", flush=True)
        naive_dir = root / f"naive-{n}"
        if naive_dir.exists():
            shutil.rmtree(naive_dir)
        t0 = time.perf_counter()
        naive = build_naive(corpus, naive_dir)
        r["naive_build_s"] = time.perf_counter() - t0
        r["naive_index_mb"] = measure.dir_size(naive_dir) / 2**20
        print("  queries (naive) …", flush=True)
        nlat, _, nerrs, ntotals, ncpu = time_queries(lambda q: naive.search(q.q, **q.kwargs()), mix)
        r.update({f"naive_{k}_ms": v for k, v in pct(nlat).items()}, naive_errors=nerrs, naive_zero_hits=sum(t == 0 for t in ntotals))
        r.update({f"naive_cpu_{k}_ms": v for k, v in pct(ncpu).items()})
        r["naive_vs_ours_p95"] = r["naive_p95_ms"] / r["ours_p95_ms"]
        r["naive_vs_ours_cpu_p95"] = r["naive_cpu_p95_ms"] / r["ours_cpu_p95_ms"]
        r["naive_build_vs_reindex"] = r["naive_build_s"] / r["reindex_s"]

    print("  cold start …", flush=True)
    r["cli_first_output_s"], r["cli_exit_s"] = cli_cold_start(cmd, index, [m.q for m in mix[:3]])
    print(f"  served ({args.concurrency} threads, {args.load_seconds:g} s) …", flush=True)
    r.update(served(cmd, index, corpus, mix, seconds=args.load_seconds, concurrency=args.concurrency, log=root / f"serve-{n}.log"))
    return r


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", nargs="+", default=["100000"], help="corpus sizes (space or comma separated)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder for corpora and indexes [{DEFAULT_OUT}]")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    ap.add_argument("--load-seconds", type=float, default=30.0)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--baseline-max", type=int, default=10**9, help="skip the naive baseline above this size")
    ap.add_argument("--max-rss-gb", type=float, default=round(0.7 * measure.total_ram_gb(), 1),
                    help="stop reindex when its processes use more than this (default 70%% of RAM)")
    ap.add_argument("--reindex-only", action="store_true", help="measure reindex and the jieba floor only")
    ap.add_argument("--reuse-index", action="store_true",
                    help="query the index a previous run built under --out (no reindex, no jieba floor rows)")
    ap.add_argument("--no-peers", dest="peers", action="store_false", help="skip the SQLite FTS5 / tantivy comparison")
    ap.add_argument("--profile", action="store_true", help="also cProfile one pass of our query mix")
    ap.add_argument("--results", type=Path, default=RESULTS_MD, help="markdown file to append to ('-' for none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw results as JSON here")
    args = ap.parse_args(argv)
    args.sizes = [int(x) for item in args.paragraphs for x in str(item).split(",") if x.strip()]
    return args


def main(argv: list[str] | None = None) -> list[dict]:
    """Run every size, print the table, append it to RESULTS.md."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    args.load_start = os.getloadavg()[0]
    cmd = reportsearch_command()
    args.synonyms = shipped_synonyms() if args.peers else None  # what `reportsearch search` expands with
    tok = jieba_tokenizer()
    results = []
    for n in args.sizes:
        r = bench_size(n, args, cmd, tok)
        results.append(r)
        if "profile" in r:
            print(r["profile"])
    block = report_block(results, args, argv)
    print()
    print(block)
    if str(args.results) != "-":
        append_results(args.results, block)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
