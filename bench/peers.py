"""Peers: our search() beside SQLite FTS5 and tantivy on the same paragraphs and query mix, in one sitting.

    .venv/bin/python -m bench.peers --paragraphs 10000

The corpus is bench.run's generated one (ensure_corpus). The peers index exactly the paragraphs our build
holds, read back with indexer.export (id, institution, years, theme, text), cut into the jieba words our
`text` field holds (bench/peer_engines.py). Every engine answers PEER_MIX (issue 17's 30 queries) with the
same work: the total, the top 10 with snippets, counts per institution, year and theme over all hits.
Timing: a warm-up pass of the mix per engine, then per query and engine one more warm-up and `repeats`
timed runs, interleaved across engines; each query's median CPU (time.process_time: every thread of this
process) and wall; p50/p95 over the 30 medians. Ours runs with the bundled synonyms (expand on, as
shipped) and with expand=False (like for like). Nothing in the measured path caches whole answers.
bench.run calls run_peers() per corpus size and appends markdown() to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bench import measure
from bench.peer_engines import TANTIVY_MISSING, Clause, Fts5, Peer, Tantivy, ctrl_f, matches, parse_mix, read_docs, tantivy_module
from bench.queries import PEER_MIX

if TYPE_CHECKING:
    from indexer.search.language.synonyms import Synonyms

P = TypeVar("P")

OURS, OURS_OFF, FTS5, TANTIVY = "ours", "ours_off", "fts5", "tantivy"
LABELS = {OURS: "ours, synonyms on (as shipped)", OURS_OFF: "ours, expand=False", FTS5: "SQLite FTS5", TANTIVY: "tantivy"}
_SPACE = re.compile(r"\s+")
NOTES = """Where the semantics differ (why the hit counts are not equal):
- Ours finds Ctrl-F substrings: a word query matches where its words occur as text, whole words or not (法院 inside
  人民法院, 理改 inside 治理改革); the peers match whole jieba tokens only, and jieba cuts 人民法院 as one token.
  The "Ctrl-F over the text" column is a direct scan with our semantics over the paragraph text alone.
- NOT excludes by the same rule: ours drops a paragraph where 环境 occurs anywhere (生态环境 too), a peer only where 环境 is a
  token, so `生态 NOT 环境` finds fewer paragraphs with ours.
- Ours also matches a paragraph's section heading and lead as whole words (BM25F over text, section, lead); the peers
  index the text alone.
- With synonyms on (as shipped) ours also matches each word's synonyms (indexer/synonyms.txt); expand=False is the
  like-for-like row. Partial matches (listed after fewer than 10 full ones) are not in any total.
- Quoted phrases: ours is character-exact (whitespace removed, folded); a peer's phrase is its jieba words adjacent,
  so it misses text where jieba cut the same characters differently.
- FTS5's unicode61 splits tokens at punctuation (76.8% → 76 8, in text and query alike), tantivy's whitespace tokenizer
  does not; otherwise the two peers see the same tokens and should count the same hits ("FTS5 = tantivy" below).
- Peers' snippets are cut from the space-joined tokens; ours from the original text."""


@dataclass
class Prepared:
    """The peers' input: the tokens file, its paragraph count, the word cut's time, Ctrl-F counts per query."""

    tokens: Path
    paragraphs: int
    cut_s: float
    ctrl_f: list[int]


def shipped_synonyms() -> Synonyms:
    """The synonyms a user's `reportsearch search` expands with ($REPORTSEARCH_SYNONYMS, else the bundled file)."""
    from indexer.config import default_synonyms_path
    from indexer.search.language.synonyms import load_synonyms

    return load_synonyms(default_synonyms_path())


def word_tools() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]], Callable[[str], str]]:
    """(index cut, query cut, Ctrl-F fold): our word analyzer's words of the normalised text, as the writer and
    the query side cut them (the writer's rjieba path is proven equal to jieba), and normalised text without whitespace."""
    from indexer.analysis import JiebaTokenizer, normalize

    tok = JiebaTokenizer()
    tok.warm()
    tok.warm_index()

    def index_cut(text: str) -> list[str]:
        return [w for w, _, _ in tok.index_spans(normalize(text))]

    def query_cut(text: str) -> list[str]:
        return [w for w, _, _ in tok.spans(normalize(text))]

    def fold(text: str) -> str:
        return _SPACE.sub("", normalize(text))

    return index_cut, query_cut, fold


def prepare(index: Path, folder: Path, parsed: Sequence[list[Clause]], index_cut: Callable[[str], list[str]],
            fold: Callable[[str], str]) -> Prepared:
    """Our build's paragraphs (indexer.export, corpus order) with their word tokens, streamed to folder/tokens.jsonl."""
    from indexer.export import iter_paragraphs
    from indexer.index.store import Store

    tokens = folder / "tokens.jsonl"
    counts = [0] * len(parsed)
    n, cut_s = 0, 0.0
    store = Store(index)
    try:
        with tokens.open("w", encoding="utf-8") as fh:
            for p in iter_paragraphs(store):
                t0 = time.perf_counter()
                words = " ".join(index_cut(p["text"]))
                cut_s += time.perf_counter() - t0
                row = {"id": p["id"], "institution": p["institution"], "years": [str(y) for y in p["years"]],  # as our facets key them
                       "theme": p["theme"], "tokens": words}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                folded = fold(p["text"])
                for i, clauses in enumerate(parsed):
                    counts[i] += matches(clauses, lambda t: ctrl_f(t, folded))
                n += 1
    finally:
        store.close()
    return Prepared(tokens, n, cut_s, counts)


def _build(make: Callable[[], P], size_of: Path) -> tuple[P, dict]:
    """Run a build; its engine and wall/CPU seconds (this process's threads) and on-disk size."""
    c0, t0 = time.process_time(), time.perf_counter()
    engine = make()
    return engine, {"build_s": time.perf_counter() - t0, "build_cpu_s": time.process_time() - c0,
                    "index_mb": measure.dir_size(size_of) / 2**20 if size_of.is_dir() else size_of.stat().st_size / 2**20}


def timed(fn: Callable[[], dict], repeats: int) -> tuple[float, float, dict]:
    """One warm-up call, then `repeats` timed calls: median CPU ms, median wall ms, the last answer."""
    answer = fn()
    cpu, wall = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        answer = fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(cpu), statistics.median(wall), answer


def measure_engines(engines: dict[str, Callable[[int], dict]], n: int, repeats: int) -> dict[str, dict[str, list]]:
    """Per engine: each query's median CPU ms, median wall ms and total; engines interleaved query by query."""
    for answer in engines.values():  # warm every engine on the whole mix first
        for i in range(n):
            answer(i)
    got: dict[str, dict[str, list]] = {name: {"cpu": [], "wall": [], "total": []} for name in engines}
    for i in range(n):
        for name, answer in engines.items():
            cpu, wall, result = timed(functools.partial(answer, i), repeats)
            got[name]["cpu"].append(cpu)
            got[name]["wall"].append(wall)
            got[name]["total"].append(result["total"])
    return got


def _answers(peer: Peer, parsed: Sequence[list[Clause]]) -> Callable[[int], dict]:
    return lambda i: peer.search(parsed[i])


def run_peers(index: Path, folder: Path, *, mix: Sequence[str] = PEER_MIX, repeats: int = 5, synonyms: Synonyms | None = None,
              ours_build: dict | None = None) -> dict:
    """Build the peers from our build at index (in folder, rebuilt), time every engine on the mix: the "peers" block."""
    from indexer.index.store import Store
    from indexer.search.engine import search

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    index_cut, query_cut, fold = word_tools()
    parsed = [parse_mix(q, query_cut, fold) for q in mix]
    print("  peers: export + word cut …", flush=True)
    prep = prepare(index, folder, parsed, index_cut, fold)
    builds: dict[str, dict] = {OURS: dict(ours_build or {}, index_mb=measure.dir_size(index) / 2**20)}
    print("  peers: SQLite FTS5 build …", flush=True)
    fts, builds[FTS5] = _build(lambda: Fts5.build(folder / "fts5.sqlite", read_docs(prep.tokens)), folder / "fts5.sqlite")
    peers: dict[str, Peer] = {FTS5: fts}
    if tantivy_module() is not None:
        print("  peers: tantivy build …", flush=True)
        peers[TANTIVY], builds[TANTIVY] = _build(lambda: Tantivy.build(folder / "tantivy", read_docs(prep.tokens)), folder / "tantivy")
    prep.tokens.unlink()  # an intermediate (≈ the text's size again); the engines hold their own copies
    store = Store(index)
    try:
        engines: dict[str, Callable[[int], dict]] = {
            OURS: lambda i: search(store, mix[i], synonyms=synonyms),
            OURS_OFF: lambda i: search(store, mix[i], synonyms=synonyms, expand=False),
            **{name: _answers(peer, parsed) for name, peer in peers.items()},
        }
        print(f"  peers: {len(mix)} queries × {len(engines)} engines × {repeats} runs …", flush=True)
        got = measure_engines(engines, len(mix), repeats)
    finally:
        store.close()
        for peer in peers.values():
            peer.close()
    return summarize(mix, got, builds, prep, repeats)


def _pcts(values: list[float]) -> dict[str, float]:
    return {"p50": measure.percentile(values, 50), "p95": measure.percentile(values, 95)}


def summarize(mix: Sequence[str], got: dict[str, dict[str, list]], builds: dict[str, dict], prep: Prepared, repeats: int) -> dict:
    """The block's numbers: per engine percentiles and builds, ours as a ratio to each peer, per-query counts and times."""
    engines: dict[str, dict] = {}
    for name, g in got.items():
        cpu, wall = _pcts(g["cpu"]), _pcts(g["wall"])
        engines[name] = {"label": LABELS[name], **builds.get(name if name != OURS_OFF else OURS, {}),
                         "cpu_p50_ms": cpu["p50"], "cpu_p95_ms": cpu["p95"], "wall_p50_ms": wall["p50"], "wall_p95_ms": wall["p95"]}
    ratios = {f"{o}_vs_{p}": {k: engines[o][f"{k}_ms"] / engines[p][f"{k}_ms"] for k in ("cpu_p50", "cpu_p95", "wall_p50", "wall_p95")}
              for o in (OURS, OURS_OFF) for p in (FTS5, TANTIVY) if p in engines}
    queries: list[dict] = [{"q": q, "ctrl_f": prep.ctrl_f[i], "hits": {name: g["total"][i] for name, g in got.items()},
                "cpu_ms": {name: g["cpu"][i] for name, g in got.items()},
                "wall_ms": {name: g["wall"][i] for name, g in got.items()}} for i, q in enumerate(mix)]
    same = sum(q["hits"][FTS5] == q["hits"][TANTIVY] for q in queries) if TANTIVY in got else None
    return {"paragraphs": prep.paragraphs, "repeats": repeats, "word_cut_s": prep.cut_s, "sqlite": sqlite3.sqlite_version,
            "tantivy": _tantivy_version(), "engines": engines, "ratios": ratios, "queries": queries, "fts5_equals_tantivy": same}


def _tantivy_version() -> str:
    tv = tantivy_module()
    return TANTIVY_MISSING if tv is None else str(getattr(tv, "__version__", "")).split(",")[0].removeprefix("tantivy ")


def _f(value: object, spec: str = "{:.2f}") -> str:
    return spec.format(value) if isinstance(value, (int, float)) else "–"


def markdown(block: dict) -> str:
    """The peer tables of one corpus size, for RESULTS.md."""
    e, r = block["engines"], block["ratios"]
    tv_label = f"tantivy {block['tantivy']}" if TANTIVY in e else f"tantivy: {block['tantivy']}"  # version or why not
    lines = [f"### Peers · {block['paragraphs']:,} paragraphs · {len(block['queries'])} queries (bench/queries.py PEER_MIX), "
             f"median of {block['repeats']} runs after a warm-up", "",
             "| engine | build wall (s) | index (MB) | CPU p50 / p95 (ms) | wall p50 / p95 (ms) "
             "| ours ÷ this, CPU p50 / p95 | ours expand=False ÷ this, CPU p50 / p95 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name in (OURS, OURS_OFF, FTS5, TANTIVY):
        if name not in e:
            continue
        x = e[name]
        label = {FTS5: f"SQLite FTS5 {block['sqlite']}", TANTIVY: tv_label}.get(name, x["label"])
        build = "(same build)" if name == OURS_OFF else _f(x.get("build_s"), "{:.1f}")
        ratio = [f"{_f(r[f'{o}_vs_{name}']['cpu_p50'])}× / {_f(r[f'{o}_vs_{name}']['cpu_p95'])}×" if f"{o}_vs_{name}" in r else "–"
                 for o in (OURS, OURS_OFF)]
        lines.append(f"| {label} | {build} | {_f(x.get('index_mb'), '{:.1f}')} | {_f(x['cpu_p50_ms'])} / {_f(x['cpu_p95_ms'])} "
                     f"| {_f(x['wall_p50_ms'])} / {_f(x['wall_p95_ms'])} | {ratio[0]} | {ratio[1]} |")
    if TANTIVY not in e:
        lines.append(f"| {tv_label} | | | | | | |")
    same = block["fts5_equals_tantivy"]
    lines += ["", f"Peers' build times exclude the export + word cut they share ({block['word_cut_s']:.1f} s of jieba words; "
              "our reindex includes its own)." + (f" FTS5 = tantivy hit counts on {same} of {len(block['queries'])} queries."
                                                  if same is not None else ""), ""]
    cols = [n for n in (OURS, OURS_OFF, FTS5, TANTIVY) if n in e]
    short = {OURS: "ours", OURS_OFF: "ours, expand off", FTS5: "FTS5", TANTIVY: "tantivy"}
    lines += ["| query | " + " | ".join(short[c] for c in cols[:2]) + " | Ctrl-F over the text | "
              + " | ".join(short[c] for c in cols[2:]) + " | CPU ms: " + " / ".join(short[c] for c in cols) + " |",
              "|---|" + "---:|" * (len(cols) + 2)]
    for q in block["queries"]:
        hits = [f"{q['hits'][c]:,}" for c in cols]
        lines.append(f"| `{q['q']}` | " + " | ".join(hits[:2]) + f" | {q['ctrl_f']:,} | " + " | ".join(hits[2:])
                     + " | " + " / ".join(_f(q["cpu_ms"][c], "{:.1f}") for c in cols) + " |")
    return "\n".join([*lines, "", NOTES, ""])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _header(argv: list[str], load_start: float, repo: Path) -> str:
    facts = measure.machine_facts()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"## {when} · peers · commit {measure.git_commit(repo)}", "",
        f"Machine: {facts['cpus']} CPUs ({facts['cpu_model']}), {facts['ram_gb']} GB RAM, {facts['os']}, Python {facts['python']}; "
        f"load average at start {load_start:.1f}, at end {os.getloadavg()[0]:.1f}.",
        f"Command: `.venv/bin/python -m bench.peers {' '.join(argv)}`.",
    ])


def main(argv: list[str] | None = None) -> dict:
    """Generate (or reuse) the corpus, build our index (unless --reuse-index), run the peers, print and append."""
    from bench.generate import DEFAULT_BENCHDATA, DEFAULT_OUT, REPO_ROOT, ensure_corpus
    from indexer.index.build import build_index
    from indexer.index.store import read_current

    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"work folder for corpora and indexes [{DEFAULT_OUT}]")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--reuse-index", action="store_true", help="query the index a previous run built under --out")
    ap.add_argument("--results", type=Path, default=REPO_ROOT / "bench" / "RESULTS.md", help="markdown file to append to ('-' for none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the block as JSON here")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    corpus = ensure_corpus(args.paragraphs, args.out, args.seed, args.benchdata)
    index = args.out / f"index-{args.paragraphs}"
    ours_build: dict = {}
    if not (args.reuse_index and read_current(index) is not None):
        if index.exists():
            shutil.rmtree(index)
        print(f"== {args.paragraphs} paragraphs: our build …", flush=True)
        c0, k0, t0 = time.process_time(), _children_cpu(), time.perf_counter()
        build_index(corpus, index)
        ours_build = {"build_s": time.perf_counter() - t0, "build_cpu_s": time.process_time() - c0 + _children_cpu() - k0}
    block = run_peers(index, args.out / f"peers-{args.paragraphs}", repeats=args.repeats,
                      synonyms=shipped_synonyms(), ours_build=ours_build)
    text = "\n".join([_header(argv, load_start, REPO_ROOT), "", markdown(block)])
    print()
    print(text)
    if str(args.results) != "-":
        with args.results.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)
    if args.json:
        args.json.write_text(json.dumps(block, ensure_ascii=False, indent=1), encoding="utf-8")
    return block


if __name__ == "__main__":
    main()
