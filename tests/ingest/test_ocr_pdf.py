"""A PDF mixing typed and scanned pages: the typed pages keep their text layer, only the scanned ones are OCR'd."""

from __future__ import annotations

import io
import sys

import pytest

from bench.data import scans
from bench.data.report_files import REPORT
from indexer.ingest.formats import FormatOptions, extract
from indexer.ingest.layout import parse_blocks
from indexer.ingest.ocr.engines import engine_id
from indexer.ingest.ocr.session import EngineSlot, FileOcr
from tests.helpers.scanned import DPI, pages

OPTIONS = FormatOptions(doc_converter=None)


@pytest.fixture(scope="module")
def mixed() -> tuple[bytes, scans.Typeset]:
    """Page 1 typed (text layer), page 2 the same typesetting's page 2 scanned (an image, no text)."""
    import pypdfium2 as pdfium

    typeset = scans.typeset(REPORT)
    typed, scanned = pdfium.PdfDocument(typeset.pdf), pdfium.PdfDocument(scans.as_image_pdf(pages(REPORT)[:2], DPI))
    out = pdfium.PdfDocument.new()
    out.import_pages(typed, [0])
    out.import_pages(scanned, [1])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue(), typeset


def body_text(text: str) -> str:
    return scans.compact("".join(b.text for b in parse_blocks(text)))


@pytest.mark.slow  # OCRs one page
def test_only_the_scanned_page_is_ocrd_and_both_pages_read_in_order(mixed):
    data, typeset = mixed
    ocr = FileOcr.for_options(EngineSlot(), engine_id(), OPTIONS)
    text = extract(data, "mixed.pdf", OPTIONS, ocr=ocr).text
    assert sorted(ocr.pages) == [1] and ocr.made == 1
    summary = ocr.summary()
    assert summary is not None and summary.pages == 1 and summary.engine.startswith("rapidocr")
    drawn = [line for page in typeset.pages[:2] for line in page[1:-1]]  # running header and page number dropped
    want, got = scans.compact("".join(drawn)), body_text(text)
    assert 1 - scans.edit_distance(want, got) / len(want) >= 0.98
    again = FileOcr.for_options(EngineSlot(), engine_id(), OPTIONS, cached=ocr.pages)  # from the cache: not read
    assert extract(data, "mixed.pdf", OPTIONS, ocr=again).text == text and again.made == 0


def test_without_the_engine_the_typed_pages_are_kept_and_the_scanned_ones_named(mixed, monkeypatch):
    data, _ = mixed
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    out = extract(data, "mixed.pdf", OPTIONS, ocr=FileOcr.for_options(EngineSlot(), "", OPTIONS))
    assert out.warnings == ["page(s) 2 are scanned and were not read: the OCR engine is not installed"
                            " (rapidocr_onnxruntime missing): install it with pip install -e '.[ocr]'"]
    assert scans.compact("现在，我代表平湖市人民法院向大会报告工作，请予审议。") in body_text(out.text)  # page 1's text


def test_with_ocr_off_a_scanned_pdf_says_so_and_a_mixed_one_warns(mixed):
    data, _ = mixed
    assert extract(data, "mixed.pdf", OPTIONS).warnings == ["page(s) 2 are scanned and were not read (OCR is off)"]
    with pytest.raises(ValueError, match=r"no text layer \(scanned\?\): OCR is off"):
        extract(scans.as_image_pdf(pages(REPORT)[:1], DPI), "scan.pdf", OPTIONS)
