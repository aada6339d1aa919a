"""The types and helpers every format module shares: the file-type list, FormatError, FormatOptions, Extracted,
the title-hint filter and the table-row rule. A leaf module: the format modules import it, never the package
(formats/__init__.py picks a format module by content, so importing the package from one would be a cycle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from indexer.limits import (
    DOC_CONVERTER_SECONDS,
    MAX_IMAGE_PIXELS,
    MAX_OCR_PAGES,
    MAX_PDF_PAGE_CHARS,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    MAX_UNZIPPED_BYTES,
    MAX_XML_ELEMENTS,
    OCR_PAGE_SECONDS,
    PARSER_MAX_CPU_SECONDS,
    PARSER_MAX_MEMORY,
)

# The one list of report file types the corpus walk (and `add DIR`) picks up; the images are scanned pages (OCR).
IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", ".doc", ".html", ".htm", *IMAGE_SUFFIXES)


def is_supported(path: str | PurePath) -> bool:
    """True for a file name whose suffix is one of SUPPORTED_SUFFIXES (case-insensitive)."""
    return PurePath(path).suffix.lower() in SUPPORTED_SUFFIXES


class FormatError(ValueError):
    """The file cannot be used as a report; the message is the reason shown next to its name."""


@dataclass(frozen=True)
class FormatOptions:
    """Limits on hostile input (defaults from indexer.limits) and the .doc converter (a path, or None)."""

    doc_converter: str | None = None  # soffice/libreoffice or antiword executable; None → .doc files are skipped
    converter_timeout: float = DOC_CONVERTER_SECONDS
    max_unzipped: int = MAX_UNZIPPED_BYTES
    max_xml_elements: int = MAX_XML_ELEMENTS
    max_pages: int = MAX_PDF_PAGES
    max_page_chars: int = MAX_PDF_PAGE_CHARS
    max_text: int = MAX_TEXT_CHARS
    isolate: bool = True  # read every file (all formats, layout, detection) in a forked child under the two limits below
    max_memory: int = PARSER_MAX_MEMORY
    max_cpu_seconds: int = PARSER_MAX_CPU_SECONDS
    # Scanned pages (indexer/ingest/ocr): the engine (None: no OCR, scanned files are skipped) and its limits.
    ocr_engine: str | None = "rapidocr"
    max_ocr_pages: int = MAX_OCR_PAGES
    max_image_pixels: int = MAX_IMAGE_PIXELS
    ocr_page_seconds: float = OCR_PAGE_SECONDS  # CPU seconds per page, on top of max_cpu_seconds for the file


@dataclass
class Extracted:
    """A file's text in the layout dialect, its format and what the file itself says about its metadata."""

    text: str
    format: str  # "text", "pdf", "docx", "doc", "html", "image"
    encoding: str | None = None  # text/html: how the bytes were decoded
    replaced: int = 0  # undecodable bytes replaced by U+FFFD
    title_hint: str | None = None  # the file's own Title metadata (PDF Info, docx core, <title>) when not junk
    warnings: list[str] = field(default_factory=list)


_JUNK_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint)\s*-|untitled|无标题|新建|文档\s*\d*|document\s*\d*$|doc\d*$)"
    r"|\.(?:docx?|wps|pdf|txt|rtf|html?|md)\s*$",
    re.I,
)


def clean_title_hint(title: str | None, name: str) -> str | None:
    """A metadata title worth showing, or None for junk ("Microsoft Word - 文档1.docx", the file name, "Untitled")."""
    if not title:
        return None
    title = re.sub(r"\s+", " ", title).strip()
    stem = PurePath(name).stem
    if not title or _JUNK_TITLE.search(title) or title.lower() == stem.lower():
        return None
    if not re.search(r"[\u4e00-\u9fff]", title):
        return None  # reports are Chinese; a Latin-only title is a template or author-tool leftover
    return title


def table_rows(rows: list[list[str]]) -> list[str]:
    """A table as paragraphs: one per row, "header：cell；header：cell。" so it reads as a sentence of its own."""
    rows = [[re.sub(r"\s+", " ", c).strip() for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header = rows[0] if len(rows) > 1 and all(rows[0]) else None
    out = []
    for row in rows[1:] if header else rows:
        if header and len(row) == len(header):
            cells = [f"{h}：{c}" for h, c in zip(header, row) if c]
        else:
            cells = [c for c in row if c]
        if cells:
            out.append("；".join(cells) + "。")
    return out


def exhausted(exc: RecursionError | MemoryError, options: FormatOptions) -> FormatError:
    """The reason shown for a file whose parsing ran out of stack or memory."""
    if isinstance(exc, RecursionError):
        return FormatError("nested too deeply to read (hostile or broken structure)")
    return FormatError(f"parsing needs more memory than the {options.max_memory // 2**20:,} MiB limit (max_memory); hostile or broken file")
