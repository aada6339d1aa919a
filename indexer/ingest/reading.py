"""One report file's bytes → plain data: its Report (themed paragraphs), warnings, detected metadata.

Everything that looks at a file's bytes is here — format, decoding, markup stripping, layout, metadata
detection, themes — so the corpus loader and `add` can run it all in the resource-limited child
(formats/isolate.py) and receive only plain data back. Nothing here reads the disk or the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from indexer.ingest.catalog import CATALOG, CatalogEntry
from indexer.ingest.detect import Detected, detect_metadata
from indexer.ingest.formats import Extracted, FormatError, FormatOptions, extract, extract_converted
from indexer.ingest.layout import Block, document_title, parse_blocks, sections
from indexer.ingest.layout_rules import CLOSERS, SENTENCE_END, char_class
from indexer.ingest.ocr import OcrPage
from indexer.ingest.ocr.session import EngineSlot, FileOcr
from indexer.ingest.themes import Taxonomy
from indexer.limits import MAX_HEADING_CHARS, year_label
from indexer.model import Paragraph, Report

UNKNOWN_INSTITUTION = "未知机构"
MAX_PARAGRAPH = 4000  # characters; longer "paragraphs" are layout failures (no blank lines at all): split them
EMPTY = "empty"  # why a file without text is skipped (reindex) or refused (add)
NO_BODY = "no paragraphs of text found (only headings or captions)"
_END, _CLOSER = char_class(SENTENCE_END), char_class(CLOSERS)
_SENTENCE = re.compile(f"[^{_END}]*[{_END}]+[{_CLOSER}]*|[^{_END}]+$")


@dataclass(frozen=True)
class FileJob:
    """One file to read: its bytes (or the .doc converter's output, `converted` saying which kind) and catalog entry."""

    rel: str
    report_id: str
    data: bytes
    entry: CatalogEntry | None = None
    converted: str | None = None  # "docx"/"text": data is what formats.doc.convert made of the file
    ocr_engine: str = ""  # the OCR engine's name and version (engines.engine_id), "" when none is installed
    ocr_cached: dict[int, OcrPage] | None = None  # pages of this file already OCR'd (ocr/cache.py): not read again


@dataclass
class FileResult:
    """What one file gave: its Report, or why it was skipped; warnings; what was detected (no catalog entry)."""

    report: Report | None = None
    skipped: str = ""
    warnings: list[str] = field(default_factory=list)
    detected: Detected | None = None
    ocr_pages: dict[int, OcrPage] | None = None  # every page OCR'd, when some were read now (the parent caches them)


Progress = Callable[[tuple[int, int]], None]  # (pages done, pages) of the file's OCR, sent to the parent


def file_ocr(job: FileJob, formats: FormatOptions, engines: EngineSlot | None, progress: Progress | None) -> FileOcr | None:
    """How the job's scanned pages are read (None: OCR is off)."""
    if engines is None or not formats.ocr_engine:
        return None
    report = (lambda done, total: progress((done, total))) if progress is not None else None
    return FileOcr.for_options(engines, job.ocr_engine, formats, job.ocr_cached, report)


def _extracted(job: FileJob, formats: FormatOptions, ocr: FileOcr | None = None) -> tuple[Extracted, list[Block]]:
    """The file's text and blocks; FormatError (EMPTY, NO_BODY or the format's reason) when there is no report."""
    if not job.data.strip():
        raise FormatError(EMPTY)
    if job.converted:
        extracted = extract_converted(job.data, job.converted, formats)
    else:
        extracted = extract(job.data, job.rel, formats, job.entry.encoding if job.entry else None, ocr)
    if not extracted.text.strip():
        raise FormatError(EMPTY)
    blocks = parse_blocks(extracted.text)
    if not any(b.kind == "body" for b in blocks):
        raise FormatError(NO_BODY)
    return extracted, blocks


def _detect(rel: str, text: str, blocks: list[Block], title_hint: str | None) -> Detected:
    body = "\n".join(b.text for b in blocks if b.kind != "caption")
    first_body = next((i for i, b in enumerate(blocks) if b.kind == "body"), len(blocks))
    heading_lines = [b.text for b in blocks[:first_body] if b.kind in ("heading", "caption")]
    return detect_metadata(text, heading_lines, body, rel, lone_title=document_title(blocks), title_hint=title_hint)


def detect_job(job: FileJob, formats: FormatOptions, engines: EngineSlot | None = None,
               ) -> tuple[Detected, dict[int, OcrPage] | None]:
    """What the file's own text says about its metadata (for `add`), and the pages OCR'd now (None: none were);
    FormatError (the reason reindex would skip it)."""
    ocr = file_ocr(job, formats, engines, None)
    extracted, blocks = _extracted(job, formats, ocr)
    return _detect(job.rel, extracted.text, blocks, extracted.title_hint), (ocr.pages if ocr is not None and ocr.made else None)


def read_job(job: FileJob, progress: Progress | None = None, *, taxonomy: Taxonomy, formats: FormatOptions,
             catalog_broken: bool, engines: EngineSlot | None = None) -> FileResult:
    """The file as a Report with themed paragraphs (metadata from its catalog entry, else detected).

    engines: the OCR engine for scanned pages (None: not read); progress((done, total)) after each page read.
    """
    out = FileResult()
    ocr = file_ocr(job, formats, engines, progress)
    try:
        extracted, blocks = _extracted(job, formats, ocr)
    except FormatError as exc:
        out.skipped = str(exc)
        if ocr is not None and ocr.made:
            out.ocr_pages = ocr.pages  # pages read before a later one failed are kept for next time
        return out
    if ocr is not None and ocr.made:
        out.ocr_pages = ocr.pages
    rel = job.rel
    if extracted.replaced:
        out.warnings.append(f"{rel}: {extracted.replaced} undecodable byte(s) replaced by U+FFFD (read as {extracted.encoding})")
    out.warnings.extend(f"{rel}: {w}" for w in extracted.warnings)
    entry = job.entry
    if entry is None:
        why = f"{CATALOG} could not be read" if catalog_broken else f"no entry in {CATALOG}"
        out.detected = _detect(rel, extracted.text, blocks, extracted.title_hint)
        entry = _entry(rel, out.detected, why, out.warnings)
    paragraphs = _paragraphs(job.report_id, blocks, entry, taxonomy, rel, out.warnings)
    institutions = tuple(dict.fromkeys(p.institution for p in paragraphs))
    out.report = Report(
        id=job.report_id, file=rel, title=entry.title, institution=entry.institution, years=entry.years,
        date=entry.date, source=entry.source, paragraphs=paragraphs, institutions=institutions,
        ocr=ocr.summary() if ocr is not None else None,
    )
    return out


def _entry(rel: str, found: Detected, why: str, warnings: list[str]) -> CatalogEntry:
    """Metadata for a file the catalog does not describe: detected from its text, else from its name."""
    institution = found.institution or UNKNOWN_INSTITUTION
    label = year_label(found.years[0], found.years[-1]) if found.years else ""
    from_name = found.years_from == "from the file name" or not found.years
    got = ([f"institution {institution}"] if found.institution else []) + ([f"years {label}"] if found.years and not from_name else [])
    missing = ([f"institution (using {UNKNOWN_INSTITUTION!r})"] if not found.institution else []) + (
        [f"years ({'from the file name: ' + label if found.years else 'none'})"] if from_name else []
    )
    message = f"{rel}: {why}; " + (" and ".join(got) + " detected from the text" if got else "nothing detected from the text")
    if missing:
        message += "; not detected: " + ", ".join(missing)
    warnings.append(message + f" — add a [[report]] entry to {CATALOG}")
    return CatalogEntry(file=rel, title=found.title, institution=institution, years=found.years, date=found.date)


def split_long(text: str) -> list[str]:
    """Cut an absurdly long paragraph (a layout with no paragraph breaks) at sentence ends into ≤ MAX_PARAGRAPH chunks."""
    if len(text) <= MAX_PARAGRAPH:
        return [text]
    chunks: list[str] = []
    current: list[str] = []  # sentences of the chunk being filled (joined once: no quadratic string growth)
    size = 0
    for sentence in _SENTENCE.findall(text):
        if len(sentence) > MAX_PARAGRAPH:  # no sentence end for 4,000 characters: cut hard
            if current:
                chunks.append("".join(current))
                current, size = [], 0
            cut = len(sentence) - (len(sentence) - 1) % MAX_PARAGRAPH - 1  # full pieces, sliced off by offset
            chunks.extend(sentence[i:i + MAX_PARAGRAPH] for i in range(0, cut, MAX_PARAGRAPH))
            sentence = sentence[cut:]
        if current and size + len(sentence) > MAX_PARAGRAPH:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(sentence)
        size += len(sentence)
    if current:
        chunks.append("".join(current))
    return chunks


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _paragraphs(
    rid: str, blocks: list[Block], entry: CatalogEntry, taxonomy: Taxonomy, rel: str, warnings: list[str]
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
            "lead": block.lead[:MAX_HEADING_CHARS], "text": block.text, "part": part_no,  # a lead is a heading of sorts
        })
    for part in parts:
        warnings.append(
            f"{rel}: no paragraph starts with {part.starts_with!r} ({part.institution}); check starts_with in {CATALOG}"
        )
    # Introductions: paragraphs of a part before its first themed heading or lead are the default theme
    # (if the part has such structure at all; a part without any is classified from the text).
    structured = [bool(taxonomy.heading_theme(r["section"]) or r["lead"]) for r in rows]
    seen_structure: dict[int, bool] = {}
    has_structure = {r["part"] for r, s in zip(rows, structured) if s}
    paragraphs: list[Paragraph] = []
    # One object per distinct section heading and theme of the report, not one per paragraph: the pickle that
    # brings the report to the parent keeps the sharing, and a million parsed paragraphs held through a
    # reindex (and read by its forked writers) take ~30 % less memory.
    shared: dict[str, str] = {}
    for row, is_structured in zip(rows, structured):
        part = row["part"]
        seen_structure[part] = seen_structure.get(part, False) or is_structured
        if part in has_structure and not seen_structure[part]:
            theme = taxonomy.default
        else:
            theme = taxonomy.classify(row["section"], row["lead"], row["text"])
        # Absurd paragraphs (a file without paragraph breaks) are cut at sentence ends so that a hit points
        # at readable text and snippets stay within the highlighter's limits; the lead stays on the first piece.
        for n, chunk in enumerate(split_long(row["text"])):
            paragraphs.append(
                Paragraph(
                    report=rid, position=len(paragraphs) + 1, text=chunk, section=shared.setdefault(row["section"], row["section"]),
                    institution=row["institution"], years=entry.years, title=entry.title, theme=shared.setdefault(theme, theme),
                    lead=row["lead"] if n == 0 else "",
                )
            )
    return paragraphs
