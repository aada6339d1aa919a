"""Page images (PNG, JPEG, TIFF with any number of pages) → text by OCR, laid out like a scanned PDF's pages.

A photographed handout or a scanner's TIFF is a report of one or more page images. Each page's declared size
is checked from the file's header before anything is decoded (indexer/ingest/ocr/images.py: image bombs are
refused by name), then each page is OCR'd (indexer/ingest/ocr/session.py) and the pages are laid out by the
same line rules as PDF text (ocr/pages.py). Without an OCR engine the file is skipped with the install command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.ingest.formats.base import Extracted, FormatError, FormatOptions

if TYPE_CHECKING:
    from indexer.ingest.ocr.session import FileOcr


def extract(data: bytes, what: str, options: FormatOptions, ocr: FileOcr | None) -> Extracted:
    """The page image file's text in the layout dialect; FormatError (by name) for a bomb or too many pages."""
    from indexer.ingest.ocr.images import declared_sizes
    from indexer.ingest.ocr.pages import layout_text
    from indexer.ingest.ocr.session import image_file_pages

    declared_sizes(data, max_pages=options.max_ocr_pages, max_pixels=options.max_image_pixels)  # bombs: refused first
    if ocr is None:
        raise FormatError(f"the content is {what}: a scanned page, read only by OCR, which is off")
    text = layout_text(image_file_pages(ocr, data))
    if not text.strip():
        raise FormatError(f"the content is {what} and OCR found no text on it")
    return Extracted(text=text, format="image")
