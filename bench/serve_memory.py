"""Where a served process tree's memory goes: `reportsearch serve` under a short load, then each process's PSS.

    .venv/bin/python -m bench.serve_memory --index INDEX --corpus CORPUS [--requests 600]
    .venv/bin/python -m bench.serve_memory --index INDEX --corpus CORPUS --mix-only --seconds 30 --requests 1000000

Starts `reportsearch serve` (N workers) on an existing index, drives a bounded load — the bench's query mix
(bench/queries.py) through /api/search, completions of prefixes of its words through /api/suggest, and
misspelt words (one character changed: no hits) through /api/search so did-you-mean runs; or, --mix-only,
the query mix alone as bench/run.py's served load sends it — then reads /proc/<pid>/smaps_rollup (Pss,
Pss_Anon, Pss_File), RssAnon and the CPU time of the supervisor and of every worker. Memory and CPU per
request are fair on a loaded machine; the load's wall times are not, and are not printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import time
from pathlib import Path

from bench import measure
from bench.queries import build_mix, read_corpus_text
from bench.run import jieba_tokenizer, reportsearch_command

ROLLUP_KEYS = ("Rss", "Pss", "Pss_Anon", "Pss_File", "Pss_Shmem")


def rollup_kb(pid: int) -> dict[str, int]:
    """The smaps_rollup totals (kB) of one process, plus RssAnon from its status."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ROLLUP_KEYS:
            out[key] = int(rest.split()[0])
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            out["RssAnon"] = int(line.split()[1])
    ticks = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]  # utime, stime
    out["cpu_ms"] = round(sum(map(int, ticks)) * 1000 / os.sysconf("SC_CLK_TCK"))
    return out


def tree_memory(root: int) -> dict[str, dict[str, int]]:
    """rollup_kb of root ("supervisor") and of each of its descendants ("worker <pid>")."""
    return {("supervisor" if pid == root else f"worker {pid}"): rollup_kb(pid) for pid in measure.process_tree(root)}


def load_paths(corpus: Path, requests: int, seed: int = 11, *, mix_only: bool = False) -> list[str]:
    """About `requests` request paths: the query mix, suggestion prefixes and misspelt words, interleaved (mix_only:
    the query mix alone, in its order, as bench/run.py's served load sends it)."""
    tok = jieba_tokenizer()
    mix = build_mix(read_corpus_text(corpus), tok.lcut)
    searches = [measure.api_path(q.api_params()) for q in mix]
    if mix_only:
        return (searches * (requests // len(searches) + 1))[:requests]
    rng = random.Random(seed)
    words = [q.q for q in mix if q.kind in ("frequent", "rare")]
    suggests = ["/api/suggest?" + _query(w[: rng.randint(1, len(w))]) for w in words]
    typos = []
    for w in words:
        i = rng.randrange(len(w))
        typos.append(measure.api_path([("q", w[:i] + chr(rng.randint(0x4E00, 0x9FA5)) + w[i + 1:])]))
    pool = searches + suggests + typos
    rng.shuffle(pool)
    return (pool * (requests // len(pool) + 1))[:requests]


def _query(q: str) -> str:
    from urllib.parse import urlencode

    return urlencode([("q", q)])


def main(argv: list[str] | None = None) -> dict:
    """Serve, load, read the tree's memory; print it as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=600, help="requests sent (at most, with --seconds)")
    ap.add_argument("--seconds", type=float, default=600.0, help="load for at most this long")
    ap.add_argument("--mix-only", action="store_true", help="only the query mix (bench/run.py's served load)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--log", type=Path, default=Path("/tmp/serve_memory.log"))
    args = ap.parse_args(argv)
    paths = load_paths(args.corpus, args.requests, mix_only=args.mix_only)
    port = measure.free_port()
    with args.log.open("w") as log:
        proc = subprocess.Popen([*reportsearch_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", str(args.workers), "--index", str(args.index), "--corpus", str(args.corpus)],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            measure.wait_http(port, paths[0], timeout=120)
            time.sleep(1.0)  # every worker has started (each answers its first request after this)
            idle = tree_memory(proc.pid)
            result = measure.load(port, paths, concurrency=args.concurrency, seconds=args.seconds, max_requests=len(paths))
            time.sleep(1.0)
            loaded = tree_memory(proc.pid)
        finally:
            measure.stop(proc)
    cpu_ms = sum(p["cpu_ms"] - idle.get(name, {}).get("cpu_ms", 0) for name, p in loaded.items())
    report = {"requests": result.requests, "errors": result.errors, "first_error": result.first_error,
              "cpu_ms_per_request": cpu_ms / max(1, result.requests),
              "idle": idle, "loaded": loaded,
              "tree_pss_mb": {"idle": sum(p["Pss"] for p in idle.values()) / 1024,
                              "loaded": sum(p["Pss"] for p in loaded.values()) / 1024}}
    print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
