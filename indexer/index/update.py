"""Incremental reindex: a new build that reuses the previous build's segments for reports that did not change.

Same guarantees as a full build (indexer/index/build.py): under the index's and the corpus's locks, into a fresh build
folder, verified, then the atomic switch of CURRENT; until the switch the previous build serves.

How a new build is made from the previous one:
- every report's fingerprint (file bytes, catalog entry, dictionary, themes: indexer/index/fingerprint.py)
  is compared with the one recorded in the previous build.json; only new or changed files are parsed;
- the previous build's segment files are hard-linked into the new folder (never written to again: the
  previous build keeps serving from the same inodes). Any file named after a segment (Whoosh's
  `MAIN_<segment>.*`, per-segment sidecars) is carried along with it;
- the paragraphs of removed and changed reports are marked deleted in the new TOC (Whoosh keeps a
  segment's deletions in the TOC, not in the segment files); a segment left with no live paragraph is
  dropped; new and changed reports go into new segments after the reused ones;
- a full build is made instead when the previous build cannot be reused (none, another index format,
  dictionary or themes, no fingerprints) or when the index would grow past MAX_SEGMENTS segments or
  MAX_DELETED_FRACTION deleted paragraphs: the full build is the merge.

What a reader sees is the same as after a full build of the same corpus: the same paragraphs, ids,
stored fields, facets and export order (build.json lists the reports in corpus order, and readers order
by it, see indexer/search/order.py). Differences are internal: docnums (new paragraphs come last), and,
while deleted paragraphs remain, Whoosh's BM25F statistics (document frequency, average length) still
count them until the next full build, so scores of hits can differ slightly after a change or removal.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import whoosh.index

from indexer.analysis import DEFAULT_DICTIONARY, JiebaTokenizer, dictionary_fingerprint, initialize
from indexer.figures.metrics import load_metrics
from indexer.figures.store import figures_fingerprint, write_figures
from indexer.index.added import AddedTimes
from indexer.index.arrays import ARRAY_DIR
from indexer.index.build import (
    BuildError,
    BuildSummary,
    default_procs,
    full_build_locked,
    paragraph_documents,
    prune_ocr_cache,
    report_meta,
)
from indexer.index.fingerprint import corpus_digests, report_fingerprint, themes_fingerprint
from indexer.index.lock import writer_locks
from indexer.index.publish import Checkpoint, clean_leftovers, new_build_id, no_checkpoint, publish_build
from indexer.index.schema import make_schema
from indexer.index.segments import commit_new, write_new_segments
from indexer.index.store import BUILDS, serving_meta
from indexer.index.version import INDEX_FORMAT_VERSION
from indexer.index.whoosh_compat import open_mapped, segment_reader, toc_segments, with_deletions
from indexer.ingest.catalog import CatalogEntry
from indexer.ingest.corpus import CorpusLoad, load_corpus
from indexer.ingest.detect import Detected
from indexer.ingest.formats import FormatOptions
from indexer.ingest.ocr.cache import CACHE_DIR as OCR_CACHE_DIR
from indexer.ingest.snapshot import CorpusSnapshot, take_snapshot
from indexer.model import OcrSummary, Report
from indexer.search.features.suggest_data import write_suggestions

MAX_SEGMENTS = 24  # beyond this many segments a search pays noticeably for each: merge by a full build
MAX_DELETED_FRACTION = 0.2  # deleted paragraphs still count in BM25F statistics: merge before they skew scores
INDEX_NAME = "MAIN"  # Whoosh's default index name: segment files are MAIN_<segment id>.*


@dataclass
class UpdateSummary:
    """What `reindex` / `add` / `remove` did to the index."""

    mode: str  # "full" or "incremental"
    build: BuildSummary
    reason: str = ""  # why a full build was made
    added: list[str] = field(default_factory=list)  # report ids
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Hooks:
    """Callbacks and policy of a run: checkpoint(phase) (tests stop there), progress per file and per
    paragraph written, and when to merge (a full build) instead of adding a segment."""

    checkpoint: Checkpoint = no_checkpoint
    on_files: Callable[[int], None] | None = None  # how many report files the corpus holds, once it is read
    on_file: Callable[[int], None] | None = None
    on_docs: Callable[[int], None] | None = None
    on_page: Callable[[int, int], None] | None = None  # a scanned page OCR'd: (pages done, pages) of its file
    max_segments: int = MAX_SEGMENTS
    max_deleted_fraction: float = MAX_DELETED_FRACTION


def update_index(
    corpus_dir: Path,
    root: Path,
    *,
    full: bool = False,
    procs: int | None = None,
    dictionary: Path = DEFAULT_DICTIONARY,
    hooks: Hooks | None = None,
    locked: bool = False,
    formats: FormatOptions | None = None,
    snapshot: CorpusSnapshot | None = None,
) -> UpdateSummary:
    """Bring the index at root up to date with corpus_dir: incrementally when possible, else (or with full) a
    full build. locked: the caller already holds the index's and the corpus's locks (add and remove do). formats: the
    document parsers' limits and .doc converter (see indexer.ingest.formats.FormatOptions). snapshot: the corpus
    as a locked caller has just read it (add and remove, after their change); else it is read here, under the locks."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    run = _Run(Path(corpus_dir), root, procs, dictionary, hooks or Hooks(), formats, time.monotonic(), snapshot)
    if locked:
        return _update(run, full)
    with writer_locks(run.corpus_dir, root):
        run.hooks.checkpoint("locked")
        return _update(run, full)


@dataclass(frozen=True)
class _Run:
    """The arguments of one update_index call, passed along its steps."""

    corpus_dir: Path
    root: Path
    procs: int | None
    dictionary: Path
    hooks: Hooks
    formats: FormatOptions | None
    started: float
    snapshot: CorpusSnapshot | None = None


def _why_full(meta: dict | None, dictionary_fp: str, themes_fp: str, figures_fp: str) -> str:
    """'' when the previous build can be reused, else the reason a full build is needed."""
    if meta is None:
        return "no previous build"
    if meta.get("format") != INDEX_FORMAT_VERSION:
        return "the index format changed"
    if meta.get("dictionary_fingerprint") != dictionary_fp:
        return "the user dictionary changed"
    if meta.get("themes_fingerprint") != themes_fp:
        return "the themes changed" if meta.get("themes_fingerprint") else "the previous build has no fingerprints"
    if any(not r.get("fingerprint") for r in meta.get("reports", [])):
        return "the previous build has no fingerprints"
    if (meta.get("figures") or {}).get("fingerprint") != figures_fp:
        return "the figure metrics changed" if meta.get("figures") else "the previous build has no figures"
    return ""


def _placeholder(record: dict) -> Report:
    """A report reused from the previous build: its metadata from build.json, its paragraphs stay in the segments."""
    return Report(
        id=record["id"], file=record["file"], title=record.get("title", ""), institution=record.get("institution", ""),
        years=tuple(record.get("years", [])), date=record.get("date"), source=record.get("source"),
        institutions=tuple(record.get("institutions") or []),
        ocr=OcrSummary.from_dict(record["ocr"]) if record.get("ocr") else None,
    )


def _update(run: _Run, full: bool) -> UpdateSummary:
    corpus_dir, root, hooks = run.corpus_dir, run.root, run.hooks
    clean_leftovers(root)
    dict_fp, themes_fp = dictionary_fingerprint(run.dictionary), themes_fingerprint()
    snapshot = run.snapshot or take_snapshot(corpus_dir)  # the corpus read once, for everything below
    if hooks.on_files is not None:
        hooks.on_files(len(snapshot.files))
    previous = serving_meta(root)
    reason = "--full" if full else _why_full(previous, dict_fp, themes_fp, figures_fingerprint(load_metrics()))
    if reason:
        return _full(run, snapshot, reason)
    assert previous is not None
    digests = corpus_digests(snapshot)  # before parsing: an edit meanwhile is seen as a change next time
    old = {r["file"]: r for r in previous["reports"]}
    fingerprints: dict[str, str | None] = {}

    def reuse(rel: str, _path: Path, rid: str, entry: CatalogEntry | None) -> Report | None:
        fingerprints[rel] = report_fingerprint(digests.get(rel), entry, dict_fp, themes_fp)
        record = old.get(rel)
        if record is not None and record["id"] == rid and record.get("fingerprint") == fingerprints[rel]:
            return _placeholder(record)
        return None

    parse_procs = (os.cpu_count() or 1) if run.procs is None else max(1, run.procs)
    load = load_corpus(snapshot, processes=parse_procs, while_loading=lambda: initialize(run.dictionary),
                       reuse=reuse, on_file=hooks.on_file, formats=run.formats, on_page=hooks.on_page,
                       ocr_cache=root / OCR_CACHE_DIR)
    hooks.checkpoint("loaded")
    _reused_detected(load, old)
    parsed = [r for r in load.reports if r.paragraphs]  # reused placeholders carry none
    parsed_ids = {r.id for r in parsed}
    new_ids = {r.id for r in load.reports}
    old_ids = {r["id"] for r in previous["reports"]}
    added, changed, removed = sorted(parsed_ids - old_ids), sorted(parsed_ids & old_ids), sorted(old_ids - new_ids)
    if not load.reports:  # nothing left to serve: the full build refuses it as for any empty corpus
        return _full(run, snapshot, "nothing reusable")
    # Nothing changed still makes a new (linked, verified) build: reindex always ends on a fresh build.
    build = _incremental_build(run, previous, parsed, set(changed) | set(removed), fingerprints, load, themes_fp)
    if isinstance(build, str):  # too many segments or deletions: merge by a full build
        return _full(run, snapshot, build)
    prune_ocr_cache(root, digests)
    return UpdateSummary(mode="incremental", build=build, added=added, changed=changed, removed=removed)


def _reused_detected(load: CorpusLoad, old: dict[str, dict]) -> None:
    """Reused reports without a catalog entry keep what was detected when they were parsed (build.json)."""
    for report in load.reports:
        record = old.get(report.file)
        if not report.paragraphs and record is not None and record.get("detected"):
            load.detected[report.file] = Detected.from_dict(record["detected"])


def _full(run: _Run, snapshot: CorpusSnapshot, reason: str) -> UpdateSummary:
    build = full_build_locked(snapshot, run.root, procs=run.procs, dictionary=run.dictionary,
                              checkpoint=run.hooks.checkpoint, started=run.started, on_file=run.hooks.on_file,
                              on_docs=run.hooks.on_docs, formats=run.formats, on_page=run.hooks.on_page)
    return UpdateSummary(mode="full", build=build, reason=reason)


def _incremental_build(
    run: _Run, previous: dict, parsed: list[Report], dropped: set[str], fingerprints: dict[str, str | None],
    load: CorpusLoad, themes_fp: str,
) -> BuildSummary | str:
    """Write the new build folder and switch to it; a string (the reason) when a full build should merge instead."""
    root, reports, dictionary, hooks = run.root, load.reports, run.dictionary, run.hooks
    old_dir = root / BUILDS / previous["build_id"]
    old_index = open_mapped(str(old_dir))  # segments read in place, not copied
    kept, deleted_total, live_total = _segments_without(old_index, dropped)
    old_index.close()
    new_paragraphs = sum(len(r.paragraphs) for r in parsed)
    if len(kept) + 1 > hooks.max_segments:
        return f"merge: the index would have {len(kept) + 1} segments (at most {hooks.max_segments})"
    if deleted_total > hooks.max_deleted_fraction * (live_total + new_paragraphs):
        return f"merge: {deleted_total} deleted paragraphs would remain (at most {hooks.max_deleted_fraction:.0%})"
    build_id = new_build_id()
    build_dir = root / BUILDS / build_id
    (root / BUILDS).mkdir(exist_ok=True)
    nprocs = default_procs(new_paragraphs) if run.procs is None else max(1, run.procs)
    try:
        build_dir.mkdir()
        initialize(dictionary)
        index = whoosh.index.create_in(str(build_dir), make_schema(dictionary))
        order = {r.id: n for n, r in enumerate(reports)}
        docs = list(paragraph_documents(parsed))
        # seq / report_order as a full build would number them now (readers order by build.json, not by these).
        offsets = _seq_offsets(reports, previous)
        for doc in docs:
            doc["report_order"] = order[doc["report"]]
            doc["seq"] = offsets[doc["report"]] + doc["position"] - 1
        fresh = []
        if docs:  # "writing" is announced with the writer processes running (a test kills them there)
            fresh = write_new_segments(index, docs, procs=nprocs, on_docs=hooks.on_docs,
                                       on_started=lambda: hooks.checkpoint("writing"))
        else:
            hooks.checkpoint("writing")
        for segment in kept:
            _link_segment(old_dir, build_dir, segment.segment_id())
        commit_new(index, kept + fresh)
        hooks.checkpoint("committed")
        figures = write_figures(build_dir, reports, previous=(old_dir, previous.get("figures") or {}), procs=nprocs)
        records = _records(reports, parsed, previous, fingerprints, load)
        paragraphs = sum(r["paragraphs"] for r in records)
        warnings = ([w for r in records for w in r.get("warnings", [])]
                    + [w for w in load.warnings if not any(w.startswith(f"{r['file']}: ") for r in records)])
        meta = {
            "dictionary": str(Path(dictionary).resolve()),
            "dictionary_fingerprint": previous["dictionary_fingerprint"],
            "segmenter": previous.get("segmenter") or JiebaTokenizer(dictionary).segmenter(),
            "themes_fingerprint": themes_fp,
            "corpus": str(run.corpus_dir.resolve()),  # which corpus it holds
            "counts": {"reports": len(records), "paragraphs": paragraphs},
            "reports": records,
            "warnings": warnings,
            "skipped": [{"file": s.file, "reason": s.reason} for s in load.skipped],
            "procs": nprocs,
            "incremental": {"base": previous["build_id"], "segments": len(kept) + len(fresh)},
            "figures": figures,
        }
        meta["suggest"] = write_suggestions(build_dir, meta)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    publish_build(root, build_dir, meta, lambda: verify_incremental(index, kept, fresh, paragraphs, parsed),
                  hooks.checkpoint)
    return BuildSummary(
        reports=len(reports), paragraphs=paragraphs, warnings=warnings, skipped=list(load.skipped),
        build_id=build_id, seconds=time.monotonic() - run.started, path=build_dir, procs=nprocs,
        report_files=[r.file for r in parsed], detected=dict(load.detected),
        ocr={r.file: r.ocr for r in parsed if r.ocr is not None},
    )


def _segments_without(index, dropped: set[str]) -> tuple[list, int, int]:  # noqa: ANN001 - a whoosh FileIndex
    """The index's segments with the paragraphs of `dropped` reports deleted, empty ones left out; plus the
    deleted and live paragraph counts of what is kept. Segments are opened only when something is dropped
    (a reader per segment, to find the dropped reports' paragraphs)."""
    kept, deleted_total, live_total = [], 0, 0
    for segment in toc_segments(index):
        if dropped:
            with segment_reader(index, segment) as reader:
                gone = [d for rid in dropped if ("report", rid) in reader
                        for d in reader.postings("report", rid).all_ids()]
            segment = with_deletions(segment, gone)
        live = segment.doc_count()
        if live:
            kept.append(segment)
            deleted_total += segment.deleted_count()
            live_total += live
    return kept, deleted_total, live_total


def _link_segment(old_dir: Path, new_dir: Path, segment_id: str) -> None:
    """Hard-link every file of one segment into the new build folder: its Whoosh files, any sidecar named
    after it, and its posting arrays (index/arrays.py), so the reused segment keeps array-speed search."""
    prefix = f"{segment_id}."
    for source, target in ((old_dir, new_dir), (old_dir / ARRAY_DIR, new_dir / ARRAY_DIR)):
        if not source.is_dir():
            continue
        target.mkdir(exist_ok=True)
        for item in source.iterdir():
            if item.name.startswith(prefix) and item.is_file():
                os.link(item, target / item.name)


def _seq_offsets(reports: list[Report], previous: dict) -> dict[str, int]:
    """Each report's first corpus-order paragraph number in the new build."""
    counts = {r["id"]: r.get("paragraphs", 0) for r in previous["reports"]}
    offsets, seq = {}, 0
    for report in reports:
        offsets[report.id] = seq
        seq += len(report.paragraphs) if report.paragraphs else counts.get(report.id, 0)
    return offsets


def _records(reports: list[Report], parsed: list[Report], previous: dict, fingerprints: dict[str, str | None],
             load: CorpusLoad) -> list[dict]:
    """build.json's report records in corpus order: the previous ones for reused reports, new ones for parsed."""
    old = {r["id"]: r for r in previous["reports"]}
    fresh = {r.id for r in parsed}
    times = AddedTimes(previous)  # a changed report keeps its time only if its text is the same
    return [report_meta(r, fingerprints.get(r.file), load.warnings, load.detected.get(r.file), times) if r.id in fresh
            else times.kept(old[r.id]) for r in reports]


def verify_incremental(index, kept: list, fresh: list, expected: int, parsed: list[Report]) -> None:  # noqa: ANN001
    """Check an incremental build before it may serve: the committed TOC lists exactly the kept and new
    segments with the expected live count, and each new report's first and last paragraphs are found once
    by id in the new segments (the reused segments were verified when they were written)."""
    listed = toc_segments(whoosh.index.open_dir(index.storage.folder, readonly=True))
    if [s.segment_id() for s in listed] != [s.segment_id() for s in kept + fresh]:
        raise BuildError("verification failed: the committed segments are not the ones written")
    live = sum(s.doc_count() for s in listed)
    if live != expected:
        raise BuildError(f"verification failed: {live} live documents, {expected} paragraphs")
    readers = [segment_reader(index, s) for s in fresh]
    try:
        for report in parsed:
            for paragraph in {p.id: p for p in (report.paragraphs[0], report.paragraphs[-1])}.values():
                found = sum(len(list(r.postings("id", paragraph.id).all_ids())) for r in readers
                            if ("id", paragraph.id) in r)
                if found != 1:
                    raise BuildError(f"verification failed: paragraph {paragraph.id} found {found} times")
    finally:
        for reader in readers:
            reader.close()
