"""Progress on stderr: a redrawn line (files, paragraphs, rate, ETA) on a terminal; nothing in a pipe or with --quiet."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO_ROOT


def run(args: list[str], *, tty: bool) -> tuple[int, str, str]:
    """The real console entry point; stderr on a pseudo-terminal when tty, else a pipe. (code, stdout, stderr)."""
    cmd = [sys.executable, "-c", "from webapp.cli import main; main()", *args]
    if not tty:
        done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", cwd=REPO_ROOT, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, cwd=REPO_ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out = proc.stdout.read().decode("utf-8")
    proc.stdout.close()
    code = proc.wait(timeout=300)
    os.close(master)
    return code, out, b"".join(chunks).decode("utf-8", errors="replace")


def test_a_terminal_gets_a_progress_line(corpus: Path, tmp_path: Path) -> None:
    code, out, err = run(["reindex", "--corpus", str(corpus), "--index", str(tmp_path / "ix")], tty=True)
    assert code == 0, out + err
    paragraphs = int(re.search(r"indexed 3 reports, (\d+) paragraphs", out).group(1))
    assert "\r" in err  # redrawn in place
    last = err.strip().split("\r")[-1]
    assert re.search(rf"writing \[#{{20}}\] {paragraphs:,}/{paragraphs:,} paragraphs, [\d,]+/s", last), err


def test_a_pipe_or_quiet_gets_none(corpus: Path, tmp_path: Path) -> None:
    code, out, err = run(["reindex", "--corpus", str(corpus), "--index", str(tmp_path / "ix")], tty=False)
    assert code == 0 and err == "" and "indexed 3 reports" in out
    code, out, err = run(["reindex", "--quiet", "--corpus", str(corpus), "--index", str(tmp_path / "ix")], tty=True)
    assert code == 0 and err == "" and "indexed 3 reports" in out


def test_progress_counts_files_during_parsing() -> None:
    import io

    from indexer.cli.progress import Progress

    progress = Progress(io.StringIO(), total_files=4)
    hooks = progress.hooks()
    hooks.on_file(10)
    hooks.on_file(30)
    assert re.fullmatch(r"parsing \[#{10}\s{10}\] 2/4 files, 40 paragraphs, [\d.,]+ files/s ETA \d+ s", progress.line())
    hooks.checkpoint("writing")
    hooks.on_docs(10)
    assert re.fullmatch(r"writing \[#{5}\s{15}\] 10/40 paragraphs, [\d,]+/s ETA \d+ s", progress.line())
