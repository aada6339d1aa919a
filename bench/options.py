"""Issue 22's search options against relevance in the same run: sort by report date, 同句 and NEAR/n.

    .venv/bin/python -m bench.options --paragraphs 10000 40000
    .venv/bin/python -m bench.options --corpus /work/bench/corpus-10000 /work/bench/corpus-100000 --out /tmp/i22-bench

Per size: the generated corpus (bench/generate.py; or an existing one given with --corpus, only read) indexed
once under --out, then bench/queries.py's mix through
indexer.search.engine.search (the API's code path: facets, snippets, permalinks) — one warm-up pass, then timed
passes in CPU time (thread time, robust to a shared machine): by relevance, sort=newest, sort=oldest,
sentence=True, and the mix's two-word queries as `A NEAR/10 B`. Each option is printed as p50/p95 and as its
ratio to relevance. Between two sizes, newest/relevance staying flat is the sign that a date order scores only
the date groups reaching into the page (indexer/search/scoring/order.py), not every hit.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import DEFAULT_BENCHDATA, ensure_corpus
from bench.measure import percentile
from bench.queries import Query, build_mix, read_corpus_text

Runner = Callable[[Query], dict]


def timed(run: Runner, mix: list[Query]) -> list[float]:
    """CPU milliseconds of each query of the mix, after one warm-up pass."""
    for q in mix:
        run(q)
    out = []
    for q in mix:
        start = time.thread_time()
        run(q)
        out.append((time.thread_time() - start) * 1000)
    return out


def bench_corpus(corpus: Path, index: Path) -> tuple[dict[str, tuple[float, float]], int]:
    """p50 and p95 CPU ms of each variant of the mix over one corpus (indexed into `index` unless it is there),
    and the number of paragraphs indexed."""
    import jieba

    from indexer.index.build import build_index
    from indexer.index.store import Store
    from indexer.search.engine import search

    if not (index / "CURRENT").exists():
        build_index(corpus, index)
    store = Store(index)
    mix = build_mix(read_corpus_text(corpus), jieba.lcut)
    pairs = [q for q in mix if q.kind == "and"]
    variants: dict[str, tuple[list[Query], Runner]] = {
        "relevance": (mix, lambda q: search(store, q.q, **q.kwargs())),
        "newest": (mix, lambda q: search(store, q.q, sort="newest", **q.kwargs())),
        "oldest": (mix, lambda q: search(store, q.q, sort="oldest", **q.kwargs())),
        "sentence": (mix, lambda q: search(store, q.q, sentence=True, **q.kwargs())),
        "and (two words)": (pairs, lambda q: search(store, q.q, **q.kwargs())),
        "NEAR/10 (same words)": (pairs, lambda q: search(store, q.q.replace(" ", " NEAR/10 "), **q.kwargs())),
        "sentence (two words)": (pairs, lambda q: search(store, q.q, sentence=True, **q.kwargs())),
    }
    got = {}
    for name, (queries, run) in variants.items():
        ms = timed(run, queries)
        got[name] = (percentile(ms, 50), percentile(ms, 95))
    paragraphs = int(store.current().meta.get("counts", {}).get("paragraphs", 0))
    store.close()
    return got, paragraphs


def main(argv: list[str] | None = None) -> None:
    """Measure each size and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paragraphs", type=int, nargs="+", default=[10_000, 40_000])
    ap.add_argument("--corpus", type=Path, nargs="+", default=None,
                    help="existing corpora to measure instead of generating (read only; indexes go under --out)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/reportsearch-bench"))
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    args = ap.parse_args(argv)
    print("| paragraphs | variant | p50 ms | p95 ms | p50 / base | p95 / base |")
    print("|---:|---|---:|---:|---:|---:|")
    runs = ([(c, args.out / f"options-index-{c.name}") for c in args.corpus] if args.corpus else
            [(ensure_corpus(n, args.out, args.seed, args.benchdata), args.out / f"options-index-{n}")
             for n in args.paragraphs])
    for corpus, index in runs:
        got, paragraphs = bench_corpus(corpus, index)
        for name, (p50, p95) in got.items():
            base = got["and (two words)"] if "two words" in name or "NEAR" in name else got["relevance"]
            print(f"| {paragraphs:,} | {name} | {p50:.1f} | {p95:.1f} | {p50 / base[0]:.2f} | {p95 / base[1]:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
