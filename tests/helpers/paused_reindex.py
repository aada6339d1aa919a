"""`python -m tests.helpers.paused_reindex PHASE CORPUS INDEX PROCS`: the real build, paused at PHASE.

The crash tests SIGKILL this process while it sleeps at a build phase; the pause comes in through
build_index's `checkpoint` callback, so production code carries no test hook.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from indexer.index.build import build_index

PAUSE_SECONDS = 600  # far longer than any test waits: the test kills us


def pause_at(wanted: str):
    """A checkpoint that announces `PAUSED <phase> pid=<pid>` on stderr and sleeps at the wanted phase."""

    def checkpoint(phase: str) -> None:
        if phase == wanted:
            sys.stderr.write(f"PAUSED {phase} pid={os.getpid()}\n")
            sys.stderr.flush()
            time.sleep(PAUSE_SECONDS)

    return checkpoint


def pause_until(wanted: str, resume: Path):
    """A checkpoint that announces `PAUSED <phase> pid=<pid>` at the wanted phase, then waits until the file
    resume exists (the test creates it to let the run go on)."""

    def checkpoint(phase: str) -> None:
        if phase == wanted:
            sys.stderr.write(f"PAUSED {phase} pid={os.getpid()}\n")
            sys.stderr.flush()
            deadline = time.monotonic() + PAUSE_SECONDS
            while not resume.exists() and time.monotonic() < deadline:
                time.sleep(0.05)

    return checkpoint


def main(argv: list[str]) -> None:
    """Build CORPUS into INDEX with PROCS writer processes, pausing at PHASE."""
    phase, corpus, index, procs = argv
    build_index(Path(corpus), Path(index), procs=int(procs), checkpoint=pause_at(phase))


if __name__ == "__main__":
    main(sys.argv[1:])
