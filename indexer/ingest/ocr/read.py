"""Whole files through OCR: a page image file or the scanned pages of a PDF → OcrPages, one page at a time.

These are the calls ingest makes inside its resource-limited child. Each page is straightened, then read by
the engine under its own CPU budget; `progress(done, total)` is called after each page so the caller can
show a progress line. Pages are OCR'd in order and each page's pixels are dropped before the next is decoded.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.ingest.ocr import MAX_OCR_PAGES, OCR_PAGE_SECONDS, OcrPage
from indexer.ingest.ocr.deskew import deskew
from indexer.ingest.ocr.engines import Engine
from indexer.ingest.ocr.images import PageImage, declared_sizes, read_pages
from indexer.ingest.ocr.scanned import scanned_pages
from indexer.ingest.ocr.sizes import with_sizes

Progress = Callable[[int, int], None]


def ocr_page(engine: Engine, image: PageImage, *, budget: float = OCR_PAGE_SECONDS) -> OcrPage:
    """One page image straightened and read: its text lines with boxes and confidences."""
    page = deskew(image)
    boxes = with_sizes(page.pixels, engine.recognize(page.pixels, budget=budget, dpi=page.dpi))
    height, width = page.pixels.shape
    return OcrPage(tuple(boxes), width, height, page.dpi)


def ocr_image_file(
    data: bytes, engine: Engine, *, max_pages: int = MAX_OCR_PAGES, budget: float = OCR_PAGE_SECONDS,
    progress: Progress | None = None,
) -> list[OcrPage]:
    """Every page of a PNG/JPEG/TIFF file OCR'd; FormatError (by name) for an image bomb or too many pages, before decoding."""
    total = len(declared_sizes(data, max_pages=max_pages))
    pages = []
    for image in read_pages(data, max_pages=max_pages):
        pages.append(ocr_page(engine, image, budget=budget))
        if progress:
            progress(len(pages), total)
    return pages


def ocr_scanned_pdf(
    data: bytes, engine: Engine, *, max_pages: int = MAX_OCR_PAGES, budget: float = OCR_PAGE_SECONDS,
    progress: Progress | None = None,
) -> dict[int, OcrPage]:
    """{page index: OCR'd page} for each page of the PDF without a text layer (typed pages are not in it)."""
    out: dict[int, OcrPage] = {}
    for index, total, image in scanned_pages(data, max_pages=max_pages):
        out[index] = ocr_page(engine, image, budget=budget)
        if progress:
            progress(len(out), total)
    return out
