"""Benchmark of the search box's completions and of "did you mean", on an existing index (e.g. bench.generate's).

    .venv/bin/python -m bench.suggest --index /tmp/reportsearch-bench/index-100000 --results bench/RESULTS.md

Keystroke mix, drawn deterministically from the build's own completions: every prefix (1–4 characters) of
sampled words and phrases as typed character by character, the same prefixes in traditional characters,
after a first word ("执行 扫…"), and prefixes nothing starts with. Each is timed (wall and thread CPU) through
indexer.search.features.suggest.suggest (the engine) and through GET /api/suggest on the real Flask app (test
client: routing, parameter checks and JSON included, no socket) and over HTTP from `reportsearch serve`
(one keep-alive client, as one person typing). One warm-up pass, then one timed pass.
The first use of the build's suggestion data (mapping the file the build wrote) and zero-hit searches with their
did-you-mean alternatives are timed once each.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from bench import measure
from bench.generate import REPO_ROOT

GOAL_MS = 10.0  # /api/suggest at 100k paragraphs (issue 11)


def keystrokes(data, rng: random.Random, words: int) -> list[tuple[str, str]]:  # noqa: ANN001 - SuggestData
    """(kind, q) for every prefix typed while entering sampled words and phrases, plus variants."""
    from indexer.search.language.hanzi import to_traditional

    pool = [e.text for e in data.entries if len(e.text) >= 2]
    picked = rng.sample(pool, min(words, len(pool)))
    mix: list[tuple[str, str]] = []
    for text in picked:
        for n in range(1, min(4, len(text)) + 1):
            mix.append(("typed", text[:n]))
        mix.append(("traditional", to_traditional(text[:2])))
        mix.append(("second word", "执行 " + text[:2]))
    mix += [("no match", "".join(rng.choice("㐀㐁㐂㐃鿐鿑") for _ in range(3))) for _ in range(max(1, words // 10))]
    return mix


def timed(fn, items: list) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Warm-up pass, then wall and CPU milliseconds per item."""
    for item in items:
        fn(item)
    wall, cpu = [], []
    for item in items:
        c0, t0 = time.thread_time(), time.perf_counter()
        fn(item)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return wall, cpu


def typos(data, rng: random.Random, n: int) -> list[str]:  # noqa: ANN001 - SuggestData
    """Words of the build with one character replaced: queries that (mostly) find nothing."""
    words = [e.text for e in data.entries if e.kind == "word" and len(e.text) >= 3 and e.count >= 5]
    out = []
    for w in rng.sample(words, min(n, len(words))):
        i = rng.randrange(len(w))
        out.append(w[:i] + "㐄" + w[i + 1:])
    return out


def _rss_mb() -> float:
    """This process's resident memory (MB), from /proc."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def served(index: Path, qs: list[str]) -> dict:
    """`reportsearch serve` on 127.0.0.1: one keep-alive client types the mix (a person typing waits for each answer)."""
    from bench.run import reportsearch_command

    port = measure.free_port()
    paths = ["/api/suggest?" + urlencode({"q": q}) for q in qs]
    proc = subprocess.Popen([*reportsearch_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--index", str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        measure.wait_http(port, paths[0], timeout=300)  # the first answer maps the suggestion data
        measure.load(port, paths, concurrency=1, seconds=600, max_requests=len(paths))  # warm-up pass
        result = measure.load(port, paths, concurrency=1, seconds=600, max_requests=len(paths))
    finally:
        measure.stop(proc)
    return {"http": result.latencies_ms, "http_errors": result.errors}


def run(index: Path, words: int, seed: int) -> dict:
    """Every measurement on one index; returns the figures."""
    from indexer.analysis import initialize
    from indexer.index.store import Store
    from indexer.search.engine import search
    from indexer.search.features.suggest import suggest, suggest_data
    from webapp import create_app

    initialize()
    store = Store(index)
    open_index = store.current()
    paragraphs = open_index.index.doc_count()
    search(store, "法院")  # the build's searcher is open before: its cost is the first search's, not ours
    rss0 = _rss_mb()
    c0, t0 = time.process_time(), time.perf_counter()
    data = suggest_data(open_index)
    build_s, build_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    build_mb = _rss_mb() - rss0
    rng = random.Random(seed)
    mix = keystrokes(data, rng, words)
    qs = [q for _, q in mix]
    engine_wall, engine_cpu = timed(lambda q: suggest(store, q), qs)
    client = create_app({"TESTING": True, "INDEX_DIR": index, "INIT_ANALYZER": False}).test_client()
    api_wall, api_cpu = timed(lambda q: client.get("/api/suggest?" + urlencode({"q": q})), qs)
    by_kind: dict[str, list[float]] = {}
    for (kind, _), ms in zip(mix, api_wall):
        by_kind.setdefault(kind, []).append(ms)
    http = served(index, qs)
    bad = typos(data, rng, 30)
    dym_wall, _ = timed(lambda q: search(store, q), bad)
    with_alternatives = sum(1 for q in bad if search(store, q)["did_you_mean"])
    empty = sum(1 for q in bad if search(store, q)["total"] == 0)
    return {
        "paragraphs": paragraphs,
        "entries": len(data.entries),
        "phrases": sum(1 for e in data.entries if e.kind == "phrase"),
        "build_s": build_s,
        "build_cpu_s": build_cpu_s,
        "build_mb": build_mb,
        "requests": len(qs),
        "engine": (engine_wall, engine_cpu),
        "api": (api_wall, api_cpu),
        "api_by_kind": by_kind,
        **http,
        "typos": len(bad),
        "typos_empty": empty,
        "typos_with_alternatives": with_alternatives,
        "dym_wall": dym_wall,
    }


def report(r: dict, index: Path, argv: list[str]) -> str:
    """The markdown block for RESULTS.md."""
    def p(values: list[float]) -> str:
        return " / ".join(f"{measure.percentile(values, q):.2f}" for q in (50, 95, 99))

    facts = measure.machine_facts()
    http_p95 = measure.percentile(r["http"], 95)
    lines = [
        f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · suggestions · commit {measure.git_commit(REPO_ROOT)}",
        "",
        f"Machine: {facts['cpus']} CPUs ({facts['cpu_model']}), {facts['ram_gb']} GB RAM, Python {facts['python']}; "
        f"load average at end {os.getloadavg()[0]:.1f}.",
        f"Command: `python -m bench.suggest {' '.join(argv)}` on {index} ({r['paragraphs']:,} paragraphs).",
        "",
        "| metric | value |",
        "|---|---:|",
        f"| completions (words + phrases) | {r['entries']:,} ({r['phrases']:,} phrases) |",
        f"| first use of the suggestion data (the build's file mapped): wall / CPU (s) | {r['build_s']:.2f} / {r['build_cpu_s']:.2f} |",
        f"| its memory (RSS growth, MB) | {r['build_mb']:.1f} |",
        f"| keystrokes timed | {r['requests']:,} |",
        f"| engine suggest() wall p50 / p95 / p99 (ms) | {p(r['engine'][0])} |",
        f"| engine suggest() CPU p50 / p95 / p99 (ms) | {p(r['engine'][1])} |",
        f"| GET /api/suggest wall p50 / p95 / p99 (ms) | {p(r['api'][0])} |",
        f"| GET /api/suggest CPU p50 / p95 / p99 (ms) | {p(r['api'][1])} |",
    ]
    lines += [f"| GET /api/suggest wall p50 / p95 / p99, {k} (ms) | {p(v)} |" for k, v in sorted(r["api_by_kind"].items())]
    lines += [
        f"| served over HTTP (waitress, 1 keep-alive client) p50 / p95 / p99 (ms) | {p(r['http'])} |",
        f"| served errors | {r['http_errors']} |",
        f"| **/api/suggest p95 served vs the 10 ms goal** | {http_p95:.2f} ms: {'met' if http_p95 <= GOAL_MS else 'missed'} |",
        f"| typo queries: found nothing / got alternatives | {r['typos_empty']} / {r['typos_with_alternatives']} of {r['typos']} |",
        f"| search() of a typo query incl. did-you-mean, wall p50 / p95 / p99 (ms) | {p(r['dym_wall'])} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    """Measure, print the block, append it to --results."""
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="index root (CURRENT + builds/)")
    ap.add_argument("--words", type=int, default=300, help="words and phrases typed (each gives ~7 keystrokes)")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--results", type=Path, default=None, help="markdown file to append the block to")
    args = ap.parse_args(argv)
    r = run(args.index, args.words, args.seed)
    block = report(r, args.index, argv)
    print(block)
    if args.results is not None:
        with args.results.open("a", encoding="utf-8") as fh:
            fh.write("\n" + block)
    return r


if __name__ == "__main__":
    main()
