"""Old vs new query evaluation on one build: the bench mix through search() with SETS and ARRAYS.

    .venv/bin/python -m bench.evaluation --paragraphs 10000 100000 [--work DIR]

Per size: generate the corpus (bench/generate.py, same seed as bench.run), build it, check that both
evaluations return identical results for every query of the mix, then one warm-up and one timed pass
each, alternating, in thread CPU time and wall time. Prints one Markdown row per size.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.generate import generate_corpus
from bench.queries import build_mix, read_corpus_text
from indexer.analysis import DEFAULT_DICTIONARY, word_analyzer
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.evaluation import ARRAYS, SETS, Evaluation


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def measure(paragraphs: int, work: Path) -> str:
    """The Markdown row of one size (builds the corpus and index under work unless present)."""
    corpus, index = work / f"corpus-{paragraphs}", work / f"index-{paragraphs}"
    if not corpus.exists():
        generate_corpus(paragraphs, corpus)
    if not index.exists():
        build_index(corpus, index, procs=2)
    words = word_analyzer(DEFAULT_DICTIONARY)
    mix = build_mix(read_corpus_text(corpus), lambda t: [tok.text for tok in words(t)])
    store = Store(index)
    differ = sum(search(store, q.q, **q.kwargs(), evaluation=SETS) != search(store, q.q, **q.kwargs(), evaluation=ARRAYS)
                 for q in mix)
    cpu: dict[str, list[float]] = {"sets": [], "arrays": []}
    wall: dict[str, list[float]] = {"sets": [], "arrays": []}
    for q in mix:
        for ev in (SETS, ARRAYS):
            _timed(store, q, ev)  # warm-up: this query's terms read once, like a served build
        for ev in (SETS, ARRAYS):
            c, w = _timed(store, q, ev)
            cpu[ev.name].append(c)
            wall[ev.name].append(w)
    store.close()
    cells = [f"{_pct(cpu[n], 50):.1f} / {_pct(cpu[n], 95):.1f} ms" for n in ("sets", "arrays")]
    ratio = _pct(cpu["sets"], 95) / max(_pct(cpu["arrays"], 95), 1e-9)
    walls = [f"{_pct(wall[n], 50):.1f} / {_pct(wall[n], 95):.1f}" for n in ("sets", "arrays")]
    return (f"| {paragraphs:,} | {len(mix)} | {differ} | {cells[0]} | {cells[1]} | {ratio:.2f}× "
            f"| {walls[0]} / {walls[1]} ms |")


def _timed(store: Store, q: object, ev: Evaluation) -> tuple[float, float]:
    c, w = time.thread_time(), time.perf_counter()
    search(store, q.q, **q.kwargs(), evaluation=ev)  # type: ignore[attr-defined]
    return (time.thread_time() - c) * 1000, (time.perf_counter() - w) * 1000


def main(argv: list[str] | None = None) -> None:
    """Print the old-vs-new table for the given sizes."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, nargs="+", default=[10_000])
    ap.add_argument("--work", type=Path, default=None, help="keep corpora and indexes here (default: a temp dir)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-eval-") as tmp:
        work = args.work or Path(tmp)
        print("| paragraphs | queries | results differing | SETS CPU p50 / p95 | ARRAYS CPU p50 / p95 "
              "| p95 ratio | wall p50 / p95 SETS / ARRAYS |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n in args.paragraphs:
            print(measure(n, work), flush=True)


if __name__ == "__main__":
    main()
