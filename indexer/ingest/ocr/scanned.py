"""Scanned PDF pages: which pages have no text layer, at what resolution they were scanned, and their image.

A page is scanned when it has (almost) no characters in its text layer; a PDF can mix typed and scanned pages,
so this is decided per page. Such a page is rendered through PDFium at the resolution of the scan it holds
(its largest image's pixels per inch of page), clamped to OCR_MIN_DPI–OCR_MAX_DPI: below 150 dpi Chinese
characters lose strokes, above 300 dpi OCR only gets slower. The rendered size is checked before rendering,
so a page declaring a huge media box cannot make a huge bitmap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.ingest.formats.base import FormatError
from indexer.ingest.ocr import MAX_IMAGE_PIXELS, MAX_OCR_PAGES, OCR_DPI, OCR_MAX_DPI, OCR_MIN_DPI, PAGE_TEXT_CHARS
from indexer.ingest.ocr.images import PageImage


def has_text(page: pdfium.PdfPage) -> bool:
    """True when the page's text layer has at least PAGE_TEXT_CHARS visible characters."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    return sum(1 for c in text if not c.isspace()) >= PAGE_TEXT_CHARS


def scan_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the scan on the page (its largest image), clamped to OCR_MIN_DPI–OCR_MAX_DPI; OCR_DPI if none."""
    width_inches = page.get_width() / 72
    best = 0
    dpi = float(OCR_DPI)
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        w, h = obj.get_px_size()
        if w * h > best and width_inches > 0:
            left, _, right, _ = obj.get_bounds()
            shown = (right - left) / 72 or width_inches
            best, dpi = w * h, w / shown
    return min(OCR_MAX_DPI, max(OCR_MIN_DPI, dpi))


def render(page: pdfium.PdfPage, dpi: float, *, number: int = 1, max_pixels: int = MAX_IMAGE_PIXELS) -> PageImage:
    """The page as greyscale pixels at `dpi` (lowered to fit max_pixels, down to OCR_MIN_DPI; below that refused)."""
    w_in, h_in = page.get_width() / 72, page.get_height() / 72
    if w_in * h_in * dpi * dpi > max_pixels:
        dpi = math.sqrt(max_pixels / max(w_in * h_in, 1e-9))
        if dpi < OCR_MIN_DPI:
            raise FormatError(
                f"page {number} is {w_in:,.0f} × {h_in:,.0f} inches: too large to OCR at {OCR_MIN_DPI} dpi"
                f" (over the {max_pixels:,}-pixel limit, max_image_pixels)"
            )
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        pixels = bitmap.to_numpy().reshape(bitmap.height, bitmap.width).copy()  # the bitmap's memory goes with it
    finally:
        bitmap.close()
    return PageImage(pixels, dpi)


def render_page(doc: pdfium.PdfDocument, index: int, *, max_pixels: int = MAX_IMAGE_PIXELS) -> PageImage:
    """Page `index` of an open document as greyscale pixels at its scan's resolution (see render)."""
    page = doc[index]
    try:
        return render(page, scan_dpi(page), number=index + 1, max_pixels=max_pixels)
    finally:
        page.close()


def scanned_pages(data: bytes, *, max_pages: int = MAX_OCR_PAGES) -> Iterator[tuple[int, int, PageImage]]:
    """(page index, number of scanned pages, image) for each page of the PDF without a text layer, at its scan's resolution."""
    doc = pdfium.PdfDocument(data)
    try:
        scanned = [i for i in range(len(doc)) if not _has_text_at(doc, i)]
        if len(scanned) > max_pages:
            raise FormatError(f"{len(scanned):,} scanned pages, over the {max_pages:,}-page OCR limit (max_ocr_pages)")
        for i in scanned:
            yield i, len(scanned), render_page(doc, i)
    finally:
        doc.close()


def _has_text_at(doc: pdfium.PdfDocument, i: int) -> bool:
    page = doc[i]
    try:
        return has_text(page)
    finally:
        page.close()
