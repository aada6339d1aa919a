"""PDF text layers (pypdfium2): page furniture, wrapping, indents, headings, fake bold, CJK, titles, limits."""

from __future__ import annotations

import io
import re

import pytest

from bench.data import report_files as rf
from indexer.ingest.formats import FormatError, FormatOptions, extract
from indexer.ingest.layout import parse_blocks


@pytest.fixture(scope="module")
def pdf_text() -> str:
    return extract(rf.as_pdf(), "report.pdf").text


def test_wrapped_lines_rejoin_into_the_reports_paragraphs(pdf_text):
    assert rf.bodies(pdf_text) == rf.body_texts()


@pytest.mark.parametrize("footer", ["— {n} —", "-{n}-", "第{n}页", "第 {n} 页 共 3 页", "{n}"])
def test_running_header_and_page_numbers_are_dropped(footer):
    data = rf.as_pdf(footer=footer)
    text = extract(data, "report.pdf").text
    assert text.count(rf.TITLE) == 1  # the title heading stays; the running header on every page goes
    assert not re.search(r"^\W*[-—]?\s*\d\s*[-—]?\W*$|第\s*\d\s*页", text, re.M)
    assert rf.bodies(text) == rf.body_texts()


def test_headings_title_and_bold_leads_are_recognised(pdf_text):
    lines = pdf_text.splitlines()
    assert "# " + rf.TITLE in lines
    assert "## 一、2023年工作回顾" in lines and "## 二、2024年工作安排" in lines
    leads = [b.lead for b in parse_blocks(pdf_text) if b.kind == "body" and b.lead]
    assert "坚持服务大局。" in leads and "坚持诉源治理。" in leads


def test_fake_bold_is_read_once(pdf_text):
    # The leads and headings are drawn twice 0.35 pt apart: one copy is text, the other only makes it bold.
    assert "坚坚" not in pdf_text and "一一" not in pdf_text and "平平" not in pdf_text
    plain = extract(rf.as_pdf(fake_bold=False), "report.pdf").text
    assert rf.bodies(plain) == rf.bodies(pdf_text)


def test_cjk_text_layer_has_no_cid_garbage(pdf_text):
    assert not re.search("[\ue000-\uf8ff\ufffd\x00-\x08]", pdf_text)
    assert "为平湖经济社会高质量发展提供了有力司法服务和保障" in pdf_text


def test_junk_title_metadata_is_ignored_and_a_real_one_kept():
    for junk in ("Microsoft Word - 文档1.docx", "report.pdf", "Untitled", "平湖报告.doc"):
        assert extract(rf.as_pdf(metadata_title=junk), "report.pdf").title_hint is None, junk
    good = extract(rf.as_pdf(metadata_title="平湖市人民法院2023年工作报告"), "report.pdf")
    assert good.title_hint == "平湖市人民法院2023年工作报告"


def test_libreoffice_pdf_with_embedded_cjk_fonts(tmp_path):
    """A PDF as Word/LibreOffice exports it (Noto CJK subset embedded, header and 第N页 footer fields)."""
    data = rf.convert(rf.as_docx(), ".docx", "pdf", tmp_path)
    text = extract(data, "exported.pdf").text
    assert rf.bodies(text) == rf.body_texts()
    assert "# " + rf.TITLE in text.splitlines() and "第3页" not in text


def _image_only_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(2):
        for row in range(40):  # a "scan": strokes and boxes, no text objects
            c.rect(72, 100 + row * 16, 300 + (row * 37 + page) % 150, 8, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_scanned_pdf_is_refused_with_the_reason():
    with pytest.raises(FormatError, match=r"no text layer \(scanned\?\)"):
        extract(_image_only_pdf(), "scan.pdf")


def test_encrypted_and_corrupt_pdfs_are_refused():
    with pytest.raises(FormatError, match="encrypted PDF"):
        extract(rf.as_pdf(password="secret"), "locked.pdf")
    with pytest.raises(FormatError, match="not a readable PDF"):
        extract(b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt.pdf")
    with pytest.raises(FormatError, match="not a readable PDF"):
        extract(rf.as_pdf()[:300], "truncated.pdf")


def test_page_and_character_limits():
    data = rf.as_pdf()
    with pytest.raises(FormatError, match=r"3 pages, over the 2-page limit \(max_pages\)"):
        extract(data, "long.pdf", FormatOptions(max_pages=2))
    with pytest.raises(FormatError, match=r"page 1 has [\d,]+ characters, over the 100 limit \(max_page_chars\)"):
        extract(data, "dense.pdf", FormatOptions(max_page_chars=100))


def test_latin_words_keep_their_spaces_and_cjk_gets_none():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "The Supreme People's Court reviewed 3,000 cases.")
    c.setFont("STSong-Light", 12)
    c.drawString(96, 680, "最高人民法院审结案件3000件，同比上升。")  # indented: a new paragraph
    c.save()
    lines = extract(buf.getvalue(), "mixed.pdf").text.strip().split("\n\n")
    assert lines[:2] == ["The Supreme People's Court reviewed 3,000 cases.", "最高人民法院审结案件3000件，同比上升。"]
