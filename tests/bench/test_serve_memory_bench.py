"""Smoke run of bench/serve_memory.py on the session's index of the bundled corpus: it serves, loads and reads every
process's memory (no figure asserted beyond being there and adding up)."""

from __future__ import annotations

from pathlib import Path

from bench.serve_memory import main


def test_the_served_memory_benchmark_runs(seed_index: Path, repo_corpus: Path, tmp_path: Path) -> None:
    r = main(["--index", str(seed_index), "--corpus", str(repo_corpus), "--requests", "60", "--workers", "2",
              "--log", str(tmp_path / "serve.log")])
    assert r["requests"] == 60 and r["errors"] == 0
    for phase in ("idle", "loaded"):
        assert len(r[phase]) == 3 and "supervisor" in r[phase]  # the supervisor and its two workers
        for process in r[phase].values():
            assert process["Pss"] > 0 and process["Pss_Anon"] + process["Pss_File"] <= process["Pss"] + 1
        assert r["tree_pss_mb"][phase] == sum(p["Pss"] for p in r[phase].values()) / 1024
    assert r["cpu_ms_per_request"] > 0
