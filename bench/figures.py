"""Figures (issue 23): precision/recall on the hand labels, and what extraction costs in a reindex.

    .venv/bin/python -m bench.figures --labels
    .venv/bin/python -m bench.figures --paragraphs 10000 100000 --out /tmp/reportsearch-bench
    .venv/bin/python -m bench.figures --paragraphs 100000 --extractor source   # the same from the Python source
    .venv/bin/python -m bench.figures --sample 30 --seed 7 --paragraphs 10000   # paragraphs to check by hand

Cost: `reportsearch reindex` of the generated corpus (bench/run.py's ensure_corpus, seed 20240101) in a
subprocess, fresh index; build.json records the wall and CPU seconds of the figures (extraction + writing,
done by each segment writer process once its segments are written): the CPU seconds are exactly what figures
add to the reindex, the wall seconds the longest writer's extraction. On a machine shared with other work
the CPU ratio is the fair one (the wall times stretch with the load). Also: extraction alone in this process (one
core, CPU seconds, corpus already parsed) and the size of the figures folder.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import measure
from bench.figure_labels import field_agreement, load_labels, score_canonical, score_triples
from bench.generate import DEFAULT_BENCHDATA, DEFAULT_OUT
from bench.run import ensure_corpus, reportsearch_command
from indexer.compiled import extractor_kind
from indexer.figures.catalog import CATALOG_FILE
from indexer.figures.extract import paragraph_figures
from indexer.figures.metrics import load_metrics
from indexer.figures.store import FIGURES_DIR
from indexer.index.store import BUILDS, META, read_current
from indexer.ingest.corpus import load_corpus
from indexer.limits import MAX_FIGURE_ROWS

REPO = Path(__file__).resolve().parent.parent


def labels_table() -> str:
    """The precision/recall table on the bundled reports' labels, as markdown."""
    table = load_metrics()
    reports = load_corpus(REPO / "corpus").reports
    extracted = [f.to_dict() for r in reports for p in r.paragraphs for f in paragraph_figures(p, table)]
    labels = load_labels()
    triples, canonical = score_triples(extracted, labels), score_canonical(extracted, labels)
    with_digits = [f for f in labels if any(c.isdigit() for c in f["span"])]
    digits = score_triples([f for f in extracted if any(c.isdigit() for c in f["span"])], with_digits)
    numbers = score_triples([{**f, "metric": ""} for f in extracted], [{**f, "metric": ""} for f in labels])
    lines = [
        "| on the 3 bundled reports (103 paragraphs) | labelled | extracted | matched | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
        f"| (metric, value, unit) triples | {triples.labelled} | {triples.extracted} | {triples.matched} | "
        f"{triples.precision:.3f} | {triples.recall:.3f} |",
        f"| … of them written with Arabic digits | {digits.labelled} | {digits.extracted} | {digits.matched} | "
        f"{digits.precision:.3f} | {digits.recall:.3f} |",
        f"| (value, unit) pairs, metric phrase not compared | {numbers.labelled} | {numbers.extracted} | "
        f"{numbers.matched} | {numbers.precision:.3f} | {numbers.recall:.3f} |",
        f"| canonical metric assigned | {canonical.labelled} | {canonical.extracted} | {canonical.matched} | "
        f"{canonical.precision:.3f} | {canonical.recall:.3f} |",
        "",
        f"Metric phrases of the matched triples: {dict(triples.agreement)} (bench/figure_labels.py: equal; one contains "
        "the other and is ≥ 1/3 of it; bigram Dice ≥ 0.5).",
        "Of the matched figures, agreeing with the label on: "
        + ", ".join(f"{name} {ok}/{len(triples.pairs)}" for name, (ok, _) in field_agreement(triples.pairs).items()) + ".",
    ]
    for title, figures in (("Labelled, not extracted", triples.misses), ("Extracted, not labelled", triples.extras)):
        for f in figures:
            lines.append(f"- {title}: `{f['paragraph']}` {f['span']} — {f['metric']}")
    return "\n".join(lines)


# How a child runs the extractor: as the install built it (compiled where it could), or from its .py files.
EXTRACTORS = {"installed": "", "source": "from indexer import compiled; compiled.use_pure_python(); "}


def reindex_command(extractor: str) -> list[str]:
    """`reportsearch` as installed, or the same command with the figures extractor run from its source."""
    if extractor == "installed":
        return reportsearch_command()
    return [sys.executable, "-c", EXTRACTORS[extractor] + "from webapp.cli import main; main()"]


def extraction_alone(corpus: Path) -> dict:
    """Extract every figure of corpus in this process (one core, corpus already parsed): CPU seconds and counts."""
    table = load_metrics()
    paragraphs = [p for r in load_corpus(corpus, processes=1).reports for p in r.paragraphs]
    started = time.process_time()
    count = sum(len(paragraph_figures(p, table)) for p in paragraphs)
    return {"alone_cpu_s": time.process_time() - started, "alone_figures": count, "paragraphs": len(paragraphs),
            "extractor": extractor_kind()}


# Figure queries as the /figures page and /api/figures make them (the first canonical metric of each kind, a phrase,
# one institution, a year, nothing); each timed on its second run (the first loads the build's tables).
QUERIES = (("a rare canonical metric (结案率)", {"metric": "结案率"}),
           ("a common canonical metric (审结案件)", {"metric": "cases_concluded"}),
           ("a canonical metric and a year", {"metric": "执行到位金额", "year": "2020"}), ("a phrase (审结)", {"metric": "审结"}),
           ("one institution", {"institutions": "first"}), ("a year", {"year": "2019"}), ("no filter", {}))


def query_costs(index: Path, catalog: bool) -> dict[str, float]:
    """CPU milliseconds of each of QUERIES through /api/figures' code, with the build's catalog or without it."""
    from indexer.index.store import Store
    from indexer.search.features.figures import figures

    folder = index / BUILDS / read_current(index) / FIGURES_DIR
    hidden = folder / (CATALOG_FILE + ".hidden")
    if not catalog:
        (folder / CATALOG_FILE).rename(hidden)
    try:
        store = Store(index)
        first = store.current().meta["reports"][0]["institution"]
        out = {}
        for label, kw in QUERIES:
            kw = {**kw, "institutions": [first]} if kw.get("institutions") == "first" else kw
            figures(store, limit=MAX_FIGURE_ROWS, **kw)
            started = time.process_time()
            figures(store, limit=MAX_FIGURE_ROWS, **kw)
            out[label] = (time.process_time() - started) * 1000
        return out
    finally:
        if not catalog:
            hidden.rename(folder / CATALOG_FILE)


def cost(n: int, args: argparse.Namespace) -> dict:
    """Reindex the n-paragraph generated corpus; the figures phase's share of it."""
    corpus = ensure_corpus(n, args.corpora, args.seed, args.benchdata)
    index = args.out / f"figures-idx-{n}"
    shutil.rmtree(index, ignore_errors=True)
    run = measure.run_child([*reindex_command(args.extractor), "reindex", "-q", "--corpus", str(corpus), "--index", str(index)],
                            timeout=3600)
    if run.returncode != 0:
        raise RuntimeError(f"reindex exited {run.returncode}: {run.stderr[-2000:]}")
    build = index / BUILDS / read_current(index)
    meta = json.loads((build / META).read_text(encoding="utf-8"))
    figures = meta["figures"]
    code = (EXTRACTORS[args.extractor] + "import json; from bench.figures import extraction_alone; "
            f"print(json.dumps(extraction_alone({str(corpus)!r})))")
    alone = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                      cwd=REPO).stdout)
    return {
        "paragraphs": meta["counts"]["paragraphs"], "reindex_s": run.seconds, "reindex_cpu_s": run.cpu_s,
        "figures_s": figures["seconds"], "figures_cpu_s": figures["cpu_seconds"], "figures": figures["count"],
        "extractor": figures.get("extractor", "python"), "alone_extractor": alone["extractor"],
        "procs": meta["procs"], "cpu_share": figures["cpu_seconds"] / run.cpu_s,
        "cpu_added": figures["cpu_seconds"] / (run.cpu_s - figures["cpu_seconds"]),
        "share": figures["seconds"] / run.seconds, "added": figures["seconds"] / (run.seconds - figures["seconds"]),
        "alone_cpu_s": alone["alone_cpu_s"], "alone_figures": alone["alone_figures"],
        "per_paragraph_us": alone["alone_cpu_s"] / alone["paragraphs"] * 1e6,
        "folder_mb": measure.dir_size(build / FIGURES_DIR) / 2**20, "index_mb": measure.dir_size(build) / 2**20,
        "queries_ms": query_costs(index, catalog=True), "queries_ms_no_catalog": query_costs(index, catalog=False),
    }


def cost_table(results: list[dict]) -> str:
    """The cost rows as markdown, one column per size."""
    rows = [
        ("paragraphs", "paragraphs", "{:,}"), ("extractor (indexer/compiled.py)", "extractor", "{}"),
        ("reindex wall (s)", "reindex_s", "{:.1f}"),
        ("reindex CPU, all processes (s)", "reindex_cpu_s", "{:.1f}"),
        ("figures wall in the writers (the longest writer's, s)", "figures_s", "{:.2f}"), ("… processes", "procs", "{}"),
        ("**figures wall / reindex wall** (goal ≤ 10 % at 100k)", "share", "{:.1%}"),
        ("figures wall / the rest of the reindex (wall)", "added", "{:.1%}"),
        ("figures CPU, all writers (s)", "figures_cpu_s", "{:.2f}"),
        ("**figures CPU / reindex CPU** (independent of load)", "cpu_share", "{:.1%}"),
        ("**figures CPU / the rest of the reindex's CPU** (what they add)", "cpu_added", "{:.1%}"),
        ("figures extracted", "figures", "{:,}"),
        ("extraction alone, one process, CPU (s)", "alone_cpu_s", "{:.2f}"),
        ("… per paragraph (µs)", "per_paragraph_us", "{:.0f}"),
        ("figures folder (MB) / whole build (MB)", None, ""),
    ]
    out = ["| | " + " | ".join(f"{r['paragraphs']:,}" for r in results) + " |", "|---|" + "---:|" * len(results)]
    for label, key, spec in rows:
        if key is None:
            cells = [f"{r['folder_mb']:.1f} / {r['index_mb']:.0f}" for r in results]
        else:
            cells = [spec.format(r[key]) for r in results]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out += ["", "| figure query, CPU ms (second run) | " + " | ".join(f"{r['paragraphs']:,}: with the catalog / reading every file"
                                                               for r in results) + " |",
            "|---|" + "---:|" * len(results)]
    for label, _ in QUERIES:
        out.append(f"| {label} | " + " | ".join(f"{r['queries_ms'][label]:.0f} / {r['queries_ms_no_catalog'][label]:.0f}"
                                               for r in results) + " |")
    return "\n".join(out)


def sample(n: int, count: int, seed: int, args: argparse.Namespace) -> None:
    """Print `count` random generated paragraphs that state at least one figure, with what was extracted."""
    corpus = ensure_corpus(n, args.corpora, args.seed, args.benchdata)
    table = load_metrics()
    paragraphs = [p for r in load_corpus(corpus, processes=1).reports for p in r.paragraphs]
    found = {p.id: paragraph_figures(p, table) for p in paragraphs}
    chosen = random.Random(seed).sample([p for p in paragraphs if found[p.id]], count)
    for k, p in enumerate(chosen, 1):
        print(f"\n## {k}. {p.id} {p.institution} {p.years[0]}–{p.years[-1]}\n{p.text}")
        for f in found[p.id]:
            flags = " ".join(x for x in (f.kind, f.direction or "", f.approx or "", f.canonical or "",
                                         "分别" if f.respectively else "") if x)
            print(f"   [{f.span}] {f.value} {f.unit} | {f.metric} | {flags} | {f.years[0]}–{f.years[-1]}")


def main(argv: list[str] | None = None) -> list[dict]:
    """Run what the arguments ask for; the cost results (one per --paragraphs size)."""
    ap = argparse.ArgumentParser(prog="python -m bench.figures", description=__doc__.splitlines()[0])
    ap.add_argument("--labels", action="store_true", help="precision and recall on the hand labels")
    ap.add_argument("--paragraphs", nargs="*", type=int, default=[], help="generated corpus sizes to reindex")
    ap.add_argument("--corpora", type=Path, default=DEFAULT_OUT, help=f"where the generated corpora are [{DEFAULT_OUT}]")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the indexes are built")
    ap.add_argument("--seed", type=int, default=20240101, help="the corpus generator's seed")
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    ap.add_argument("--sample", type=int, default=0, help="print this many random paragraphs with figures instead")
    ap.add_argument("--sample-seed", type=int, default=1)
    ap.add_argument("--extractor", choices=sorted(EXTRACTORS), default="installed",
                    help="the figures extractor as installed (compiled where the install could) or from its Python source")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if args.sample:
        sample(args.paragraphs[0] if args.paragraphs else 10_000, args.sample, args.sample_seed, args)
        return []
    if args.labels:
        print(labels_table())
    results: list[dict] = []
    if args.paragraphs:
        args.out.mkdir(parents=True, exist_ok=True)
        for n in args.paragraphs:
            print(f"reindex {n:,} paragraphs …", file=sys.stderr, flush=True)
            results.append(cost(n, args))
        print(cost_table(results))
        print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
