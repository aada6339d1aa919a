"""Scanned pages made from text we control, through the OCR package, give the source paragraphs back.

The pages: bench.data.report_files.REPORT typeset by reportlab (one column, and two columns under a
full-width title), rendered at 200 dpi and degraded as scans are (bench/data/scans.py: grey paper, noise,
blur, skew up to 1°). Tolerance: a body paragraph counts as found when one OCR'd body paragraph differs
from it in at most max(2, 5 %) of its characters (scans.whole), punctuation widths folded; every body
paragraph of the source must be found, none split or run together. Characters over the pages read: ≥ 98 %
(1 − CER, running header and page-number footer included; the bench measures 99.4 % at 200 dpi).
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.data import scans
from bench.data.report_files import REPORT
from indexer.ingest.formats import FormatError
from indexer.ingest.ocr import OcrPage, PageTimeout
from indexer.ingest.ocr.engines import Engine, load_engine, tidy
from indexer.ingest.ocr.pages import ocr_blocks, reading_order
from indexer.ingest.ocr.read import ocr_image_file, ocr_scanned_pdf

pytestmark = pytest.mark.slow
DPI = 200
MIN_CHARS = 0.98


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine("rapidocr")


@pytest.fixture(scope="module")
def one_column() -> tuple[scans.Typeset, list[Any]]:
    typeset = scans.typeset(REPORT)
    return typeset, [scans.degrade(p, DPI, seed=i) for i, p in enumerate(scans.render(typeset.pdf, DPI))]


@pytest.fixture(scope="module")
def two_columns() -> tuple[scans.Typeset, list[Any]]:
    typeset = scans.typeset(REPORT, columns=2)
    return typeset, [scans.degrade(p, DPI, seed=100 + i) for i, p in enumerate(scans.render(typeset.pdf, DPI))]


def body_paragraphs(pages: list[OcrPage]) -> list[str]:
    return [b.text for b in ocr_blocks(pages) if b.kind == "body"]


def assert_same_paragraphs(pages: list[OcrPage]) -> None:
    found = body_paragraphs(pages)
    wanted = scans.bodies(REPORT)
    missing = [w for w, ok in zip(wanted, scans.whole(found, wanted)) if not ok]
    assert not missing, f"not found whole: {missing}\nOCR'd paragraphs: {found}"
    assert len(found) == len(wanted)


def assert_characters(pages: list[OcrPage], typeset: scans.Typeset) -> None:
    want = scans.compact("".join(line for drawn in typeset.pages for line in drawn))
    got = scans.compact("".join(r.text for page in pages for r in reading_order(page)))
    assert 1 - scans.edit_distance(want, got) / len(want) >= MIN_CHARS


def test_a_one_column_image_only_pdf_gives_the_source_paragraphs(engine: Engine, one_column: tuple[scans.Typeset, list[Any]]):
    typeset, images = one_column
    progress: list[tuple[int, int]] = []
    found = ocr_scanned_pdf(scans.as_image_pdf(images, DPI), engine, progress=lambda done, total: progress.append((done, total)))
    assert sorted(found) == list(range(len(images)))
    assert progress == [(n, len(images)) for n in range(0, len(images) + 1)]  # (0, n): the first page under way
    pages = [found[i] for i in sorted(found)]
    assert_same_paragraphs(pages)
    assert_characters(pages, typeset)
    assert all(0.9 <= p.confidence() <= 1.0 for p in pages)
    # Running header and page-number footer are on every page; neither is in any block.
    texts = [b.text for b in ocr_blocks(pages)]
    assert not any("— 1 —" in t or "— 2 —" in t for t in texts)
    assert sum(t == "平湖市人民法院工作报告" for t in texts) <= 1  # the title once, the running header never


def test_a_two_column_page_image_set_as_one_tiff_reads_the_left_column_first(
    engine: Engine, two_columns: tuple[scans.Typeset, list[Any]],
):
    typeset, images = two_columns
    pages = ocr_image_file(scans.as_tiff(images, DPI), engine)
    assert len(pages) == len(images) >= 2
    assert_same_paragraphs(pages)
    assert_characters(pages, typeset)


def test_a_png_page_image_reads_as_its_text(engine: Engine, one_column: tuple[scans.Typeset, list[Any]]):
    typeset, images = one_column
    (page,) = ocr_image_file(scans.as_png(images[0], DPI), engine)
    assert_characters([page], scans.Typeset(b"", typeset.pages[:1]))
    assert abs(page.dpi - DPI) < 1
    blocks = ocr_blocks([page])
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert "一、2023年工作回顾" in headings
    delivered = dict(REPORT)["delivered"]
    assert [b.kind for b in blocks if scans.compact(b.text) == scans.compact(delivered)] == ["caption"]


@pytest.mark.parametrize("read, printed", [
    ("一－2024年1月18日在平湖市第十七届人民代表大会第四次会议上", "——2024年1月18日在平湖市第十七届人民代表大会第四次会议上"),
    ("一一2024年1月18日在", "——2024年1月18日在"), ("—一在平湖市第十七届人民代表大会", "——在平湖市第十七届人民代表大会"),
    ("一－二〇二四年一月", "——二〇二四年一月"),
    ("一、2023年工作回顾", "一、2023年工作回顾"), ("一－二审案件", "一－二审案件"), ("一2024年", "一2024年"),
])
def test_a_delivery_lines_dash_misread_as_yi_is_a_dash_again(read: str, printed: str):
    assert tidy(read) == printed


def test_only_the_scanned_pages_of_a_mixed_pdf_are_ocrd(engine: Engine, one_column: tuple[scans.Typeset, list[Any]]):
    import pypdfium2 as pdfium

    typeset, images = one_column
    typed, scanned = pdfium.PdfDocument(typeset.pdf), pdfium.PdfDocument(scans.as_image_pdf(images[:2], DPI))
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(typed, [0])
    mixed.import_pages(scanned, [1])
    import io

    buf = io.BytesIO()
    mixed.save(buf)
    found = ocr_scanned_pdf(buf.getvalue(), engine)
    assert list(found) == [1]
    assert_characters([found[1]], scans.Typeset(b"", [typeset.pages[1]]))


def test_a_page_over_its_cpu_budget_is_refused_by_name(engine: Engine, one_column: tuple[scans.Typeset, list[Any]]):
    _, images = one_column
    with pytest.raises(PageTimeout, match=r"over 0\.01 CPU seconds .*ocr_page_seconds"):
        ocr_image_file(scans.as_png(images[0], DPI), engine, budget=0.01)


def test_a_scanned_pdf_over_the_page_limit_is_refused_before_any_page_is_read(
    engine: Engine, one_column: tuple[scans.Typeset, list[Any]],
):
    _, images = one_column
    with pytest.raises(FormatError, match=r"over the 1-page OCR limit \(max_ocr_pages\)"):
        ocr_scanned_pdf(scans.as_image_pdf(images[:2], DPI), engine, max_pages=1)


def test_deskew_finds_the_angle_a_page_was_scanned_at(one_column: tuple[scans.Typeset, list[Any]]):
    import numpy as np

    from indexer.ingest.ocr.deskew import skew_angle

    typeset, _ = one_column
    clean = scans.render(typeset.pdf, DPI)[0]
    for seed in range(3):
        angle = float(np.random.default_rng(seed).uniform(-1.0, 1.0))  # the angle degrade() draws for this seed
        assert skew_angle(scans.degrade(clean, DPI, seed=seed)) == pytest.approx(angle, abs=0.15)
