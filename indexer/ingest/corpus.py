"""The corpus folder → reports with catalog metadata and themed paragraphs; every problem reported by file name.

Policy (hostile files): a file that cannot be used is *skipped* (listed in CorpusLoad.skipped, so `reindex`
exits 1) and the rest is still indexed; a file that is used with a caveat gets a *warning*. Only a corpus
folder that cannot be read at all raises CorpusError. The folder's files and catalog come from its snapshot
(indexer/ingest/snapshot.py: walked and parsed once per command); this module reads the files' bytes, and
everything that looks at them (indexer/ingest/reading.py) runs in resource-limited children, a batch of
files each (formats/isolate.py): a .doc is only converted here, by its own program.
- catalog.toml with a syntax error: one Skipped("catalog.toml", <tomllib message with the line>) and every file
  is indexed with metadata detected from its text (one warning per file says so); an invalid entry is skipped
  the same way, naming the entry; an entry whose file is missing is skipped, naming the entry.
Scanned pages (PDF pages without a text layer, page images) are OCR'd in the same children, one engine per
child; with ocr_cache (a folder under the index root) pages already read for the same bytes are sent along
and the pages read now are stored there (indexer/ingest/ocr/cache.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.forking import fork_map
from indexer.ingest.catalog import CATALOG, CatalogEntry
from indexer.ingest.detect import Detected
from indexer.ingest.formats import FormatError, FormatOptions
from indexer.ingest.formats import doc as doc_format
from indexer.ingest.formats.isolate import run_isolated
from indexer.ingest.formats.sniff import sniff
from indexer.ingest.ocr import cache as ocr_cache_files
from indexer.ingest.ocr.engines import engine_id
from indexer.ingest.ocr.session import EngineSlot
from indexer.ingest.reading import FileJob, FileResult, detect_job, read_job
from indexer.ingest.snapshot import CorpusError as CorpusError  # raised by the walk; callers catch it from here
from indexer.ingest.snapshot import CorpusSnapshot, Skipped, take_snapshot
from indexer.ingest.themes import Taxonomy, load_taxonomy
from indexer.limits import MAX_FILE_BYTES
from indexer.model import Report
from indexer.report_ids import report_id  # the one id rule; callers import it from here too

BATCH_FILES = 32  # files one parsing child reads (a fork costs about what reading one report does)
BATCH_BYTES = 16 * 2**20  # and at most this many bytes of them at once (one larger file is a batch of its own)


@dataclass
class CorpusLoad:
    """What load_corpus produced: reports in file-path order, warnings, skipped files, detected metadata.

    detected: for each file without a catalog entry (rel path → Detected), what its text said and where.
    """

    reports: list[Report] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    detected: dict[str, Detected] = field(default_factory=dict)


def load_corpus(
    corpus: Path | CorpusSnapshot, *, taxonomy: Taxonomy | None = None, max_bytes: int = MAX_FILE_BYTES, processes: int = 1,
    while_loading: Callable[[], None] | None = None, formats: FormatOptions | None = None,
    reuse: Callable[[str, Path, str, CatalogEntry | None], Report | None] | None = None,
    on_file: Callable[[int], None] | None = None, on_page: Callable[[int, int], None] | None = None,
    ocr_cache: Path | None = None,
) -> CorpusLoad:
    """Read every report file of the corpus (a folder, or its snapshot already taken) into Reports, in file-path
    order; problems are reported by file.

    processes > 1 parses the files in that many forked processes (contiguous runs of files of about equal
    size); the result is the same as with one. while_loading, if given, runs in this process meanwhile.
    formats carries the parsers' limits and the .doc converter (default: limits only, no converter).
    reuse(rel, path, report id, catalog entry), if given, may return a Report to use instead of parsing the
    file (an incremental reindex: the file and its entry did not change). on_file(paragraphs) is called
    after each file is parsed, in the process that parsed it (progress display); on_page(done, total) after
    each page OCR'd, with the file's page count. ocr_cache: the folder of cached OCR pages (None: no cache).
    """
    taxonomy = taxonomy or load_taxonomy()
    formats = formats or FormatOptions()
    snapshot = corpus if isinstance(corpus, CorpusSnapshot) else take_snapshot(corpus)
    corpus_dir, entries, catalog_broken = snapshot.root, snapshot.entries, snapshot.catalog_broken
    load = CorpusLoad(warnings=list(snapshot.warnings), skipped=list(snapshot.skipped))
    if snapshot.catalog is not None:
        load.skipped.extend(Skipped(CATALOG, error) for error in snapshot.catalog.errors)
    else:
        load.warnings.append(f"no {CATALOG} in {corpus_dir}: metadata of every report is detected from its text")
    present = {rel for rel, _ in snapshot.files}
    for name, entry in entries.items():
        if name not in present:
            why = "does not exist" if not (corpus_dir / name).exists() else "is not a readable report file here"
            load.skipped.append(Skipped(name, f"{CATALOG} entry {entry.title!r} names {name!r}, which {why}; fix or remove the entry"))
    every = [(rel, path, report_id(rel)) for rel, path in snapshot.files]
    reused: dict[str, Report] = {}
    if reuse is not None:
        for rel, path, rid in every:
            got = reuse(rel, path, rid, entries.get(rel))
            if got is not None:
                reused[rel] = got
    todo = [item for item in every if item[0] not in reused]
    loader = functools.partial(_load_files, entries=entries, taxonomy=taxonomy, max_bytes=max_bytes,
                               catalog_broken=catalog_broken, formats=formats, on_file=on_file, on_page=on_page,
                               ocr_cache=ocr_cache)
    if processes > 1 and len(todo) > 1:
        runs = _runs(todo, processes)
        results = [one for run in fork_map(loader, runs, while_running=while_loading or (lambda: None)) for one in run]
    else:
        if while_loading is not None:
            while_loading()
        results = loader(todo)
    loaded = {rel: one for (rel, _, _), one in zip(todo, results)}
    ids: dict[str, str] = {}
    for rel, path, rid in every:
        if rid in ids:
            load.skipped.append(Skipped(rel, f"report id {rid!r} is already used by {ids[rid]}; rename one of the files"))
            continue
        if rel in reused:
            ids[rid] = rel
            load.reports.append(reused[rel])
            if on_file is not None:
                on_file(0)  # counted as done: the progress line's file total includes it
            continue
        one = loaded[rel]
        load.warnings.extend(one.warnings)
        if one.skipped:
            load.skipped.append(Skipped(rel, one.skipped))
        if one.report is not None:
            if one.detected is not None:
                load.detected[rel] = one.detected
            ids[rid] = rel
            load.reports.append(one.report)
    return load


def detect_file(path: Path, rel: str | None = None, formats: FormatOptions | None = None) -> Detected:
    """What a report file's own text says about its metadata (for `add`); FormatError if it cannot be read."""
    return detect_report(path.read_bytes(), rel or path.name, formats)


def detect_report(data: bytes, rel: str, formats: FormatOptions | None = None, ocr_cache: Path | None = None) -> Detected:
    """detect_file for bytes already read, in the limited child; FormatError (the reason reindex would skip it).
    A scan's pages are OCR'd (and cached in ocr_cache, so that indexing it next does not read them again)."""
    formats = formats or FormatOptions()
    ocr = _Ocr(formats, ocr_cache)
    job = ocr.job(_job(rel, report_id(rel), data, None, formats))
    (result,) = run_isolated(functools.partial(detect_job, formats=formats, engines=ocr.engines), [job], formats)
    if isinstance(result, FormatError):
        raise result
    found, pages = result
    if pages:
        ocr.store(job, pages)
    return found


def _job(rel: str, rid: str, data: bytes, entry: CatalogEntry | None, formats: FormatOptions) -> FileJob:
    """The file's bytes as a job for the child; a .doc/RTF is first converted here (FormatError if it cannot be)."""
    if doc_format.needs_converter(data):
        converted, kind = doc_format.convert(data, formats)
        return FileJob(rel, rid, converted, entry, converted=kind)
    return FileJob(rel, rid, data, entry)


class _Ocr:
    """The parent's side of OCR: the engine slot the children load, the engine's id, and the page cache."""

    def __init__(self, formats: FormatOptions, cache_dir: Path | None) -> None:
        self.engines = EngineSlot(formats.ocr_engine) if formats.ocr_engine else None
        self.engine_id = engine_id(formats.ocr_engine) if formats.ocr_engine else ""
        self.cache_dir = cache_dir if self.engine_id else None

    def job(self, job: FileJob) -> FileJob:
        """The job with the engine's id and, for a PDF or page image already OCR'd, its cached pages."""
        if self.engines is None or job.converted or sniff(job.data).kind not in ("pdf", "image"):
            return job
        cached = ocr_cache_files.load_pages(self.cache_dir, self._key(job)) if self.cache_dir is not None else None
        return replace(job, ocr_engine=self.engine_id, ocr_cached=cached)

    def store(self, job: FileJob, pages: dict) -> None:
        """Keep the pages the child read for this job's bytes."""
        if self.cache_dir is not None:
            ocr_cache_files.store_pages(self.cache_dir, self._key(job), pages)

    def _key(self, job: FileJob) -> str:
        return ocr_cache_files.cache_key(job.data, self.engine_id)


def _runs(todo: list[tuple[str, Path, str]], parts: int) -> list[list[tuple[str, Path, str]]]:
    """Contiguous runs of files, `parts` of them, of about equal total size in bytes."""
    sizes = []
    for _, path, _ in todo:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes) or 1
    runs: list[list[tuple[str, Path, str]]] = [[]]
    acc = 0
    for item, size in zip(todo, sizes):
        if runs[-1] and len(runs) < parts and acc >= total * len(runs) / parts:
            runs.append([])
        runs[-1].append(item)
        acc += size
    return runs


def _load_files(
    todo: list[tuple[str, Path, str]], *, entries: dict[str, CatalogEntry], taxonomy: Taxonomy, max_bytes: int,
    catalog_broken: bool, formats: FormatOptions, on_file: Callable[[int], None] | None = None,
    on_page: Callable[[int, int], None] | None = None, ocr_cache: Path | None = None,
) -> list[FileResult]:
    """Each file read into a FileResult, in order: bytes read here, everything else in limited children (batches)."""
    ocr = _Ocr(formats, ocr_cache)
    read = functools.partial(read_job, taxonomy=taxonomy, formats=formats, catalog_broken=catalog_broken, engines=ocr.engines)
    out: list[FileResult] = [FileResult() for _ in todo]
    batch: list[tuple[int, FileJob]] = []
    size = 0

    def done(i: int, result: FileResult, job: FileJob | None = None) -> None:
        if job is not None and result.ocr_pages:
            ocr.store(job, result.ocr_pages)
            result.ocr_pages = None
        out[i] = result
        if on_file is not None:
            on_file(len(result.report.paragraphs) if result.report is not None else 0)

    def page(_k: int, value: tuple[int, int]) -> None:
        if on_page is not None:
            on_page(*value)

    def run_batch() -> None:
        jobs = [job for _, job in batch]
        index = [i for i, _ in batch]
        run_isolated(read, jobs, formats, on_progress=page,
                     on_result=lambda k, r: done(index[k], r if isinstance(r, FileResult) else FileResult(skipped=str(r)), jobs[k]))
        batch.clear()

    for i, (rel, path, rid) in enumerate(todo):
        job = _read_file(rel, path, rid, entries.get(rel), max_bytes, formats)
        if isinstance(job, FileResult):
            done(i, job)
            continue
        job = ocr.job(job)
        if batch and (len(batch) >= BATCH_FILES or size + len(job.data) > BATCH_BYTES):
            run_batch()
            size = 0
        batch.append((i, job))
        size += len(job.data)
    if batch:
        run_batch()
    return out


def _read_file(
    rel: str, path: Path, rid: str, entry: CatalogEntry | None, max_bytes: int, formats: FormatOptions,
) -> FileJob | FileResult:
    """The file's bytes as a job for the child, or the FileResult that says why it is skipped already."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return FileResult(skipped=f"{size:,} bytes is over the {max_bytes:,}-byte limit (max_bytes); split the file")
        data = path.read_bytes()
    except OSError as exc:
        return FileResult(skipped=f"cannot be read ({exc.strerror or exc})")
    try:
        return _job(rel, rid, data, entry, formats)
    except FormatError as exc:
        return FileResult(skipped=str(exc))
