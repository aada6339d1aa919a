"""The corpus folder → reports with catalog metadata and themed paragraphs; every problem reported by file name.

Policy (hostile files): a file that cannot be used is *skipped* (listed in CorpusLoad.skipped, so `reindex`
exits 1) and the rest is still indexed; a file that is used with a caveat gets a *warning*. Only a corpus
folder that cannot be read at all raises CorpusError.
- catalog.toml with a syntax error: one Skipped("catalog.toml", <tomllib message with the line>) and every file
  is indexed with metadata detected from its text (one warning per file says so); an invalid entry is skipped
  the same way, naming the entry; an entry whose file is missing is skipped, naming the entry.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.forking import fork_map
from indexer.ingest.catalog import CatalogEntry, read_catalog
from indexer.ingest.detect import Detected, detect_metadata
from indexer.ingest.formats import (
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    Extracted,
    FormatError,
    FormatOptions,
    extract,
    is_supported,
)
from indexer.ingest.formats.isolate import extract_isolated
from indexer.ingest.layout import Block, document_title, parse_blocks, sections
from indexer.ingest.themes import Taxonomy, load_taxonomy
from indexer.limits import MAX_FILE_BYTES
from indexer.model import Paragraph, Report
from indexer.report_ids import report_id  # the one id rule; callers import it from here too

CATALOG = "catalog.toml"
UNKNOWN_INSTITUTION = "未知机构"
MAX_PARAGRAPH = 4000  # characters; longer "paragraphs" are layout failures (no blank lines at all): split them
EMPTY = "empty"  # why a file without text is skipped (reindex) or refused (add)
NO_BODY = "no paragraphs of text found (only headings or captions)"
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")


class CorpusError(Exception):
    """The corpus folder as a whole cannot be read."""


@dataclass
class Skipped:
    """A file (or catalog entry) that was not indexed, and why."""

    file: str
    reason: str


@dataclass
class CorpusLoad:
    """What load_corpus produced: reports in file-path order, warnings, skipped files, detected metadata.

    detected: for each file without a catalog entry (rel path → Detected), what its text said and where.
    """

    reports: list[Report] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    detected: dict[str, Detected] = field(default_factory=dict)


# One parsed file: (report or None, its warnings, its skipped entries, its detected metadata).
_Loaded = tuple[Report | None, list[str], list[Skipped], dict[str, Detected]]


def _walk(root: Path, load: CorpusLoad) -> list[tuple[str, Path]]:
    """Candidate report files (rel path, path), sorted; hidden files, README*, catalog.toml and escapes excluded."""
    real_root = root.resolve()
    found: list[tuple[str, Path]] = []

    def visit(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if not prefix:
                raise CorpusError(f"cannot read the corpus folder {root}: {exc.strerror or exc}") from None
            load.skipped.append(Skipped(prefix.rstrip("/"), f"folder cannot be read ({exc.strerror or exc})"))
            return
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith(".") or entry.name.upper().startswith("README"):
                continue
            if entry.name == CATALOG:
                if prefix:
                    load.warnings.append(f"{rel}: not read; only the top-level {CATALOG} describes reports")
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not target.exists():
                    load.skipped.append(Skipped(rel, "broken symlink"))
                    continue
                if not target.is_relative_to(real_root):
                    load.skipped.append(Skipped(rel, f"symlink to {target}, outside the corpus folder; not followed"))
                    continue
                if target.is_dir():
                    load.warnings.append(f"{rel}: symlinked folder not followed (its files are read where they are)")
                    continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                load.skipped.append(Skipped(rel, f"cannot be read ({exc.strerror or exc})"))
                continue
            if stat.S_ISDIR(mode):
                visit(path, rel + "/")
            elif stat.S_ISREG(mode):
                if is_supported(entry.name):
                    found.append((unicodedata.normalize("NFC", rel), path))
                else:
                    load.warnings.append(f"{rel}: ignored, not a report file type ({' '.join(SUPPORTED_SUFFIXES)})")
            else:
                load.skipped.append(Skipped(rel, "not a regular file"))

    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist or is not a folder")
    visit(root, "")
    return sorted(found)


def _split_long(text: str) -> list[str]:
    """Cut an absurdly long paragraph (a layout with no paragraph breaks) at sentence ends into ≤ MAX_PARAGRAPH chunks."""
    if len(text) <= MAX_PARAGRAPH:
        return [text]
    chunks, current = [], ""
    for sentence in _SENTENCE.findall(text):
        while len(sentence) > MAX_PARAGRAPH:  # no sentence end for 4,000 characters: cut hard
            if current:
                chunks.append(current)
                current = ""
            chunks.append(sentence[:MAX_PARAGRAPH])
            sentence = sentence[MAX_PARAGRAPH:]
        if current and len(current) + len(sentence) > MAX_PARAGRAPH:
            chunks.append(current)
            current = ""
        current += sentence
    if current:
        chunks.append(current)
    return chunks


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _paragraphs(
    rid: str, blocks: list[Block], entry: CatalogEntry, taxonomy: Taxonomy, rel: str, load: CorpusLoad
) -> list[Paragraph]:
    secs = sections(blocks)
    parts = list(entry.parts)
    institution = entry.institution
    rows: list[dict] = []  # one per body block: institution, section, lead, text, part index
    part_no = 0
    heading_in_part = True  # has this part (institution) had a heading of its own yet?
    for block, section in zip(blocks, secs):
        if block.kind == "heading":
            heading_in_part = True
        if block.kind != "body":
            continue
        if parts and _compact(block.text).startswith(_compact(parts[0].starts_with)):
            institution = parts.pop(0).institution
            part_no += 1
            heading_in_part = False
        # A new institution's part starts afresh: the previous institution's headings do not cover it.
        rows.append({
            "institution": institution, "section": section if heading_in_part else "",
            "lead": block.lead, "text": block.text, "part": part_no,
        })
    for part in parts:
        load.warnings.append(
            f"{rel}: no paragraph starts with {part.starts_with!r} ({part.institution}); check starts_with in {CATALOG}"
        )
    # Introductions: paragraphs of a part before its first themed heading or lead are the default theme
    # (if the part has such structure at all; a part without any is classified from the text).
    structured = [bool(taxonomy.heading_theme(r["section"]) or r["lead"]) for r in rows]
    seen_structure: dict[int, bool] = {}
    has_structure = {r["part"] for r, s in zip(rows, structured) if s}
    paragraphs: list[Paragraph] = []
    for row, is_structured in zip(rows, structured):
        part = row["part"]
        seen_structure[part] = seen_structure.get(part, False) or is_structured
        if part in has_structure and not seen_structure[part]:
            theme = taxonomy.default
        else:
            theme = taxonomy.classify(row["section"], row["lead"], row["text"])
        # Absurd paragraphs (a file without paragraph breaks) are cut at sentence ends so that a hit points
        # at readable text and snippets stay within the highlighter's limits; the lead stays on the first piece.
        for n, chunk in enumerate(_split_long(row["text"])):
            paragraphs.append(
                Paragraph(
                    report=rid, position=len(paragraphs) + 1, text=chunk, section=row["section"],
                    institution=row["institution"], years=entry.years, title=entry.title, theme=theme,
                    lead=row["lead"] if n == 0 else "",
                )
            )
    return paragraphs


def _detect(rel: str, text: str, blocks: list[Block], title_hint: str | None) -> Detected:
    body = "\n".join(b.text for b in blocks if b.kind != "caption")
    first_body = next((i for i, b in enumerate(blocks) if b.kind == "body"), len(blocks))
    heading_lines = [b.text for b in blocks[:first_body] if b.kind in ("heading", "caption")]
    return detect_metadata(text, heading_lines, body, rel, lone_title=document_title(blocks), title_hint=title_hint)


def _metadata(
    rel: str, text: str, blocks: list[Block], title_hint: str | None, load: CorpusLoad, why: str
) -> CatalogEntry:
    """Metadata for a file the catalog does not describe: detected from its text, else from its name."""
    found = load.detected[rel] = _detect(rel, text, blocks, title_hint)
    institution = found.institution or UNKNOWN_INSTITUTION
    label = f"{found.years[0]}—{found.years[-1]}" if len(found.years) > 1 else (str(found.years[0]) if found.years else "")
    from_name = found.years_from == "from the file name" or not found.years
    title = found.title
    got = ([f"institution {institution}"] if found.institution else []) + ([f"years {label}"] if found.years and not from_name else [])
    missing = ([f"institution (using {UNKNOWN_INSTITUTION!r})"] if not found.institution else []) + (
        [f"years ({'from the file name: ' + label if found.years else 'none'})"] if from_name else []
    )
    message = f"{rel}: {why}; " + (" and ".join(got) + " detected from the text" if got else "nothing detected from the text")
    if missing:
        message += "; not detected: " + ", ".join(missing)
    load.warnings.append(message + f" — add a [[report]] entry to {CATALOG}")
    return CatalogEntry(file=rel, title=title, institution=institution, years=found.years, date=found.date)


def load_corpus(
    corpus_dir: Path, *, taxonomy: Taxonomy | None = None, max_bytes: int = MAX_FILE_BYTES, processes: int = 1,
    while_loading: Callable[[], None] | None = None, formats: FormatOptions | None = None,
    reuse: Callable[[str, Path, str, CatalogEntry | None], Report | None] | None = None,
    on_file: Callable[[int], None] | None = None,
) -> CorpusLoad:
    """Read every report file under corpus_dir (recursively, sorted) into Reports; problems are reported by file.

    processes > 1 parses the files in that many forked processes (contiguous runs of files of about equal
    size); the result is the same as with one. while_loading, if given, runs in this process meanwhile.
    formats carries the parsers' limits and the .doc converter (default: limits only, no converter).
    reuse(rel, path, report id, catalog entry), if given, may return a Report to use instead of parsing the
    file (an incremental reindex: the file and its entry did not change). on_file(paragraphs) is called
    after each file is parsed, in the process that parsed it (progress display).
    """
    taxonomy = taxonomy or load_taxonomy()
    formats = formats or FormatOptions()
    load = CorpusLoad()
    files = _walk(corpus_dir, load)
    catalog_path = corpus_dir / CATALOG
    entries: dict[str, CatalogEntry] = {}
    catalog_broken = False
    if catalog_path.is_file():
        read = read_catalog(catalog_path)
        for error in read.errors:
            load.skipped.append(Skipped(CATALOG, error))
        catalog_broken = bool(read.errors) and not read.entries
        entries = {unicodedata.normalize("NFC", e.file): e for e in read.entries}
    else:
        load.warnings.append(f"no {CATALOG} in {corpus_dir}: metadata of every report is detected from its text")
    present = {rel for rel, _ in files}
    for name, entry in entries.items():
        if name not in present:
            why = "does not exist" if not (corpus_dir / name).exists() else "is not a readable report file here"
            load.skipped.append(Skipped(name, f"{CATALOG} entry {entry.title!r} names {name!r}, which {why}; fix or remove the entry"))
    every = [(rel, path, report_id(rel)) for rel, path in files]
    reused: dict[str, Report] = {}
    if reuse is not None:
        for rel, path, rid in every:
            got = reuse(rel, path, rid, entries.get(rel))
            if got is not None:
                reused[rel] = got
    todo = [item for item in every if item[0] not in reused]
    loader = functools.partial(_load_files, entries=entries, taxonomy=taxonomy, max_bytes=max_bytes,
                               catalog_broken=catalog_broken, formats=formats, on_file=on_file)
    loaded: dict[str, _Loaded] | None = None
    if processes > 1 and len(todo) > 1:
        runs = _runs(todo, processes)
        results = [one for run in fork_map(loader, runs, while_running=while_loading or (lambda: None)) for one in run]
        loaded = {rel: one for (rel, _, _), one in zip(todo, results)}
    elif while_loading is not None:
        while_loading()
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
        report, warnings, skipped, detected = loaded[rel] if loaded is not None else loader([(rel, path, rid)])[0]
        load.warnings.extend(warnings)
        load.skipped.extend(skipped)
        if report is not None:
            load.detected.update(detected)
            ids[rid] = rel
            load.reports.append(report)
    return load


def read_report(data: bytes, rel: str, formats: FormatOptions, encoding: str | None = None) -> Extracted:
    """A report file's bytes → formats.Extracted; documents are parsed in a limited child (FormatOptions.isolate).

    Text is decoded here; a .doc is converted by its own converter process, which must not inherit the
    child's address-space limit (LibreOffice maps far more than it uses).
    """
    if formats.isolate and not rel.lower().endswith((*TEXT_SUFFIXES, ".doc")):
        return extract_isolated(data, rel, formats, encoding)
    return extract(data, rel, formats, encoding)


def detect_file(path: Path, rel: str | None = None, formats: FormatOptions | None = None) -> Detected:
    """What a report file's own text says about its metadata (for `add`); FormatError if it cannot be read."""
    return detect_report(path.read_bytes(), rel or path.name, formats)


def detect_report(data: bytes, rel: str, formats: FormatOptions | None = None) -> Detected:
    """detect_file for bytes already read; FormatError (the reason reindex would skip it) if it is no report."""
    extracted = read_report(data, rel, formats or FormatOptions()) if data.strip() else None
    if extracted is None or not extracted.text.strip():
        raise FormatError(EMPTY)
    blocks = parse_blocks(extracted.text)
    if not any(b.kind == "body" for b in blocks):
        raise FormatError(NO_BODY)
    return _detect(rel, extracted.text, blocks, extracted.title_hint)


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
) -> list[_Loaded]:
    """(report or None, its warnings, its skipped entries, its detected metadata) per file, in order."""
    out = []
    for rel, path, rid in todo:
        one = CorpusLoad()
        report = _load_file(rel, path, rid, entries.get(rel), taxonomy, max_bytes, one, catalog_broken, formats)
        out.append((report, one.warnings, one.skipped, one.detected))
        if on_file is not None:
            on_file(len(report.paragraphs) if report is not None else 0)
    return out


def _load_file(
    rel: str, path: Path, rid: str, entry: CatalogEntry | None, taxonomy: Taxonomy, max_bytes: int,
    load: CorpusLoad, catalog_broken: bool, formats: FormatOptions,
) -> Report | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            load.skipped.append(Skipped(rel, f"{size:,} bytes is over the {max_bytes:,}-byte limit (max_bytes); split the file"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        load.skipped.append(Skipped(rel, f"cannot be read ({exc.strerror or exc})"))
        return None
    if not data.strip():
        load.skipped.append(Skipped(rel, EMPTY))
        return None
    try:
        extracted = read_report(data, rel, formats, entry.encoding if entry else None)
    except FormatError as exc:
        load.skipped.append(Skipped(rel, str(exc)))
        return None
    if extracted.replaced:
        load.warnings.append(f"{rel}: {extracted.replaced} undecodable byte(s) replaced by U+FFFD (read as {extracted.encoding})")
    load.warnings.extend(f"{rel}: {w}" for w in extracted.warnings)
    text = extracted.text
    if not text.strip():
        load.skipped.append(Skipped(rel, EMPTY))
        return None
    blocks = parse_blocks(text)
    if not any(b.kind == "body" for b in blocks):
        load.skipped.append(Skipped(rel, NO_BODY))
        return None
    if entry is None:
        why = f"{CATALOG} could not be read" if catalog_broken else f"no entry in {CATALOG}"
        entry = _metadata(rel, text, blocks, extracted.title_hint, load, why)
    paragraphs = _paragraphs(rid, blocks, entry, taxonomy, rel, load)
    institutions = tuple(dict.fromkeys(p.institution for p in paragraphs))
    return Report(
        id=rid, file=rel, title=entry.title, institution=entry.institution, years=entry.years,
        date=entry.date, source=entry.source, paragraphs=paragraphs, institutions=institutions,
    )
