"""Hostile scans: refused by name in the parsing child, before anything is decoded and before the OCR engine loads.

An image bomb (a tiny PNG declaring 100,000 × 100,000 pixels), a TIFF declaring more pages than MAX_OCR_PAGES,
a TIFF whose page list loops, a scanned PDF page with a 200-inch media box, a scanned PDF with more scanned
pages than the limit: each is skipped with its reason and the rest of the corpus is indexed. A page that takes
longer than its CPU budget is refused naming the page (slow: it loads the engine).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from bench.data import hostile_files as hf
from bench.data import report_files as rf
from indexer.ingest.corpus import load_corpus
from indexer.ingest.formats import FormatOptions
from indexer.limits import MAX_IMAGE_PIXELS, MAX_OCR_PAGES

NO_CONVERTER = FormatOptions(doc_converter=None)


def image_pdf(pages: int, *, inches: float = 8.27) -> bytes:
    """An image-only PDF: `pages` pages of `inches` width, each one small grey image (a scan without text)."""
    from PIL import Image

    images = [Image.new("L", (64, 64), 200) for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=64 / inches)
    return buf.getvalue()


@pytest.fixture()
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the OCR engine fails the test (in the forked children too): every refusal comes before it."""
    from indexer.ingest.ocr import session

    def load(name: str):
        raise AssertionError("the OCR engine was loaded")

    monkeypatch.setattr(session, "load_engine", load)


def test_hostile_scans_are_refused_by_name_and_the_rest_is_indexed(tmp_path: Path, no_engine):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "report.md").write_text(rf.as_markdown(), encoding="utf-8")
    bomb = hf.png_bomb()
    assert len(bomb) < 100
    (root / "bomb.png").write_bytes(bomb)
    (root / "pages.tif").write_bytes(hf.tiff_pages(MAX_OCR_PAGES + 1, 10, 10))
    loop = bytearray(hf.tiff_pages(2, 10, 10))
    loop[-4:] = struct.pack("<I", 8)  # the last page points back at the first
    (root / "loop.tif").write_bytes(bytes(loop))
    (root / "huge-page.pdf").write_bytes(image_pdf(1, inches=200))
    (root / "long-scan.pdf").write_bytes(image_pdf(4))
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(20))
    load = load_corpus(root, formats=FormatOptions(doc_converter=None, max_ocr_pages=3))
    reasons = {s.file: s.reason for s in load.skipped}
    assert reasons == {
        "bomb.png": f"image bomb? declares 100,000 × 100,000 pixels (10,000,000,000), over the {MAX_IMAGE_PIXELS:,}-pixel"
                    " limit (max_image_pixels)",
        "pages.tif": "over 3 pages, over the 3-page OCR limit (max_ocr_pages)",
        "loop.tif": "broken TIFF: its page list loops back on itself",
        "huge-page.pdf": f"page 1 is 200 × 200 inches: too large to OCR at 150 dpi (over the {MAX_IMAGE_PIXELS:,}-pixel"
                         " limit, max_image_pixels)",
        "long-scan.pdf": "4 scanned pages, over the 3-page OCR limit (max_ocr_pages)",
        "broken.jpg": "not a readable JPEG (broken marker structure)",
    }
    assert [r.file for r in load.reports] == ["report.md"]
    assert [p.text for p in load.reports[0].paragraphs] == rf.body_texts()


def test_the_default_page_limit_refuses_a_tiff_declaring_more_pages(tmp_path: Path, no_engine):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "report.md").write_text(rf.as_markdown(), encoding="utf-8")
    (root / "pages.tif").write_bytes(hf.tiff_pages(MAX_OCR_PAGES + 1, 10, 10))
    reasons = {s.file: s.reason for s in load_corpus(root, formats=NO_CONVERTER).skipped}
    assert reasons == {"pages.tif": f"over {MAX_OCR_PAGES} pages, over the {MAX_OCR_PAGES}-page OCR limit (max_ocr_pages)"}


@pytest.mark.slow  # loads the engine and OCRs a page for a second
def test_a_page_over_its_cpu_budget_is_refused_naming_the_page_in_the_child(tmp_path: Path):
    from bench.data import scans
    from tests.helpers.scanned import DPI, SHORT, pages

    root = tmp_path / "corpus"
    root.mkdir()
    (root / "report.md").write_text(rf.as_markdown(), encoding="utf-8")
    (root / "scan.pdf").write_bytes(scans.as_image_pdf(pages(SHORT), DPI))
    # 0.05 CPU seconds: less than any machine needs for one page (a second was not always enough to fail)
    load = load_corpus(root, formats=FormatOptions(doc_converter=None, ocr_page_seconds=0.05))
    assert {s.file: s.reason for s in load.skipped} == {
        "scan.pdf": "page 1 takes over 0.05 CPU seconds to OCR (ocr_page_seconds)",
    }
    assert [r.file for r in load.reports] == ["report.md"]
