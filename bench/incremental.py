"""Incremental indexing benchmark: one added, changed or removed report against a full rebuild, in one run.

Each step is the real console command in a subprocess, timed from start to exit (Python start-up and
jieba's dictionary load included): when `add` returns, the report is searchable (the step checks it
with `reportsearch search`). CPU time is the children's user+sys (all processes of the step).

    .venv/bin/python -m bench.incremental --paragraphs 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import DEFAULT_BENCHDATA, DEFAULT_OUT

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "bench" / "RESULTS.md"


def timed(*args: str | Path) -> tuple[float, float, str]:
    """(wall s, CPU s of the process tree, stdout) of one reportsearch command; fails loudly on an error exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from webapp.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", cwd=REPO_ROOT)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args[0]} failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def found(index: Path, query: str) -> int:
    """Hits for query in the index, through the search CLI."""
    _wall, _cpu, out = timed("search", query, "--index", index, "--json")
    return int(json.loads(out)["total"])


def run(paragraphs: int, out: Path, benchdata: Path) -> dict:
    corpus_src = out / f"corpus-{paragraphs}"
    if not (corpus_src / "catalog.toml").is_file():
        subprocess.run([sys.executable, "-m", "bench.generate", "--paragraphs", str(paragraphs), "--out",
                        str(corpus_src), "--benchdata", str(benchdata)], check=True, cwd=REPO_ROOT)
    work = out / f"incremental-{paragraphs}"
    shutil.rmtree(work, ignore_errors=True)
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(corpus_src, corpus)
    rows: dict[str, tuple[float, float]] = {}
    wall, cpu, _ = timed("reindex", "--full", "--quiet", "--corpus", corpus, "--index", index)
    rows["full reindex"] = (wall, cpu)
    # A new report: an existing one's text under a new name that sorts in the middle of the corpus, for a
    # new institution (so the search below can only find the new report).
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md"))
    model = files[len(files) // 2]
    text = model.read_text(encoding="utf-8")
    download = work / "downloads" / (model.stem + "-added.txt")
    download.parent.mkdir()
    download.write_text("本报告由测试县人民法院提交。\n\n" + text, encoding="utf-8")
    wall, cpu, _ = timed("add", download, "--institution", "测试县人民法院", "--year", "2024", "--quiet",
                         "--corpus", corpus, "--index", index)
    rows["add one report"] = (wall, cpu)
    assert found(index, "测试县人民法院") >= 1, "the added report is not searchable"
    changed = files[len(files) // 3]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n本段为基准测试追加的新段落，内容为甲乙丙丁戊己庚辛。\n",
                       encoding="utf-8")
    wall, cpu, _ = timed("reindex", "--quiet", "--corpus", corpus, "--index", index)
    rows["reindex, one report changed"] = (wall, cpu)
    assert found(index, "甲乙丙丁戊己庚辛") == 1, "the changed report is not searchable"
    wall, cpu, _ = timed("remove", download.stem, "--quiet", "--corpus", corpus, "--index", index)
    rows["remove one report"] = (wall, cpu)
    assert found(index, "测试县人民法院") == 0, "the removed report is still found"
    wall, cpu, _ = timed("reindex", "--quiet", "--corpus", corpus, "--index", index)
    rows["reindex, nothing changed"] = (wall, cpu)
    meta = json.loads((index / "builds" / (index / "CURRENT").read_text().strip() / "build.json").read_text())
    shutil.rmtree(work, ignore_errors=True)
    return {"paragraphs": meta["counts"]["paragraphs"], "reports": meta["counts"]["reports"], "rows": rows}


def block(result: dict) -> str:
    """The markdown section appended to bench/RESULTS.md."""
    full_wall, full_cpu = result["rows"]["full reindex"]
    lines = [
        f"\n## Incremental indexing, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"(`python -m bench.incremental`, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)\n",
        f"{result['paragraphs']:,} paragraphs, {result['reports']:,} reports. Each step is the console command "
        "from start to exit; the report is searchable when it returns.\n",
        "| step | wall s | CPU s | wall vs full reindex |",
        "|---|---:|---:|---:|",
    ]
    for name, (wall, cpu) in result["rows"].items():
        lines.append(f"| {name} | {wall:.1f} | {cpu:.1f} | {wall / full_wall:.3f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and append its table to bench/RESULTS.md."""
    ap = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    ap.add_argument("--no-record", action="store_true", help="print the table only")
    args = ap.parse_args(argv)
    text = block(run(args.paragraphs, args.out, args.benchdata))
    print(text)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
