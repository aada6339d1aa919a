"""Reindex the bundled corpus plus every hostile file of the tests: wall time and peak memory (issue 18).

    .venv/bin/python -m bench.hostile [--results bench/RESULTS.md] [--keep DIR]

The hostile files are generated into a temporary corpus next to a copy of corpus/ (never stored): the
files of issue 18 items 1–3 at the sizes the issue measured (48 × 市; a 120 KB zip whose document.xml is
60 MiB of <x a="1"/>, named .doc; a 2.8 MB web page named .doc; 234 KB of unclosed `<p `), an 80 MiB zip
bomb, and every input of tests/ingest/test_hostile_growth.py at the larger size it is timed at
(tests/helpers/hostile_files.py, loaded by path: bench is not a test package). `reportsearch reindex`
runs in a child process; we report its wall time, its CPU time, the peak RSS of the reindex process itself
and of its largest child (getrusage, exact) and the peak summed PSS of the whole process tree (sampled
every 0.25 s). Goals: a few seconds, the reindex process under 0.5 GB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import types
from datetime import datetime, timezone
from pathlib import Path

from bench import measure

REPO_ROOT = Path(__file__).resolve().parent.parent
HELPERS = REPO_ROOT / "tests" / "helpers" / "hostile_files.py"
# Runs the CLI in this process and, at exit, writes its own peak RSS and its largest child's (KB on Linux).
WRAPPER = """
import atexit, json, resource, sys
usage_path = sys.argv[1]
def report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(usage_path, "w") as out:
        json.dump({"self_kb": own, "children_kb": children}, out)
atexit.register(report)
sys.argv = ["reportsearch", *sys.argv[2:]]
from webapp.cli import main
main()
"""


def _hostile_files() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_files", HELPERS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_corpus(root: Path) -> dict[str, int]:
    """The bundled corpus plus the hostile files in root/corpus; returns {file name: bytes} of the hostile ones."""
    hf = _hostile_files()
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    files = {**hf.issue_files(), **hf.growth_files()}
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    return {name: len(data) for name, data in files.items()}


def run(root: Path) -> dict:
    """Reindex root/corpus into root/index in a child process; the figures and the reindex summary."""
    usage = root / "usage.json"
    cmd = [sys.executable, "-c", WRAPPER, str(usage), "reindex", "--corpus", str(root / "corpus"), "--index", str(root / "index")]
    child = measure.run_child(cmd, timeout=1800, max_tree_mb=8 * 1024)
    peaks = json.loads(usage.read_text()) if usage.exists() else {"self_kb": 0, "children_kb": 0}
    return {
        "exit": child.returncode, "wall_s": child.seconds, "cpu_s": child.cpu_s,
        "reindex_peak_mb": peaks["self_kb"] / 1024, "largest_child_peak_mb": peaks["children_kb"] / 1024,
        "tree_pss_peak_mb": child.tree_peak_mb, "aborted": child.aborted, "output": child.stdout + child.stderr,
    }


def skipped(output: str) -> list[str]:
    """The "  - file: reason" lines of the reindex summary's skipped list."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("skipped")), len(lines))
    out = []
    for line in lines[start + 1:]:
        if not line.startswith("  - "):
            break
        out.append(line[4:])
    return out


def report(files: dict[str, int], result: dict) -> str:
    """A dated Markdown section for bench/RESULTS.md."""
    facts = measure.machine_facts()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    skips = skipped(result["output"])
    lines = [
        f"## {when} · hostile files (issue 18) · commit {measure.git_commit(REPO_ROOT)}",
        "",
        f"`python -m bench.hostile`: the 3 bundled reports plus {len(files)} hostile files ({sum(files.values()) / 2**20:.1f} MiB;"
        f" tests/helpers/hostile_files.py), one `reportsearch reindex`. {facts['cpus']} CPUs ({facts['cpu_model']}),"
        f" Python {facts['python']}.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| wall time | {result['wall_s']:.1f} s |",
        f"| CPU time (reindex and its children) | {result['cpu_s']:.1f} s |",
        f"| peak RSS of the reindex process | {result['reindex_peak_mb']:.0f} MB |",
        f"| peak RSS of its largest child (a parsing child) | {result['largest_child_peak_mb']:.0f} MB |",
        f"| peak summed PSS of the process tree (sampled) | {result['tree_pss_peak_mb']:.0f} MB |",
        f"| exit code / files skipped | {result['exit']} / {len(skips)} |",
        "",
        "Skipped, with the reason shown:",
        "",
        *[f"- {line}" for line in skips],
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, reindex it, print (and optionally append) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="append the section to this file (e.g. bench/RESULTS.md)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reportsearch-hostile-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        files = build_corpus(root)
        result = run(root)
    if result["aborted"] or result["exit"] not in (0, 1):
        print(result["output"][-3000:], file=sys.stderr)
        print(f"reindex failed: exit {result['exit']} {result['aborted']}", file=sys.stderr)
        return 2
    section = report(files, result)
    print(section)
    if args.results:
        with args.results.open("a", encoding="utf-8") as out:
            out.write("\n" + section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
