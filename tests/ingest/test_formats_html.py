"""Saved web pages: the article only (trafilatura), its charset, and no site furniture."""

from __future__ import annotations

import codecs

import pytest

from bench.data import report_files as rf
from indexer.ingest.formats import FormatError, extract
from indexer.ingest.layout import parse_blocks

FURNITURE = ("首页", "当前位置", "发布时间", "浏览量", "字号", "打印", "关闭", "分享到", "上一篇", "下一篇",
             "版权所有", "ICP备", "公网安备", "技术支持", "图为", "English", "无障碍")


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "utf-8"])
def test_article_paragraphs_from_a_court_page_in_its_charset(charset):
    out = extract(rf.as_html(charset=charset), "page.html")
    assert rf.bodies(out.text) == rf.body_texts()
    assert out.encoding == ("gb18030" if charset != "utf-8" else "utf-8")


def test_site_furniture_captions_and_widgets_are_dropped():
    text = extract(rf.as_html(), "page.html").text
    assert [word for word in FURNITURE if word in text] == []


def test_headings_title_and_bold_leads_are_kept():
    out = extract(rf.as_html(), "page.html")
    blocks = parse_blocks(out.text)
    assert out.title_hint == rf.TITLE and blocks[0].kind == "heading" and blocks[0].text == rf.TITLE
    assert [b.text for b in blocks if b.kind == "heading"][1:] == ["一、2023年工作回顾", "二、2024年工作安排"]
    assert [b.lead for b in blocks if b.kind == "body" and b.lead][:2] == ["坚持服务大局。", "坚持司法为民。"]


def test_br_inside_a_paragraph_is_not_a_paragraph_break():
    page = ("<html><body><article><p>审结案件一千件，<br>同比上升百分之五。</p>"
            "<p>执结案件五百件，<br/>执行到位金额三亿元。</p></article></body></html>")
    assert rf.bodies(extract(page.encode(), "p.html").text) == [
        "审结案件一千件，同比上升百分之五。", "执结案件五百件，执行到位金额三亿元。"]


def test_bom_wins_over_a_wrong_meta_charset():
    page = rf.as_html(charset="utf-8").decode("utf-8").replace("charset=utf-8", "charset=gb2312")
    out = extract(codecs.BOM_UTF8 + page.encode("utf-8"), "bom.html")
    assert rf.bodies(out.text) == rf.body_texts()


def test_a_page_without_an_article_is_refused():
    nav_only = ('<html><head><meta charset="gbk"><title>平湖市人民法院</title></head><body><div class="nav"><a href="/">首页</a>'
                '<a href="/xw">法院新闻</a></div><div class="footer">版权所有：平湖市人民法院 浙ICP备05012345号</div></body></html>')
    with pytest.raises(FormatError, match="no article text"):
        extract(nav_only.encode("gbk"), "nav.html")


@pytest.mark.parametrize("tag", ["h2", "h3"])
def test_article_headings_become_headings(tag):
    out = extract(rf.as_html(heading_tag=tag), "page.html")
    blocks = parse_blocks(out.text)
    assert [b.text for b in blocks if b.kind == "heading"] == [rf.TITLE, "一、2023年工作回顾", "二、2024年工作安排"]
    assert rf.bodies(out.text) == rf.body_texts()


def test_a_small_page_read_by_the_fallback_keeps_its_blocks_apart():
    page = ("<html><body><div class='nav'><a href='/'>首页</a></div><article><h1>海宁市人民检察院工作报告</h1>"
            "<h2>一、全力服务大局</h2><p>起诉危害经济秩序犯罪一百人，同比上升百分之五，办理涉企案件二百件。</p>"
            "<h3>（一）护航民营经济</h3><p>监督撤案二十件，纠正涉企违法行为三十件，为企业挽回损失五千万元。</p></article></body></html>")
    assert rf.bodies(extract(page.encode(), "small.html").text) == [
        "起诉危害经济秩序犯罪一百人，同比上升百分之五，办理涉企案件二百件。",
        "监督撤案二十件，纠正涉企违法行为三十件，为企业挽回损失五千万元。"]


def test_a_short_report_page_keeps_its_section_heading():
    """A short article (few paragraphs) still keeps its <h2> section heading: its paragraphs get their section."""
    page = ('<html><head><meta charset="utf-8"><title>海宁市人民法院工作报告</title></head><body>'
            '<div class="nav">首页 | 法院概况 | 审判工作</div><div class="article"><h1>海宁市人民法院工作报告</h1>'
            "<p>各位代表：现在，我代表海宁市人民法院向大会报告工作，请予审议。</p>"
            "<h2>一、2023年工作回顾</h2>"
            "<p>2023年，全院受理各类案件一万二千件，审结一万一千件，<br>同比上升百分之五。深化诉源治理。</p>"
            "<p>依法严惩电信网络诈骗犯罪，审结相关案件二百件，为群众挽回损失三千万元。</p>"
            '</div><div class="footer">版权所有：海宁市人民法院 浙ICP备12345678号</div></body></html>')
    blocks = parse_blocks(extract(page.encode("utf-8"), "haining.html").text)
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert "一、2023年工作回顾" in headings
    assert not any("首页" in b.text or "版权所有" in b.text for b in blocks)
