"""Scanned PDF pages: which pages are scans, at what resolution they were scanned, and their image.

A page is scanned when it has (almost) no characters in its text layer and holds an image; a PDF can mix
typed and scanned pages, so this is decided per page (formats/pdf.py counts its characters itself). Such a
page is rendered through PDFium at the resolution of the scan it holds (its largest image's pixels per inch),
clamped to OCR_MIN_DPI–OCR_MAX_DPI: below 150 dpi Chinese characters lose strokes, above 300 dpi OCR only
gets slower. The rendered size is checked before rendering, so a page declaring a huge media box cannot make
a huge bitmap.
"""

from __future__ import annotations

import math

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.ingest.formats.base import FormatError
from indexer.ingest.ocr import MAX_IMAGE_PIXELS, OCR_DPI, OCR_MAX_DPI, OCR_MIN_DPI, PAGE_TEXT_CHARS
from indexer.ingest.ocr.images import PageImage


def has_image(page: pdfium.PdfPage) -> bool:
    """True when the page draws an image (a scan), looking into form XObjects two levels down."""
    return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)), None) is not None


def is_scanned(page: pdfium.PdfPage) -> bool:
    """A scanned page: fewer than PAGE_TEXT_CHARS visible characters in its text layer, and an image."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
    finally:
        textpage.close()
    return sum(1 for c in text if not c.isspace()) < PAGE_TEXT_CHARS and has_image(page)


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
