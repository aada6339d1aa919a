"""Test entry point: `add` or `remove` with a checkpoint that stops at one phase so a test can SIGKILL it there.

usage: python tests/engine/pausing_entry.py PHASE add|remove CORPUS INDEX ARG
Production code has no test hooks: the phase callback is passed in here, as any caller could.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from indexer.collection import add_reports, remove_report
from indexer.index.update import Hooks


def main() -> None:
    phase, command, corpus, index, arg = sys.argv[1:6]

    def checkpoint(name: str) -> None:
        if name == phase:
            sys.stderr.write(f"PAUSED {name}\n")
            sys.stderr.flush()
            time.sleep(600)

    hooks = Hooks(checkpoint=checkpoint)
    if command == "add":
        add_reports([Path(arg)], Path(corpus), Path(index), hooks=hooks)
    else:
        remove_report(arg, Path(corpus), Path(index), hooks=hooks)
    sys.stderr.write("DONE\n")


if __name__ == "__main__":
    main()
