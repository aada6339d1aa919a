"""`add` and `remove`: put report files into the corpus (or take them out), keep catalog.toml in step, and
make the change searchable with an incremental reindex (indexer/index/update.py).

Everything happens under the index's and the corpus's locks (taken before the catalog is read), so add,
remove and reindex never run at once on one index, nor on two indexes built from one corpus.
Crash safety, step by step (a kill at any point leaves a state the next run accepts and completes):
1. add copies each file into a hidden staging folder of the corpus (fsync), then renames it into place:
   the corpus never holds half a file. A file without a catalog entry is a legal corpus state (its
   metadata is detected); `add` of the same file again completes the entry (recovery).
2. the catalog is rewritten atomically (indexer/ingest/catalog_edit.py): old or new, never half.
3. the index is updated incrementally; until its atomic switch the previous build serves.
The next `add` of the same file completes an interrupted add at any step: copied but not cataloged, or
cataloged but not yet in the index (the serving build.json does not list it): the entry written first is kept.
remove acts on exactly the report the index serves under the id (never another file with the same id, which
the indexer skipped), moves its file aside into `<corpus>/.removed/` (hidden: never indexed; nothing is
deleted, the user can move it back), then cuts its catalog entry; `remove` again completes an interrupted one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import DEFAULT_DICTIONARY
from indexer.errors import BadRequest, NotFound
from indexer.fsutil import fsync_path, write_synced
from indexer.index.fingerprint import corpus_digests
from indexer.index.lock import writer_locks
from indexer.index.store import serving_meta
from indexer.index.update import Hooks, UpdateSummary, update_index
from indexer.ingest.catalog import CatalogEntry, parse_years
from indexer.ingest.catalog_edit import append_entries, remove_entry
from indexer.ingest.corpus import CATALOG, detect_report, report_id
from indexer.ingest.detect import Detected
from indexer.ingest.formats import SUPPORTED_SUFFIXES, FormatError, FormatOptions, is_supported
from indexer.ingest.ocr.cache import CACHE_DIR as OCR_CACHE_DIR
from indexer.ingest.snapshot import CorpusSnapshot, take_snapshot
from indexer.limits import MAX_FILE_BYTES, year_label

STAGING = ".reportsearch-staging"  # hidden: the corpus walk skips dot-folders
REMOVED = ".removed"


class AddError(BadRequest):
    """The arguments of add/remove cannot be used (nothing was changed)."""


@dataclass
class Metadata:
    """Metadata given on the command line; None means 'detect it'."""

    title: str | None = None
    institution: str | None = None
    year: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class Planned:
    """One file of an add: where it goes, its catalog entry, and why it is refused (if it is)."""

    source: Path
    rel: str
    report_id: str
    entry: dict = field(default_factory=dict)
    detected: Detected | None = None  # what the file's text says and where (None when refused before reading it)
    refused: str = ""  # non-empty: not added, and why
    recovering: bool = False  # the same bytes are already in place, not yet cataloged or indexed (an interrupted add)
    cataloged: bool = False  # recovering, and its catalog entry is already written (entry shows it)
    data: bytes = field(default=b"", repr=False)


@dataclass
class AddResult:
    """What add did: the accepted and refused files and the index update (None for --dry-run or nothing to add)."""

    planned: list[Planned]
    update: UpdateSummary | None = None

    @property
    def accepted(self) -> list[Planned]:
        """Files added (or to be added, with --dry-run)."""
        return [p for p in self.planned if not p.refused]

    @property
    def refused(self) -> list[Planned]:
        """Files refused, each with its reason."""
        return [p for p in self.planned if p.refused]


def _candidates(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p)
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise AddError(f"{path}: no report files ({', '.join(SUPPORTED_SUFFIXES)}) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise AddError(f"{path}: no such file or folder")
    return files


def _check_metadata(meta: Metadata, count: int) -> None:
    if meta.title is not None and count > 1:
        raise AddError("--title names one report: add the files one at a time to give each its title")
    if meta.year is not None:
        try:
            parse_years(meta.year)
        except ValueError as exc:
            raise AddError(f"--year: {exc}") from None
    if meta.date is not None:
        try:
            dt.date.fromisoformat(meta.date)
        except ValueError:
            raise AddError(f"--date must be a date like 2024-01-18, not {meta.date!r}") from None
    for name in ("title", "institution", "source"):
        value = getattr(meta, name)
        if value is not None and not value.strip():
            raise AddError(f"--{name} must not be empty")


def _year_value(years: tuple[int, ...]) -> int | str:
    """A catalog `year`: an int for one year (TOML integer), else the canonical range string."""
    return years[0] if len(years) == 1 else year_label(years[0], years[-1])


def _entry_dict(entry: CatalogEntry) -> dict:
    return {"file": entry.file, "title": entry.title, "institution": entry.institution,
            "year": _year_value(entry.years), "date": entry.date, "source": entry.source}


def _differs(meta: Metadata, entry: CatalogEntry) -> list[str]:
    """The options given on the command line that say otherwise than the catalog entry."""
    given = {"title": meta.title, "institution": meta.institution, "date": meta.date, "source": meta.source}
    out = [f"--{k}" for k, v in given.items() if v is not None and v != getattr(entry, k)]
    if meta.year is not None and parse_years(meta.year) != entry.years:
        out.append("--year")
    return out


def plan_add(paths: list[Path], snapshot: CorpusSnapshot, meta: Metadata, formats: FormatOptions | None = None,
             indexed: Collection[str] = (), ocr_cache: Path | None = None) -> list[Planned]:
    """What add would do for each file (nothing is changed), given the corpus as snapshot shows it; formats: the
    parsers' limits and .doc converter; indexed: the files the index serves (a file in the corpus but not in it
    is an add to complete); ocr_cache: where a scan's OCR'd pages are kept (detection reads them, indexing reuses them)."""
    files = _candidates(paths)
    _check_metadata(meta, len(files))
    corpus_dir, entries = snapshot.root, snapshot.entries
    by_digest = {sha: rel for rel, sha in sorted(corpus_digests(snapshot).items())}
    ids = {report_id(rel): rel for rel, _ in snapshot.files}
    plans: list[Planned] = []
    taken: dict[str, str] = {}
    for source in files:
        rel = unicodedata.normalize("NFC", source.name)
        plan = Planned(source=source, rel=rel, report_id=report_id(rel))
        plans.append(plan)
        if not is_supported(source):
            plan.refused = f"not a supported report file ({', '.join(SUPPORTED_SUFFIXES)})"
            continue
        try:
            size = source.stat().st_size
            if size > MAX_FILE_BYTES:
                plan.refused = f"{size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; split the file"
                continue
            plan.data = source.read_bytes()
        except OSError as exc:
            plan.refused = f"cannot be read ({exc.strerror or exc})"
            continue
        sha = hashlib.sha256(plan.data).hexdigest()
        same = by_digest.get(sha)
        if same is not None and same == rel and rel not in entries:
            plan.recovering = True  # copied by an add that was interrupted before its catalog entry
        elif same is not None and same == rel and rel not in indexed:  # interrupted before its index switched
            differs = _differs(meta, entries[rel])
            if differs:
                plan.refused = (f"already in the corpus as {rel} and cataloged, not yet indexed; "
                                f"{', '.join(differs)} differ from its catalog.toml entry: edit the entry, then "
                                "run `reportsearch reindex` (or add again without them)")
            elif sha in taken:
                plan.refused = "given twice in this add (same content or same name)"
            else:
                taken[sha] = plan.report_id
                plan.recovering = plan.cataloged = True
                plan.entry = _entry_dict(entries[rel])
            continue
        elif same is not None:
            plan.refused = f"already in the corpus as {same} (same content)"
            continue
        elif (corpus_dir / rel).exists():
            plan.refused = f"a different file named {rel} is already in the corpus; rename the file to add it"
            continue
        elif plan.report_id in ids:
            plan.refused = f"report id {plan.report_id!r} is already used by {ids[plan.report_id]}; rename the file"
            continue
        if sha in taken or plan.report_id in taken.values():
            plan.refused = "given twice in this add (same content or same name)"
            continue
        taken[sha] = plan.report_id
        try:  # as reindex reads it (the same parser, in the same limited child)
            found = plan.detected = detect_report(plan.data, rel, formats, ocr_cache)
        except FormatError as exc:
            plan.refused = str(exc)
            continue
        institution = meta.institution or found.institution
        year = meta.year or (_year_value(found.years) if found.years else None)
        if not institution:
            plan.refused = "institution not detected from the text; give it with --institution"
            continue
        if year is None:
            plan.refused = "years not detected from the text or file name; give them with --year"
            continue
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year)
        plan.entry = {"file": rel, "title": meta.title or found.title, "institution": institution, "year": year,
                      "date": meta.date or found.date, "source": meta.source}
    return plans


def _indexed_files(root: Path) -> set[str]:
    """The files of the reports the index at root serves (none without an index)."""
    meta = serving_meta(root)
    return {r["file"] for r in meta.get("reports", [])} if meta else set()


def _place(plan: Planned, corpus_dir: Path) -> None:
    """Copy the file into the corpus: staged (fsync), then renamed into place (atomic)."""
    staging = corpus_dir / STAGING
    staging.mkdir(exist_ok=True)
    tmp = staging / f"{os.getpid()}-{plan.rel}"
    write_synced(tmp, plan.data)
    os.replace(tmp, corpus_dir / plan.rel)
    fsync_path(corpus_dir)


def add_reports(
    paths: list[Path], corpus_dir: Path, root: Path, meta: Metadata | None = None, *, dry_run: bool = False,
    procs: int | None = None, dictionary: Path = DEFAULT_DICTIONARY, hooks: Hooks | None = None,
    formats: FormatOptions | None = None,
) -> AddResult:
    """Copy report files into the corpus, append their catalog entries, and index them incrementally."""
    meta = meta or Metadata()
    corpus_dir, root = Path(corpus_dir), Path(root)
    if dry_run:  # no folder yet: an empty corpus
        snapshot = take_snapshot(corpus_dir) if corpus_dir.is_dir() else CorpusSnapshot(corpus_dir)
        return AddResult(plan_add(paths, snapshot, meta, formats, indexed=_indexed_files(root)))  # no cache: nothing written
    hooks = hooks or Hooks()
    corpus_dir.mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    with writer_locks(corpus_dir, root):
        hooks.checkpoint("locked")
        shutil.rmtree(corpus_dir / STAGING, ignore_errors=True)  # copies a killed add left half-written
        # planned under the locks: nobody changes the corpus, its catalog or the index now
        snapshot = take_snapshot(corpus_dir)
        result = AddResult(plan_add(paths, snapshot, meta, formats, indexed=_indexed_files(root), ocr_cache=root / OCR_CACHE_DIR))
        if not result.accepted:
            return result
        for plan in result.accepted:
            if not plan.recovering:
                _place(plan, corpus_dir)
        shutil.rmtree(corpus_dir / STAGING, ignore_errors=True)
        hooks.checkpoint("copied")
        new_entries = [p.entry for p in result.accepted if not p.cataloged]
        catalog = append_entries(corpus_dir / CATALOG, new_entries) if new_entries else snapshot.catalog
        hooks.checkpoint("cataloged")
        # the corpus as it is now: the files walked again, the catalog as written (not parsed again)
        result.update = update_index(corpus_dir, root, procs=procs, dictionary=dictionary, hooks=hooks, locked=True,
                                     formats=formats, snapshot=take_snapshot(corpus_dir, catalog=catalog))
        return result


@dataclass
class RemoveResult:
    """What remove did: the report's file, where it was moved (None if already gone), whether an entry was cut,
    and the index update."""

    report_id: str
    file: str
    moved_to: Path | None
    entry_removed: bool
    update: UpdateSummary


def _file_of(rid: str, snapshot: CorpusSnapshot, root: Path) -> str:
    """The file of report rid: the one the index serves under that id; if it serves none, the one file in the
    corpus or the catalog with that id (several: refused, the indexer would have chosen by parsing them)."""
    meta = serving_meta(root)
    served = [r["file"] for r in (meta or {}).get("reports", []) if r.get("id") == rid]
    if served:
        return served[0]
    found = sorted({rel for rel, _ in snapshot.files if report_id(rel) == rid}
                   | {f for f in snapshot.entries if report_id(f) == rid})
    if not found:
        raise NotFound(f"no report {rid!r} in {snapshot.root}; `reportsearch search` or the web page shows report ids")
    if len(found) > 1:
        raise AddError(f"report {rid!r} is not in the index and {len(found)} files have that id ({', '.join(found)}); "
                       "move the one you mean out of the corpus by hand, or rename one and reindex")
    return found[0]


def remove_report(
    rid: str, corpus_dir: Path, root: Path, *, procs: int | None = None, dictionary: Path = DEFAULT_DICTIONARY,
    hooks: Hooks | None = None, formats: FormatOptions | None = None,
) -> RemoveResult:
    """Take exactly the indexed report rid out of the corpus (its file moved to <corpus>/.removed/), the
    catalog and the index; again after an interrupted remove, completes it."""
    hooks = hooks or Hooks()
    corpus_dir, root = Path(corpus_dir), Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with writer_locks(corpus_dir, root):
        hooks.checkpoint("locked")
        snapshot = take_snapshot(corpus_dir)
        rel = _file_of(rid, snapshot, root)
        moved_to = None
        if (corpus_dir / rel).is_file():
            target = corpus_dir / REMOVED / rel
            if target.exists():
                target = target.with_name(f"{target.name}.{dt.datetime.now():%Y%m%dT%H%M%S}")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(corpus_dir / rel, target)
            fsync_path(target.parent)
            fsync_path((corpus_dir / rel).parent)
            moved_to = target
        hooks.checkpoint("moved")
        written = remove_entry(corpus_dir / CATALOG, rel)
        hooks.checkpoint("cataloged")
        # the corpus as it is now: the files walked again, the catalog as written (not parsed again)
        after = take_snapshot(corpus_dir, catalog=written if written is not None else snapshot.catalog)
        update = update_index(corpus_dir, root, procs=procs, dictionary=dictionary, hooks=hooks, locked=True,
                              formats=formats, snapshot=after)
        return RemoveResult(report_id=rid, file=rel, moved_to=moved_to, entry_removed=written is not None,
                            update=update)
