"""Whole files through OCR with an engine already loaded: a page image file or the scanned pages of a PDF → OcrPages.

The bench (bench/ocr.py) and the OCR tests read files this way; ingest reads them through the format readers
(formats/image.py, formats/pdf.py), which take the same path: session.FileOcr, page by page, each page
straightened and read under its own CPU budget, `progress(done, total)` after each page.
"""

from __future__ import annotations

from indexer.ingest.ocr import MAX_OCR_PAGES, OCR_PAGE_SECONDS, OcrPage
from indexer.ingest.ocr.engines import Engine
from indexer.ingest.ocr.session import EngineSlot, FileOcr, Progress, image_file_pages


def _file_ocr(engine: Engine, max_pages: int, budget: float, progress: Progress | None) -> FileOcr:
    return FileOcr(EngineSlot.holding(engine), engine.name, progress=progress, max_pages=max_pages, page_seconds=budget)


def ocr_image_file(
    data: bytes, engine: Engine, *, max_pages: int = MAX_OCR_PAGES, budget: float = OCR_PAGE_SECONDS,
    progress: Progress | None = None,
) -> list[OcrPage]:
    """Every page of a PNG/JPEG/TIFF file OCR'd; FormatError (by name) for an image bomb or too many pages, before decoding."""
    return image_file_pages(_file_ocr(engine, max_pages, budget, progress), data)


def ocr_scanned_pdf(
    data: bytes, engine: Engine, *, max_pages: int = MAX_OCR_PAGES, budget: float = OCR_PAGE_SECONDS,
    progress: Progress | None = None,
) -> dict[int, OcrPage]:
    """{page index: OCR'd page} for each scanned page of the PDF (scanned.is_scanned; typed pages are not in it)."""
    import pypdfium2 as pdfium

    from indexer.ingest.ocr.scanned import is_scanned, render_page

    doc = pdfium.PdfDocument(data)
    try:
        scanned = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                if is_scanned(page):
                    scanned.append(i)
            finally:
                page.close()
        return _file_ocr(engine, max_pages, budget, progress).read(scanned, lambda i: render_page(doc, i))
    finally:
        doc.close()
