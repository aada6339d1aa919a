"""The figures of a build: extracted when it is written, stored beside it, read back in report order.

Layout: `<build>/figures/<sha1 of the report id>.jsonl`, one file per report that states any figure: a header
line `{"fields": [...]}` naming Figure's fields, then one JSON array of those values per figure (half the
bytes and the encoding time of an object per line; a reader maps values to names by the header, so a
build written with fewer or more fields still reads). A report's figures live and die with its paragraphs: an incremental
build hard-links the previous build's file for every report it reuses, extracts the changed and new ones,
and leaves the removed ones behind, exactly as it does with segments. A full build extracts in its segment
writer processes once their segments are written (FigureWriter), an incremental one in processes of its own
(write_figures). build.json records `figures: {fingerprint, count, seconds, cpu_seconds, extractor, per_report}`; the
fingerprint covers metrics.toml and the extractor's version, so a change of either makes the next reindex a
full one (as a change of the themes does).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from indexer.compiled import extractor_kind
from indexer.figures.catalog import read_entries, report_entry, write_catalog
from indexer.figures.extract import paragraph_rows
from indexer.figures.metrics import MetricTable, load_metrics
from indexer.figures.model import FIELD_NAMES, Figure
from indexer.forking import fork_map
from indexer.model import Report

FIGURES_DIR = "figures"
HEADER = json.dumps({"fields": FIELD_NAMES})
# Bump when extraction rules change what a paragraph yields: builds recorded with another version are
# rebuilt in full by the next reindex instead of keeping their reports' old figures.
EXTRACTOR_VERSION = 1


def figures_fingerprint(table: MetricTable) -> str:
    """What a build's figures depend on besides the paragraphs: the extractor's version and metrics.toml."""
    return hashlib.sha256(f"{EXTRACTOR_VERSION}\n{table.fingerprint}".encode()).hexdigest()


def report_file(report_id: str) -> str:
    """The file name of a report's figures (a hash: report ids may be long or unusual for a file system)."""
    return hashlib.sha1(report_id.encode("utf-8", "surrogatepass")).hexdigest() + ".jsonl"


def line_encoder() -> Callable[[tuple], str]:
    """row → its JSON text, exactly as json.JSONEncoder(ensure_ascii=False).encode(row) gives it, cheaper.

    That method (and json.dumps) builds json's C encoder anew for every call, a third of the cost of a
    figure's row; this builds it once. It is json's own fast path with its own arguments (no circular-
    reference check: a row is flat); without the C accelerator, the plain method."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False).encode
    default = json.JSONEncoder().default  # raises TypeError, as the plain method does
    encoder = make(None, default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda row: "".join(encoder(row, 0))


def _write_report(folder: Path, report: Report, table: MetricTable, encode: Callable[[tuple], str]) -> tuple[int, dict | None]:
    """Extract and write one report's figures; the number written (no file when 0) and its catalog entry."""
    rows = [row for p in report.paragraphs for row in paragraph_rows(p, table)]
    if not rows:
        return 0, None
    (folder / report_file(report.id)).write_text("\n".join([HEADER, *map(encode, rows)]) + "\n", encoding="utf-8")
    return len(rows), report_entry(rows)


def _write_reports(folder: Path, reports: Sequence[Report], table: MetricTable) -> tuple[dict[str, int], dict[str, dict]]:
    """Figures written per report id and the reports' catalog entries (reports with none left out of both)."""
    # Extraction makes many short-lived objects and no reference cycles: reference counting frees them all,
    # and the cyclic collector's passes (over the build's parsed reports too, in a writer) are pure cost.
    collecting = gc.isenabled()
    gc.disable()
    counts: dict[str, int] = {}
    entries: dict[str, dict] = {}
    encode = line_encoder()
    try:
        for report in reports:
            n, entry = _write_report(folder, report, table, encode)
            if entry is not None:
                counts[report.id], entries[report.id] = n, entry
    finally:
        if collecting:
            gc.enable()
    return counts, entries


def _chunks(reports: Sequence[Report], parts: int) -> list[Sequence[Report]]:
    """reports cut into at most `parts` runs of about equal paragraph counts."""
    total = sum(len(r.paragraphs) for r in reports)
    out: list[Sequence[Report]] = []
    start, size = 0, 0
    for i, report in enumerate(reports):
        size += len(report.paragraphs)
        if size * parts >= total * (len(out) + 1) and len(out) < parts - 1:
            out.append(reports[start:i + 1])
            start = i + 1
    out.append(reports[start:])
    return [c for c in out if c]


def write_figures(build_dir: Path, reports: Sequence[Report], *, table: MetricTable | None = None,
                  previous: tuple[Path, dict] | None = None, procs: int = 1) -> dict:
    """Write the figures of every report into build_dir/figures; returns the record build.json keeps.

    Reports without paragraphs are the ones an incremental build reuses: `previous` is (the previous build
    folder, its build.json figures record) and their files are hard-linked from it. procs > 1 extracts in
    that many forked processes (the build's writer count: one below build.PARALLEL_MIN_PARAGRAPHS).
    """
    started, cpu = time.monotonic(), _cpu_seconds()
    table = table or load_metrics()
    folder = build_dir / FIGURES_DIR
    folder.mkdir()
    counts: dict[str, int] = {}
    entries: dict[str, dict] = {}
    old_counts = previous[1].get("per_report", {}) if previous is not None else {}
    old_entries = (read_entries(previous[0] / FIGURES_DIR) if previous is not None else None) or {}
    for report in reports:
        if not report.paragraphs and previous is not None and old_counts.get(report.id):
            name = report_file(report.id)
            os.link(previous[0] / FIGURES_DIR / name, folder / name)
            counts[report.id] = old_counts[report.id]
            # a previous build without a catalog (or without this entry): made from the file it links
            entries[report.id] = old_entries.get(report.id) or report_entry(f.row() for f in _file_figures(folder / name))
    parsed = [r for r in reports if r.paragraphs]
    if procs > 1 and len(parsed) > 1:
        results = fork_map(lambda chunk: _write_reports(folder, chunk, table), _chunks(parsed, procs))
    else:
        results = [_write_reports(folder, parsed, table)]
    for found, made in results:
        counts.update(found)
        entries.update(made)
    write_catalog(folder, entries)
    # CPU: this process and its forked extractors
    return _record(table, reports, counts, time.monotonic() - started, _cpu_seconds() - cpu)


def _record(table: MetricTable, reports: Sequence[Report], counts: dict[str, int], seconds: float, cpu: float) -> dict:
    """build.json's figures record."""
    return {
        "fingerprint": figures_fingerprint(table),
        "count": sum(counts.values()),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "extractor": extractor_kind(),  # compiled by the install (indexer/compiled.py) or its Python source
        "per_report": {r.id: counts[r.id] for r in reports if r.id in counts},
    }


class FigureWriter:
    """The figures of a full build, extracted alongside its segments (indexer/index/segments.Alongside).

    Each writer process takes the reports whose first paragraph is among its documents (the build's
    documents are the reports' paragraphs in order), so every report is written once, by one process, and
    the build forks no processes for its figures. The record's seconds are the longest writer's wall time
    in extraction, its cpu_seconds the extraction's CPU time in every writer plus the setup here.
    """

    def __init__(self, build_dir: Path, reports: Sequence[Report], table: MetricTable | None = None) -> None:
        cpu = time.process_time()
        self.folder = build_dir / FIGURES_DIR
        self.reports = reports
        self.table = table or load_metrics()
        # the document number of each report's first paragraph
        self.firsts = list(accumulate((len(r.paragraphs) for r in reports), initial=0))
        self.counts: dict[str, int] = {}
        self.entries: dict[str, dict] = {}
        self.seconds = 0.0
        self.cpu = time.process_time() - cpu

    def run(self, lo: int, hi: int) -> tuple[dict[str, int], dict[str, dict], float, float]:
        """In a writer: write the figures of the reports that start in documents lo…hi-1; (counts, catalog
        entries, wall, CPU)."""
        started, cpu = time.monotonic(), time.process_time()
        self.folder.mkdir(exist_ok=True)  # the first writer to get here makes it
        mine = [r for r, first in zip(self.reports, self.firsts) if lo <= first < hi and r.paragraphs]
        counts, entries = _write_reports(self.folder, mine, self.table)
        return counts, entries, time.monotonic() - started, time.process_time() - cpu

    def collect(self, results: list) -> None:
        """In the parent: every writer's (counts, catalog entries, wall, CPU)."""
        for counts, entries, seconds, cpu in results:
            self.counts.update(counts)
            self.entries.update(entries)
            self.seconds = max(self.seconds, seconds)
            self.cpu += cpu

    def record(self) -> dict:
        """Write the build's catalog (after the writers are done); build.json's figures record."""
        started = time.process_time()
        self.folder.mkdir(exist_ok=True)  # a build without documents ran no writer that made it
        write_catalog(self.folder, self.entries)
        self.cpu += time.process_time() - started
        return _record(self.table, self.reports, self.counts, self.seconds, self.cpu)


def _cpu_seconds() -> float:
    """CPU time of this process plus that of its children already waited for (fork_map waits for its workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def read_figures(build_dir: Path, meta: dict, reports: Sequence[str] | None = None,
                 keep_line: Callable[[str], bool] | None = None) -> Iterator[Figure]:
    """The figures of a build in corpus order (build.json's report list), or of the given report ids only.

    keep_line: a test on a figure's line as stored, before it is decoded (a query's cheap necessary condition:
    a figure of metric X has the text "X" in its line); the figures of lines it refuses are skipped."""
    wanted = set(reports) if reports is not None else None
    folder = Path(build_dir) / FIGURES_DIR
    for record in meta.get("reports", []):
        if wanted is None or record["id"] in wanted:
            yield from _file_figures(folder / report_file(record["id"]), keep_line)


def _file_figures(path: Path, keep_line: Callable[[str], bool] | None = None) -> Iterator[Figure]:
    """The figures of one report's file (none when it has no file: it states no figure), read by its header."""
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        names = json.loads(next(handle))["fields"]
        same = names == list(FIELD_NAMES)  # a file this code wrote: values in Figure's order, no names to map
        for line in handle:
            if keep_line is not None and not keep_line(line):
                continue
            values = json.loads(line)
            yield Figure.from_row(values) if same else Figure.from_dict(dict(zip(names, values)))
