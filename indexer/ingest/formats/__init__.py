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

from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING

from indexer.ingest.formats.base import (
    SUPPORTED_SUFFIXES,
    Extracted,
    FormatError,
    FormatOptions,
    clean_title_hint,
    exhausted,
    is_supported,
    table_rows,
)

if TYPE_CHECKING:
    from indexer.ingest.ocr.session import FileOcr

# The package's interface: what callers import from indexer.ingest.formats (the types live in formats/base.py).
__all__ = [
    "SUPPORTED_SUFFIXES", "Extracted", "FormatError", "FormatOptions", "clean_title_hint", "exhausted", "extract",
    "extract_converted", "is_supported", "table_rows",
]


def extract(data: bytes, name: str, options: FormatOptions | None = None, encoding: str | None = None,
            ocr: FileOcr | None = None) -> Extracted:
    """The file's text in the layout dialect (see module doc); FormatError says why a file cannot be used.

    The format comes from the content (sniff); a .doc/RTF is converted in this process (the corpus loader
    converts in the parent and reads the output in the child: extract_converted). encoding (the catalog's, for
    text and HTML files) overrides what the bytes declare. ocr: how scanned pages are read (PDF pages without
    a text layer, page images); without it they are not read.
    """
    options = options or FormatOptions()
    return _guarded(lambda: _extract(data, name, options, encoding, ocr), options)


def extract_converted(data: bytes, kind: str, options: FormatOptions | None = None) -> Extracted:
    """What the .doc converter produced (formats.doc.convert: "docx" or "text") as the report's text."""
    from indexer.ingest.formats import doc

    options = options or FormatOptions()
    return _guarded(lambda: doc.read_converted(data, kind, options), options)


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


def _extract(data: bytes, name: str, options: FormatOptions, encoding: str | None, ocr: FileOcr | None) -> Extracted:
    # Each format module is imported when a file of its kind comes: pypdfium2, lxml and trafilatura are slow to import.
    from indexer.ingest.formats.sniff import CONVERTED, image_claimed_as_document, mismatch, sniff

    found = sniff(data)
    if found.kind == "other" or image_claimed_as_document(found, name):
        raise FormatError(f"the content is {found.what}, not a report (PDF, Word, web page or text)")
    if found.kind == "pdf":
        from indexer.ingest.formats import pdf

        out = pdf.extract(data, name, options, ocr)
    elif found.kind == "image":
        from indexer.ingest.formats import image

        out = image.extract(data, found.what, options, ocr)
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
