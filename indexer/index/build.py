"""Building the index: corpus → a fresh build directory → verified → atomic switch of root/CURRENT.

Lifecycle (crash-safe at every step):
1. take root/reindex.lock and the corpus's lock (flocks, non-blocking; they die with the process, so are
   never stale; indexer/index/lock.py);
2. delete leftovers of killed reindexes (build dirs without COMPLETE, CURRENT temp files);
3. read the corpus folder once (its snapshot: files and catalog), load it, write every paragraph into
   root/builds/<new id>/ with Whoosh;
4. publish it (indexer/index/publish.py, shared with the incremental build): write build.json, verify (doc
   count == paragraphs, unique ids, a word of the first paragraph is found), write COMPLETE, fsync the files
   and directories; switch CURRENT (CURRENT.<pid>.tmp, fsync, os.replace, fsync root); delete old builds
   except the new one and the previous one (readers may still have it open).
Until the switch the previous build is untouched and CURRENT names it, so a crash anywhere leaves it serving.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import whoosh.index

from indexer.analysis import (
    DEFAULT_DICTIONARY,
    JiebaTokenizer,
    dictionary_fingerprint,
    initialize,
    word_analyzer,
)
from indexer.figures.store import FigureWriter
from indexer.index.added import AddedTimes, content_digest
from indexer.index.arrays import SegmentArrays
from indexer.index.fingerprint import corpus_digests, report_fingerprint, themes_fingerprint
from indexer.index.lock import ReindexLock, writer_locks
from indexer.index.publish import Checkpoint, clean_leftovers, new_build_id, no_checkpoint, publish_build
from indexer.index.schema import make_schema, to_document
from indexer.index.segments import Alongside, write_segments
from indexer.index.store import BUILDS, serving_meta
from indexer.index.whoosh_compat import open_mapped, toc_segments
from indexer.ingest.corpus import Skipped, load_corpus
from indexer.ingest.detect import Detected
from indexer.ingest.formats import FormatOptions
from indexer.ingest.ocr.cache import CACHE_DIR as OCR_CACHE_DIR
from indexer.ingest.ocr.cache import prune_pages
from indexer.ingest.snapshot import CorpusSnapshot, take_snapshot
from indexer.limits import OCR_CACHE_KEEP_DAYS
from indexer.model import OcrSummary, Report
from indexer.paragraph_keys import report_keys
from indexer.search.features.suggest_data import write_suggestions

# Below this many paragraphs one writer process: forking costs a few milliseconds, and each extra
# segment makes searches a little slower. Above it the forked writers (indexer/index/segments.py) share the
# work with nothing pickled, so even the 10,000-paragraph benchmark corpus gains from both CPUs.
PARALLEL_MIN_PARAGRAPHS = 2_000

class BuildError(Exception):
    """A build did not verify; the previous index is still serving."""


@dataclass
class BuildSummary:
    """What a reindex did."""

    reports: int
    paragraphs: int
    warnings: list[str]
    skipped: list[Skipped]
    build_id: str
    seconds: float
    path: Path | None = None
    procs: int = 1
    report_files: list[str] = field(default_factory=list)
    detected: dict[str, Detected] = field(default_factory=dict)  # files without a catalog entry: what was found
    ocr: dict[str, OcrSummary] = field(default_factory=dict)  # scanned files read now: engine, pages, mean confidence


def default_procs(paragraphs: int) -> int:
    """os.cpu_count() writer processes for a large corpus, 1 below PARALLEL_MIN_PARAGRAPHS."""
    return (os.cpu_count() or 1) if paragraphs >= PARALLEL_MIN_PARAGRAPHS else 1


def report_paragraph_keys(report: Report) -> list[str]:
    """The permalink key of each of the report's paragraphs, in report.paragraphs' order (numbered in position order)."""
    ranked = sorted(range(len(report.paragraphs)), key=lambda j: report.paragraphs[j].position)
    keys = [""] * len(ranked)
    for j, key in zip(ranked, report_keys([report.paragraphs[j].text for j in ranked])):
        keys[j] = key
    return keys


def paragraph_documents(reports: Iterable[Report]) -> Iterable[dict]:
    """One Whoosh document per paragraph, in corpus order (seq) — see schema.to_document."""
    seq = 0
    for order, report in enumerate(reports):
        for p, key in zip(report.paragraphs, report_paragraph_keys(report)):
            yield to_document(p, seq=seq, report_order=order, permalink_key=key)
            seq += 1


class DocumentSequence(Sequence[dict]):
    """paragraph_documents(reports) as a sequence made on demand: a slice makes only its own documents, so
    a writer holds one segment's documents at a time instead of a second copy of the whole corpus."""

    def __init__(self, reports: Sequence[Report]) -> None:
        self.reports = reports
        self.places = [(order, j) for order, r in enumerate(reports) for j in range(len(r.paragraphs))]

    def __len__(self) -> int:
        return len(self.places)

    def _document(self, n: int, keys: dict[int, list[str]]) -> dict:
        order, j = self.places[n]
        if order not in keys:  # a report's keys, once per slice (a report split between slices is keyed twice)
            keys[order] = report_paragraph_keys(self.reports[order])
        return to_document(self.reports[order].paragraphs[j], seq=n, report_order=order, permalink_key=keys[order][j])

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol
        keys = {}  # report order → its keys
        if isinstance(i, slice):
            return [self._document(n, keys) for n in range(*i.indices(len(self.places)))]
        return self._document(range(len(self.places))[i], keys)

    def weights(self) -> list[int]:
        """Each document's text length (what the writers balance their work by)."""
        return [len(self.reports[order].paragraphs[j].text or "") for order, j in self.places]


def write_build(
    reports: list[Report],
    build_dir: Path,
    *,
    procs: int | None = None,
    dictionary: Path = DEFAULT_DICTIONARY,
    limitmb: int = 1024,
    checkpoint: Checkpoint = no_checkpoint,
    on_docs: Callable[[int], None] | None = None,
    alongside: Alongside | None = None,
) -> int:
    """Write every paragraph of `reports` as a new Whoosh index in build_dir; returns the document count.

    alongside: more work each writer process does over its documents (a full build's figures)."""
    build_dir.mkdir(parents=True, exist_ok=False)
    procs = max(1, procs if procs is not None else (os.cpu_count() or 1))
    # Load jieba before any fork so the writer processes inherit a warm instance.
    initialize(dictionary)
    index = whoosh.index.create_in(str(build_dir), make_schema(dictionary))
    docs = DocumentSequence(reports)
    count = write_segments(index, docs, procs=procs, limitmb=limitmb, on_started=lambda: checkpoint("writing"),
                           on_docs=on_docs, weights=docs.weights(), alongside=alongside)
    checkpoint("committed")
    return count


def verify_build(build_dir: Path, reports: list[Report], dictionary: Path = DEFAULT_DICTIONARY) -> None:
    """Check a written build before it may serve: every paragraph is there once and is findable."""
    expected = sum(len(r.paragraphs) for r in reports)
    index = open_mapped(str(build_dir))  # read in place: copying a million-paragraph build costs gigabytes
    with index.reader() as reader:
        if reader.doc_count() != expected:
            raise BuildError(f"verification failed: {reader.doc_count()} documents written, {expected} paragraphs")
        ids = sum(1 for _ in reader.lexicon("id"))
        if ids != expected:
            raise BuildError(f"verification failed: {ids} distinct paragraph ids for {expected} paragraphs")
        segments = toc_segments(index)
        missing = [s.segment_id() for s in segments if not SegmentArrays.available(build_dir, s.segment_id())]
        if missing:
            raise BuildError(f"verification failed: segments without posting arrays: {', '.join(missing)}")
        first = next((p for r in reports for p in r.paragraphs), None)
        if first is None:
            return
        word = next((t.text for t in word_analyzer(dictionary)(first.text)), None)
        if word is None:
            return
        if not _finds(build_dir, segments, list(reader.postings("id", first.id).all_ids()), word):
            raise BuildError(f"verification failed: searching {word!r} does not find paragraph {first.id}")


def _finds(build_dir: Path, segments: list, docnums: list[int], word: str) -> bool:
    """Whether the posting arrays of `text` list word in the (global) docnum of a paragraph."""
    base = 0
    for seg in segments:
        size = seg.doc_count_all()
        local = [d - base for d in docnums if base <= d < base + size]
        if local:
            field = SegmentArrays(build_dir, seg.segment_id()).fields["text"]
            i = field.find(word.encode("utf-8", "surrogatepass"))
            return i >= 0 and local[0] in field.docs[field.offsets[i]:field.offsets[i + 1]]
        base += size
    return False


def report_meta(report: Report, fingerprint: str | None = None, warnings: list[str] | None = None,
                detected: Detected | None = None, times: AddedTimes | None = None) -> dict:
    """A report's record in build.json (what the report page, the overview, the feed and an incremental reindex
    read); times: when reports were added (indexer/index/added.py), by default now."""
    institutions = list(report.institutions) or [report.institution]
    digest = content_digest(report)
    return {
        "id": report.id,
        "file": report.file,
        "title": report.title,
        "institution": report.institution,
        "institutions": institutions,
        "years": list(report.years),
        "date": report.date,
        "source": report.source,
        "paragraphs": len(report.paragraphs),
        "fingerprint": fingerprint,
        "warnings": [w for w in warnings or [] if w.startswith(f"{report.file}: ")],
        # without a catalog entry: what was detected, so an incremental reindex that reuses it can still list it
        "detected": detected.to_dict() if detected is not None else None,
        "content": digest,
        "added": (times or AddedTimes(None)).of(report, digest, fingerprint),
    } | ({"ocr": report.ocr.to_dict()} if report.ocr is not None else {})  # a scan: engine, pages, mean confidence


def build_reports(
    reports: list[Report],
    root: Path,
    *,
    warnings: list[str] | None = None,
    skipped: list[Skipped] | None = None,
    corpus_dir: Path | None = None,
    procs: int | None = None,
    dictionary: Path = DEFAULT_DICTIONARY,
    checkpoint: Checkpoint = no_checkpoint,
    started: float | None = None,
) -> BuildSummary:
    """Index already-loaded reports into root (lock, fresh build, verify, switch, clean up)."""
    started = time.monotonic() if started is None else started
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with ReindexLock(root):
        checkpoint("locked")
        return build_locked(
            reports, root, warnings or [], skipped or [], corpus_dir, procs, dictionary, checkpoint, started
        )


def build_locked(
    reports: list[Report],
    root: Path,
    warnings: list[str],
    skipped: list[Skipped],
    corpus_dir: Path | None,
    procs: int | None,
    dictionary: Path,
    checkpoint: Checkpoint,
    started: float,
    fingerprints: dict[str, str | None] | None = None,
    extra_meta: dict | None = None,
    on_docs: Callable[[int], None] | None = None,
    detected: dict[str, Detected] | None = None,
) -> BuildSummary:
    """A full build of reports into root, for a caller that holds the reindex lock (see build_reports)."""
    clean_leftovers(root)
    (root / BUILDS).mkdir(exist_ok=True)
    build_id = new_build_id()
    build_dir = root / BUILDS / build_id
    nprocs = default_procs(sum(len(r.paragraphs) for r in reports)) if procs is None else max(1, procs)
    times = AddedTimes(serving_meta(root))  # the build this one replaces: reports it had keep their time
    try:
        figures = FigureWriter(build_dir, reports)  # extracted by the segment writers, no processes of its own
        count = write_build(reports, build_dir, procs=nprocs, dictionary=dictionary, checkpoint=checkpoint,
                            on_docs=on_docs, alongside=figures)
        fingerprints = fingerprints or {}
        detected = detected or {}
        meta = {
            "dictionary": str(Path(dictionary).resolve()),
            "dictionary_fingerprint": dictionary_fingerprint(dictionary),
            "segmenter": JiebaTokenizer(dictionary).segmenter(),  # queries cut words without loading jieba
            "corpus": str(Path(corpus_dir).resolve()) if corpus_dir is not None else None,  # which corpus it holds
            "counts": {"reports": len(reports), "paragraphs": count},
            "reports": [report_meta(r, fingerprints.get(r.file), warnings, detected.get(r.file), times) for r in reports],
            "warnings": list(warnings),
            "skipped": [{"file": s.file, "reason": s.reason} for s in skipped],
            "procs": nprocs,
            "figures": figures.record(),
            **(extra_meta or {}),
        }
        meta["suggest"] = write_suggestions(build_dir, meta)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    publish_build(root, build_dir, meta, lambda: verify_build(build_dir, reports, dictionary), checkpoint)
    return BuildSummary(
        reports=len(reports),
        paragraphs=count,
        warnings=list(warnings),
        skipped=list(skipped),
        build_id=build_id,
        seconds=time.monotonic() - started,
        path=build_dir,
        procs=nprocs,
        report_files=[r.file for r in reports],
        detected=dict(detected),
        ocr={r.file: r.ocr for r in reports if r.ocr is not None},
    )


def build_index(
    corpus_dir: Path,
    root: Path,
    *,
    procs: int | None = None,
    dictionary: Path = DEFAULT_DICTIONARY,
    checkpoint: Checkpoint = no_checkpoint,
    formats: FormatOptions | None = None,
) -> BuildSummary:
    """Load corpus_dir and index it into root: fresh build, verified, atomic switch of root/CURRENT.

    formats: the document parsers' limits and .doc converter (see indexer.ingest.formats.FormatOptions).
    """
    started = time.monotonic()
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with writer_locks(Path(corpus_dir), root):
        checkpoint("locked")
        return full_build_locked(take_snapshot(corpus_dir), root, procs=procs, dictionary=dictionary,
                                 checkpoint=checkpoint, started=started, formats=formats)


def full_build_locked(
    snapshot: CorpusSnapshot,
    root: Path,
    *,
    procs: int | None = None,
    dictionary: Path = DEFAULT_DICTIONARY,
    checkpoint: Checkpoint = no_checkpoint,
    started: float | None = None,
    on_file: Callable[[int], None] | None = None,
    on_docs: Callable[[int], None] | None = None,
    extra_meta: dict | None = None,
    formats: FormatOptions | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> BuildSummary:
    """build_index's work for a caller holding the locks, on the corpus as snapshot (taken under them) shows it;
    records per-report fingerprints for incremental reindexes."""
    started = time.monotonic() if started is None else started
    corpus_dir, entries = snapshot.root, snapshot.entries
    # Hash before parsing: a file edited meanwhile then looks changed next time (re-parsed), never the reverse.
    digests = corpus_digests(snapshot)
    dict_fp, themes_fp = dictionary_fingerprint(dictionary), themes_fingerprint()
    # Parse on every CPU (unless told one process) while this process loads jieba.
    parse_procs = (os.cpu_count() or 1) if procs is None else max(1, procs)
    load = load_corpus(snapshot, processes=parse_procs, while_loading=lambda: initialize(dictionary),
                       on_file=on_file, formats=formats, on_page=on_page, ocr_cache=root / OCR_CACHE_DIR)
    checkpoint("loaded")
    refuse_empty(load.reports, load.skipped, corpus_dir)
    fingerprints = {r.file: report_fingerprint(digests.get(r.file), entries.get(r.file), dict_fp, themes_fp)
                    for r in load.reports}
    summary = build_locked(
        load.reports, root, load.warnings, load.skipped, corpus_dir, procs, dictionary, checkpoint, started,
        fingerprints=fingerprints, extra_meta={"themes_fingerprint": themes_fp, **(extra_meta or {})},
        on_docs=on_docs, detected=load.detected,
    )
    prune_ocr_cache(root, digests)
    return summary


def prune_ocr_cache(root: Path, digests: dict[str, str]) -> int:
    """After a build is published: delete cached OCR pages of files the corpus (digests: its files' sha256) no
    longer has, once unused for OCR_CACHE_KEEP_DAYS; the number of cache files deleted."""
    return prune_pages(root / OCR_CACHE_DIR, set(digests.values()), OCR_CACHE_KEEP_DAYS * 86_400)


def refuse_empty(reports: list[Report], skipped: list[Skipped], corpus_dir: Path) -> None:
    """BuildError when no report has a paragraph: never let an empty corpus replace a serving index."""
    if any(report.paragraphs for report in reports):
        return
    # An empty corpus is almost always a wrong --corpus path or a failed copy.
    problems = "; ".join(f"{s.file}: {s.reason}" for s in skipped[:5])
    raise BuildError(
        f"no paragraph could be indexed from {corpus_dir}"
        + (f" ({problems})" if problems else " (no report files found)")
        + ": nothing was changed; check the corpus folder and run reindex again"
    )
