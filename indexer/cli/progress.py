"""A progress line on stderr for long runs (reindex, add): files parsed (and the page a scan is at), paragraphs
written, rate and ETA.

Shown only when stderr is a terminal (and not --quiet): logs and pipes get no control characters.
Counters live in shared memory so forked parse and writer processes update them; a thread of the main
process redraws the line a few times a second.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import TextIO

from indexer.index.update import Hooks

REDRAW_SECONDS = 0.25


class Progress:
    """Use as a context manager around a run; pass `hooks()` to update_index / add_reports / remove_report."""

    def __init__(self, stream: TextIO, total_files: int = 0) -> None:
        self.stream = stream
        self.total_files = total_files
        self.files = multiprocessing.Value("q", 0)
        self.parsed = multiprocessing.Value("q", 0)  # paragraphs of the parsed files: the writing phase's total
        self.written = multiprocessing.Value("q", 0)
        self.page = multiprocessing.Array("q", 2)  # OCR: the page being read of the file's pages (0, 0: none)
        self.phase = "parsing"
        self.phase_started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = 0

    def _on_files(self, total: int) -> None:
        self.total_files = total  # in the main process, before the parse forks

    def _on_file(self, paragraphs: int) -> None:
        with self.files.get_lock():
            self.files.value += 1
        with self.parsed.get_lock():
            self.parsed.value += paragraphs

    def _on_page(self, done: int, total: int) -> None:
        with self.page.get_lock():
            self.page[0], self.page[1] = (done, total) if done < total else (0, 0)  # the file's last page: done

    def _on_docs(self, count: int) -> None:
        with self.written.get_lock():
            self.written.value += count

    def hooks(self, checkpoint=None) -> Hooks:  # noqa: ANN001 - an optional Checkpoint
        """Hooks that feed this progress line (and pass phases on to checkpoint)."""

        def phase(name: str) -> None:
            if name == "writing":
                self.phase, self.phase_started = "writing", time.monotonic()
            if checkpoint is not None:
                checkpoint(name)

        return Hooks(checkpoint=phase, on_files=self._on_files, on_file=self._on_file, on_docs=self._on_docs,
                     on_page=self._on_page)

    def line(self) -> str:
        """The current progress text."""
        elapsed = max(time.monotonic() - self.phase_started, 1e-6)
        if self.phase == "writing":
            done, total = self.written.value, max(self.parsed.value, 1)
            rate = done / elapsed
            eta = f"ETA {(total - done) / rate:,.0f} s" if rate > 0 and done < total else ""
            bar = "#" * int(20 * min(done, total) / total)
            return f"writing [{bar:<20}] {done:,}/{total:,} paragraphs, {rate:,.0f}/s {eta}".rstrip()
        done, total = self.files.value, max(self.total_files, 1)
        rate = done / elapsed
        eta = f"ETA {(total - done) / rate:,.0f} s" if rate > 0 and done < total else ""
        bar = "#" * int(20 * min(done, total) / total)
        page, pages = self.page[0], self.page[1]
        ocr = f", OCR page {page + 1:,}/{pages:,}" if pages else ""  # the page being read now
        return (f"parsing [{bar:<20}] {done:,}/{self.total_files:,} files, {self.parsed.value:,} paragraphs{ocr}, "
                f"{rate:,.1f} files/s {eta}").rstrip()

    def _draw(self) -> None:
        text = self.line()
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(REDRAW_SECONDS):
            self._draw()

    def __enter__(self) -> Progress:
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._draw()
        self.stream.write("\n")
        self.stream.flush()
