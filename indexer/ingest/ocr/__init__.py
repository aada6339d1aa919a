"""OCR of scanned reports: page images → text lines with boxes → the same blocks as every other format.

The pieces, each usable on its own (the ingest stage calls them inside the resource-limited child):
- images.py: page images (PNG, JPEG, TIFF with any number of pages) checked from their headers (pixel count,
  page count) before anything is decoded, then decoded to greyscale arrays;
- scanned.py: which pages of a PDF are scans (no text layer, an image), and those pages rendered as images;
- engines.py: the OCR engine (RapidOCR, PP-OCR models shipped inside the wheel; Tesseract for comparison)
  run on one page image under a CPU-time budget → OcrBox lines with confidences;
- pages.py: boxes → lines in reading order (columns detected) → the layout dialect and Blocks, through the
  same paragraph, heading and page-furniture rules as PDF text (rules.py imports them from where they live);
- session.py: one file's pages in the parsing child (cached pages reused, each page under its budget, progress),
  cache.py: the pages cached by content hash under the index root (the parent's side); read.py: whole files
  with an engine already loaded (the bench, the tests).

The OCR dependencies (onnxruntime, OpenCV) are an extra: `pip install -e '.[ocr]'`. Nothing downloads a
model at run time: the models are files inside the installed wheel.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.ingest.formats.base import FormatError
from indexer.limits import MAX_IMAGE_PIXELS, MAX_OCR_PAGES, OCR_PAGE_SECONDS

__all__ = [
    "APT_INSTALL", "MAX_IMAGE_PIXELS", "MAX_OCR_PAGES", "OCR_PAGE_SECONDS", "PIP_INSTALL", "OcrBox", "OcrPage",
    "OcrUnavailable", "PageTimeout",
]
OCR_DPI = 200  # scanned PDF pages are rendered at the scan's own resolution, clamped to [OCR_MIN_DPI, OCR_MAX_DPI]
OCR_MIN_DPI = 150
OCR_MAX_DPI = 300
PAGE_TEXT_CHARS = 10  # a PDF page with fewer visible characters in its text layer than this is scanned (if it has an image)
OCR_MAX_SIDE = 3508  # pixels: a larger page image is scaled down to this long side (A4 at 300 dpi) before OCR

PIP_INSTALL = "pip install -e '.[ocr]'"
APT_INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"


class OcrUnavailable(FormatError):
    """The OCR engine is not installed: the file is skipped; the message says which command installs it."""


class PageTimeout(FormatError):
    """One page took more than its CPU-time budget."""


@dataclass(frozen=True)
class OcrBox:
    """One line (or piece of a line) of text as the engine found it: pixel box, text and confidence 0–1."""

    x0: float
    y0: float  # top (image coordinates: y grows downwards)
    x1: float
    y1: float  # bottom
    text: str
    confidence: float
    size: float = 0.0  # height of the line's ink in pixels (ocr/sizes.py); 0.0 when not measured: the box height is used


@dataclass(frozen=True)
class OcrPage:
    """One OCR'd page: its boxes, its size in pixels and its resolution (dots per inch)."""

    boxes: tuple[OcrBox, ...]
    width: int
    height: int
    dpi: float

    def confidence(self) -> float:
        """Mean confidence of the page's text, weighted by characters (1.0 for an empty page)."""
        chars = sum(len(b.text) for b in self.boxes)
        return sum(b.confidence * len(b.text) for b in self.boxes) / chars if chars else 1.0
