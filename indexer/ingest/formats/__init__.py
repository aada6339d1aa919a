"""Report files as people have them → text in the layout dialect of indexer.ingest.layout, plus metadata hints.

One small interface for every format: ``extract(data, name, options) -> Extracted``. The parser is chosen by
the file's content (formats/sniff.py: magic bytes), not by its name; the name only words the messages. Each format module turns
its file into plain text where paragraphs are separated by blank lines, headings are ``#`` lines and bold
leads are ``**lead**`` (the same dialect the .txt/.md reports use), so layout.parse_blocks and everything
after it treat every format alike. A file that cannot be used raises FormatError with the reason to show.

Formats parse untrusted files: every limit that bounds memory on hostile input lives in FormatOptions, and
the corpus loader runs them in a resource-limited child (formats/isolate.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from indexer.limits import (
    DOC_CONVERTER_SECONDS,
    MAX_PDF_PAGE_CHARS,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    MAX_UNZIPPED_BYTES,
    MAX_XML_ELEMENTS,
    PARSER_MAX_CPU_SECONDS,
    PARSER_MAX_MEMORY,
)

# The one list of report file types the corpus walk (and `add DIR`) picks up.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", ".doc", ".html", ".htm")


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


@dataclass
class Extracted:
    """A file's text in the layout dialect, its format and what the file itself says about its metadata."""

    text: str
    format: str  # "text", "pdf", "docx", "doc", "html"
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


def extract(data: bytes, name: str, options: FormatOptions | None = None, encoding: str | None = None) -> Extracted:
    """The file's text in the layout dialect (see module doc); FormatError says why a file cannot be used.

    The format comes from the content (sniff); a .doc/RTF is converted in this process (the corpus loader
    converts in the parent and reads the output in the child: extract_converted). encoding (the catalog's, for
    text and HTML files) overrides what the bytes declare.
    """
    options = options or FormatOptions()
    return _guarded(lambda: _extract(data, name, options, encoding), options)


def extract_converted(data: bytes, kind: str, options: FormatOptions | None = None) -> Extracted:
    """What the .doc converter produced (formats.doc.convert: "docx" or "text") as the report's text."""
    from indexer.ingest.formats import doc

    options = options or FormatOptions()
    return _guarded(lambda: doc.read_converted(data, kind, options), options)


def exhausted(exc: RecursionError | MemoryError, options: FormatOptions) -> FormatError:
    """The reason shown for a file whose parsing ran out of stack or memory."""
    if isinstance(exc, RecursionError):
        return FormatError("nested too deeply to read (hostile or broken structure)")
    return FormatError(f"parsing needs more memory than the {options.max_memory // 2**20:,} MiB limit (max_memory); hostile or broken file")


def _guarded(read: Callable[[], Extracted], options: FormatOptions) -> Extracted:
    failure = None
    try:
        out = read()
    except (RecursionError, MemoryError) as exc:
        failure = exhausted(exc, options)
    if failure is not None:  # raised outside the handler: the parser's frames (and what they hold) are gone
        raise failure
    if len(out.text) > options.max_text:
        raise FormatError(f"yields {len(out.text):,} characters of text, over the {options.max_text:,} limit (max_text)")
    return out


# When a file's bytes are not text either, the reason is worded after what its name claims.
_NOT_TEXT_EITHER = {
    ".pdf": "not a readable PDF (no %PDF- signature, and not text either)",
    ".docx": "not a .docx (not a zip archive; a renamed .doc? save it as .docx)",
    ".doc": "not a Word .doc (no Word file signature, and not text either)",
}


def _extract(data: bytes, name: str, options: FormatOptions, encoding: str | None) -> Extracted:
    from indexer.ingest.formats.sniff import CONVERTED, mismatch, sniff

    found = sniff(data)
    if found.kind == "other":
        raise FormatError(f"the content is {found.what}, not a report (PDF, Word, web page or text)")
    if found.kind == "pdf":
        from indexer.ingest.formats import pdf

        out = pdf.extract(data, name, options)
    elif found.kind == "docx":
        from indexer.ingest.formats import docx

        out = docx.extract(data, name, options)
    elif found.kind in CONVERTED:
        from indexer.ingest.formats import doc

        out = doc.extract(data, options)
    elif found.kind == "html":
        from indexer.ingest.formats import html

        out = html.extract(data, name, options, encoding)
    else:
        from indexer.ingest.formats import text

        try:
            out = text.extract(data, encoding)
        except FormatError:
            claimed = _NOT_TEXT_EITHER.get(PurePath(name).suffix.lower())
            if claimed:
                raise FormatError(claimed) from None
            raise
    if warning := mismatch(found, name):
        out.warnings.append(warning)
    return out
