"""`python -m tests.helpers.paused_update PHASE add|remove CORPUS INDEX ARG [TITLE [RESUME]]`: the real
add/remove, paused at PHASE.

The crash tests SIGKILL this process while it sleeps at a phase; the lock tests let it go on by creating
the file RESUME. The pause comes in through the `Hooks.checkpoint` callback, as any caller could pass it,
so production code carries no test hook. TITLE (an add's --title) may be "" for none.
"""

from __future__ import annotations

import sys
from pathlib import Path

from indexer.collection import Metadata, add_reports, remove_report
from indexer.index.update import Hooks
from tests.helpers.paused_reindex import pause_at, pause_until


def main(argv: list[str]) -> None:
    """Add ARG (a file) to, or remove ARG (a report id) from, CORPUS and INDEX, pausing at PHASE."""
    phase, command, corpus, index, arg, *more = argv
    title, resume = (more + ["", ""])[:2]
    hooks = Hooks(checkpoint=pause_until(phase, Path(resume)) if resume else pause_at(phase))
    if command == "add":
        add_reports([Path(arg)], Path(corpus), Path(index), Metadata(title=title or None), hooks=hooks)
    else:
        remove_report(arg, Path(corpus), Path(index), hooks=hooks)
    sys.stderr.write("DONE\n")


if __name__ == "__main__":
    main(sys.argv[1:])
