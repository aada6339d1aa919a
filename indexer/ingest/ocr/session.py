"""OCR of one file (inside the parsing child, for ingest): pages from the cache or read now, each under its own CPU budget.

The parent (corpus.py) looks the file up in the OCR cache (ocr/cache.py) and sends the cached pages along
with the file's bytes; the child reads only the pages the cache does not have, and sends back every page it
used, so the parent can store the new ones. The engine is loaded once per parsing child, on the first page
it has to read (EngineSlot): a reindex whose scans are all cached never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from indexer.ingest.formats.base import FormatError, FormatOptions
from indexer.ingest.formats.cpu import OCR_PAGE_SLACK, allow_cpu
from indexer.ingest.ocr import MAX_IMAGE_PIXELS, MAX_OCR_PAGES, OCR_PAGE_SECONDS, OcrPage, PageTimeout
from indexer.ingest.ocr.deskew import deskew
from indexer.ingest.ocr.engines import DEFAULT_ENGINE, Engine, load_engine
from indexer.ingest.ocr.images import PageImage
from indexer.ingest.ocr.sizes import with_sizes
from indexer.model import OcrSummary

Progress = Callable[[int, int], None]  # (pages done, pages of the file)


def ocr_page(engine: Engine, image: PageImage, *, budget: float = OCR_PAGE_SECONDS) -> OcrPage:
    """One page image straightened and read: its text lines with boxes, confidences and ink heights."""
    page = deskew(image)
    boxes = with_sizes(page.pixels, engine.recognize(page.pixels, budget=budget, dpi=page.dpi))
    height, width = page.pixels.shape
    return OcrPage(tuple(boxes), width, height, page.dpi)


class EngineSlot:
    """The OCR engine of one process, loaded on first use (made in the parent, loaded in each parsing child)."""

    def __init__(self, name: str = DEFAULT_ENGINE) -> None:
        self.name = name
        self._engine: Engine | None = None

    @classmethod
    def holding(cls, engine: Engine) -> EngineSlot:
        """A slot with an engine already loaded (the bench and tests load one and read many files with it)."""
        slot = cls(engine.name)
        slot._engine = engine
        return slot

    def get(self) -> Engine:
        """The engine, loaded now if it is not yet; OcrUnavailable (with the install command) when it is missing."""
        if self._engine is None:
            self._engine = load_engine(self.name)
        return self._engine


@dataclass
class FileOcr:
    """OCR for one file: the engine slot, limits, the cached pages (page index → OcrPage) and a progress callback.

    After reading, `pages` holds every page used (cached or read now) and `made` how many were read now.
    """

    slot: EngineSlot
    engine_id: str  # the engine's name and version as the cache knows it ("rapidocr 1.4.4"); "" when not installed
    cached: dict[int, OcrPage] = field(default_factory=dict)
    progress: Progress | None = None
    max_pages: int = MAX_OCR_PAGES
    max_pixels: int = MAX_IMAGE_PIXELS
    page_seconds: float = OCR_PAGE_SECONDS
    pages: dict[int, OcrPage] = field(default_factory=dict)
    made: int = 0
    engine: str = ""

    @classmethod
    def for_options(cls, slot: EngineSlot, engine_id: str, options: FormatOptions, cached: dict[int, OcrPage] | None = None,
                    progress: Progress | None = None) -> FileOcr:
        """A FileOcr with the limits of `options` (max_ocr_pages, max_image_pixels, ocr_page_seconds)."""
        return cls(slot, engine_id, dict(cached or {}), progress, options.max_ocr_pages, options.max_image_pixels,
                   float(options.ocr_page_seconds))

    def read(self, indexes: Iterable[int], image: Callable[[int], PageImage], *, numbers: Callable[[int], int] | None = None,
             ) -> dict[int, OcrPage]:
        """{index: OcrPage} for each page index, from the cache or image(index) read now; FormatError past the limits."""
        wanted = list(indexes)
        if len(wanted) > self.max_pages:
            raise FormatError(f"{len(wanted):,} scanned pages, over the {self.max_pages:,}-page OCR limit (max_ocr_pages)")
        out: dict[int, OcrPage] = {}
        if self.progress is not None and wanted:
            self.progress(0, len(wanted))  # the first page is under way (the display names the page being read)
        for n, index in enumerate(wanted, 1):
            page = self.cached.get(index)
            if page is None:
                pixels = image(index)  # decoded or rendered first: a page refused by its size never loads the engine
                engine = self.slot.get()
                self.engine = self.engine or engine.name
                allow_cpu(self.page_seconds + OCR_PAGE_SLACK)
                try:
                    page = ocr_page(engine, pixels, budget=self.page_seconds)
                except PageTimeout:
                    number = numbers(index) if numbers else index + 1
                    raise PageTimeout(f"page {number} takes over {self.page_seconds:g} CPU seconds to OCR"
                                      " (ocr_page_seconds)") from None
                self.made += 1
            out[index] = self.pages[index] = page
            if self.progress is not None:
                self.progress(n, len(wanted))
        return out

    def summary(self) -> OcrSummary | None:
        """The engine, pages and mean confidence of what was read (None when no page was)."""
        if not self.pages:
            return None
        chars = [sum(len(b.text) for b in p.boxes) for p in self.pages.values()]
        total = sum(chars)
        confidence = (sum(p.confidence() * c for p, c in zip(self.pages.values(), chars)) / total) if total else 1.0
        return OcrSummary(self.engine or self.engine_id, len(self.pages), confidence)


def image_file_pages(ocr: FileOcr, data: bytes) -> list[OcrPage]:
    """Every page of a PNG/JPEG/TIFF through `ocr` (cached pages are not decoded); FormatError by name for a bomb."""
    from indexer.ingest.ocr.images import declared_sizes, read_pages

    total = len(declared_sizes(data, max_pages=ocr.max_pages, max_pixels=ocr.max_pixels))
    decoded: Any = None

    def image(index: int) -> PageImage:
        nonlocal decoded
        if decoded is None:
            decoded = enumerate(read_pages(data, max_pages=ocr.max_pages, max_pixels=ocr.max_pixels))
        for n, page in decoded:  # pages decode in order; a cached page on the way is skipped over
            if n == index:
                return page
        raise FormatError(f"page {index + 1} of the image cannot be read")

    found = ocr.read(range(total), image)
    return [found[i] for i in range(total)]
