"""Word .docx read from its XML: styles, bold headings and leads, soft breaks, split runs, fields, tables."""

from __future__ import annotations

import io
import zipfile

import pytest

from bench.data import report_files as rf
from indexer.ingest.formats import FormatError, extract
from indexer.ingest.layout import parse_blocks
from tests.helpers.docx_xml import docx_of, p, r


@pytest.fixture(scope="module")
def docx_text() -> str:
    return extract(rf.as_docx(), "report.docx").text


def test_paragraphs_soft_breaks_and_split_runs_join(docx_text):
    assert rf.bodies(docx_text) == rf.body_texts()


def test_styles_make_headings_and_bold_runs_make_leads(docx_text):
    lines = docx_text.splitlines()
    assert "# " + rf.TITLE in lines  # the Title style
    assert "## 一、2023年工作回顾" in lines  # Heading 1 under a Title: one level down
    leads = [b.lead for b in parse_blocks(docx_text) if b.kind == "body" and b.lead]
    assert leads[:2] == ["坚持服务大局。", "坚持司法为民。"]


def test_headers_footers_and_page_fields_are_not_text(docx_text):
    assert "第3页" not in docx_text and "PAGE" not in docx_text and docx_text.count(rf.TITLE) == 1
    body = p(r("本院审结案件"), "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
             "<w:r><w:instrText> PAGE </w:instrText></w:r>", "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
             r("7"), "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>", r("件，"),
             "<w:fldSimple w:instr=\" NUMPAGES \">" + r("9") + "</w:fldSimple>",
             "<w:fldSimple w:instr=\" REF x \">" + r("同比上升") + "</w:fldSimple>", r("百分之五。"),
             "<w:del><w:r><w:delText>已删除的字</w:delText></w:r></w:del>")
    assert extract(docx_of(body), "f.docx").text.strip() == "本院审结案件件，同比上升百分之五。"


def test_bold_unindented_short_line_is_a_heading_but_an_indented_one_is_a_lead():
    body = (p(r("加强审判管理", bold=True)) + p(r("全年审结案件一千件，同比上升。"))
            + p(r("狠抓执行攻坚。", bold=True), r("执结案件五百件。"), ppr='<w:ind w:firstLine="480"/>'))
    blocks = parse_blocks(extract(docx_of(body), "b.docx").text)
    assert [(b.kind, b.text, b.lead) for b in blocks] == [
        ("heading", "加强审判管理", ""), ("body", "全年审结案件一千件，同比上升。", ""),
        ("body", "狠抓执行攻坚。执结案件五百件。", "狠抓执行攻坚。")]


def test_a_table_becomes_one_paragraph_per_row_apart_from_the_text():
    data = rf.as_docx(table=[["类别", "收案", "结案"], ["刑事", "1200件", "1180件"], ["民事", "9000件", "8800件"]])
    paras = rf.bodies(extract(data, "t.docx").text)
    i = paras.index("类别：刑事；收案：1200件；结案：1180件。")
    assert paras[i + 1] == "类别：民事；收案：9000件；结案：8800件。"
    assert paras[i - 1] == rf.body_texts()[-1] and paras[i + 2] == "以上数据截至2023年12月31日。"


def test_junk_core_title_ignored_real_one_kept():
    assert extract(rf.as_docx(title_property="Microsoft Word - 文档1.docx"), "a.docx").title_hint is None
    assert extract(rf.as_docx(title_property="文档1"), "a.docx").title_hint is None
    assert extract(rf.as_docx(title_property="平湖法院2023年报告"), "a.docx").title_hint == "平湖法院2023年报告"


def test_not_a_docx_and_corrupt_parts():
    with pytest.raises(FormatError, match="not a zip archive"):
        extract(b"\xd0\xcf\x11\xe0 an old .doc renamed", "renamed.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photos/1.jpg", b"\xff\xd8 jpeg")
    with pytest.raises(FormatError, match=r"not a Word \.docx \(no word/document.xml\)"):
        extract(buf.getvalue(), "photos.docx")
    with pytest.raises(FormatError, match="not well-formed XML"):
        extract(docx_of("<w:p><w:r><w:t>断了"), "broken.docx")
