"""Layouts the seeds lack (own fixtures): encodings, indents, numbered headings, page furniture, a new news layout."""

from __future__ import annotations

import codecs

import pytest

from indexer.ingest.decode import DecodeError, decode, decode_report, strip_markup
from indexer.ingest.layout import parse_blocks, sections


def bodies(blocks):
    return [b for b in blocks if b.kind == "body"]


@pytest.fixture(scope="module")
def indented(fixtures_dir):
    return (fixtures_dir / "indented-procuratorate-2022.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- decoding


def test_gbk_and_gb18030_bytes_decode(indented):
    for codec in ("gbk", "gb18030"):
        assert decode(indented.encode(codec)) == indented


def test_utf8_with_bom_and_crlf(indented):
    data = codecs.BOM_UTF8 + indented.replace("\n", "\r\n").encode("utf-8")
    text = decode(data)
    assert text == indented and "\r" not in text and not text.startswith("\ufeff")


def test_old_mac_cr_line_ends():
    assert decode("第一行。\r第二行。".encode()) == "第一行。\n第二行。"


def test_declared_encoding_wins():
    data = "平湖".encode("big5")
    assert decode(data) != "平湖"  # auto-detection would take these bytes for GB18030
    assert decode(data, "big5") == "平湖"  # the catalog's declared encoding is believed


def test_a_few_bad_bytes_are_replaced_and_counted():
    data = "审结案件一百件。".encode() + b"\xff\xfe" + "执结案件五十件。".encode() * 20
    result = decode_report(data)
    assert result.encoding == "utf-8" and result.replaced == 2 and "审结案件一百件。" in result.text


@pytest.mark.parametrize(
    "data, message",
    [(b"\x80" * 800 + "一".encode(), "mostly undecodable"), (b"PK\x03\x04\x00\x00binary", "binary"),
     (bytes(range(1, 32)) * 10, "binary")],
)
def test_binary_and_mostly_undecodable_data_raise(data, message):
    with pytest.raises(DecodeError, match=message):
        decode(data)


# ---------------------------------------------------------------- indented, numbered, page furniture


def test_indented_report_with_numbered_headings_page_numbers_and_running_headers(indented):
    blocks = parse_blocks(decode(indented.encode("gb18030")))
    texts = [b.text for b in blocks]
    assert not any(t == "海宁市人民检察院工作报告" for t in texts)  # running header, 4 times
    assert not any(t.startswith(("— ", "第5页")) for t in texts)  # page numbers
    assert not any("王某某" in t or t == "各位代表：" for t in texts)  # speaker line and salutation
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings == [("一、2022年主要工作", 2), ("二、过硬队伍建设", 2), ("三、自觉接受监督", 2),
                        ("第二部分　2023年工作安排", 1)]
    paras = bodies(blocks)
    assert len(paras) == 8
    # a numbered lead stays the start of its paragraph
    assert paras[2].lead == "（一）优化法治化营商环境。" and paras[2].text.startswith("（一）优化法治化营商环境。制定")
    # a sentence broken across a page (running header + page number between) is whole again
    assert paras[3].text.endswith("依法起诉涉恶犯罪集团2个。深化平安海宁建设，全市刑事发案数同比下降12.3%。")
    secs = sections(blocks)
    assert secs[texts.index(paras[4].text)] == "一、2022年主要工作"


def test_numbered_sub_headings_keep_their_parent_in_the_section():
    text = "一、服务大局\n\n（一）保障发展\n\n审结涉企案件100件。\n\n二、司法为民\n\n办理信访件30件。\n"
    blocks = parse_blocks(text)
    secs = dict(zip((b.text for b in blocks), sections(blocks)))
    assert secs["审结涉企案件100件。"] == "一、服务大局 · （一）保障发展"
    assert secs["办理信访件30件。"] == "二、司法为民"


def test_paragraphs_marked_only_by_full_width_indent():
    text = "　　第一段第一句，\n接着写完。\n　　第二段。\n　　第三段开始，\n没有空行。\n"
    assert [b.text for b in parse_blocks(text)] == ["第一段第一句，接着写完。", "第二段。", "第三段开始，没有空行。"]


@pytest.mark.parametrize("furniture", ["— 3 —", "- 3 -", "第3页", "第 3 页 共 9 页", "3/9", "12"])
def test_page_numbers_between_wrapped_lines_vanish(furniture):
    text = f"全年审结各类案件一万件，同比\n{furniture}\n上升百分之五。\n"
    assert [b.text for b in parse_blocks(text)] == ["全年审结各类案件一万件，同比上升百分之五。"]


def test_pdf_style_hard_wraps_with_unmarked_headings():
    line = "这是一段从PDF里抽出来的文字，每一行都在固定的宽度处折行，读起来"
    body = "\n".join([line] * 5) + "结束。"
    text = f"加强审判管理，提升办案质效\n\n{body}\n\n{body}\n\n结语\n"
    blocks = parse_blocks(text)
    assert [b.kind for b in blocks] == ["heading", "body", "body", "caption"]
    assert "\n" not in blocks[1].text and blocks[1].text.count("读起来这是") == 4


def test_english_words_wrapped_across_lines_keep_a_space():
    assert parse_blocks("我们上线了 online\nservice 平台。")[0].text == "我们上线了 online service 平台。"


# ---------------------------------------------------------------- a news layout the parser has not seen


def test_new_markdown_news_layout(fixtures_dir):
    blocks = parse_blocks((fixtures_dir / "markdown-court-2024.md").read_text(encoding="utf-8"))
    paras = bodies(blocks)
    assert [p.text for p in paras] == [
        "1月18日，秀洲区人民法院院长在区人大会议上作工作报告。",
        "1. 依法惩治犯罪。全年审结刑事案件612件，判处罪犯803人。",
        "依法保护产权。审结涉企纠纷1900件，同比上升8.2%。",
        "审结劳动争议案件320件，为劳动者追回报酬1200万元。",
        "开展主题教育，组织专题学习24次。",
    ]
    assert paras[1].lead == "1. 依法惩治犯罪。" and paras[2].lead == "依法保护产权。"
    captions = [b.text for b in blocks if b.kind == "caption"]
    assert "图为秀洲区人民法院诉讼服务中心。" in captions
    secs = dict(zip((b.text for b in blocks), sections(blocks)))
    assert secs[paras[3].text] == "二、守护民生底线 · 链接"  # a box heading inside its section
    assert secs[paras[0].text] == ""  # the report's title is not a section


def test_script_style_and_tags_are_removed():
    html = ("<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
            "<h2>一、服务大局</h2><p>审结案件<b>100</b>件。</p><p>A&amp;B 合作。</p></body></html>")
    text, removed = strip_markup(html)
    assert removed and "alert" not in text and "color" not in text and "<" not in text
    blocks = parse_blocks(text)
    assert [(b.kind, b.text) for b in blocks] == [("heading", "一、服务大局"), ("body", "审结案件100件。"),
                                                 ("body", "A&B 合作。")]
    assert strip_markup("比较 a<b 与《法》") == ("比较 a<b 与《法》", False)


def test_dash_list_items_are_body_but_a_dash_subtitle_is_not():
    text = "——2023年1月10日在市人民代表大会上\n\n——经济结构继续优化。加快教育改革。\n\n——民生保障有力。\n"
    blocks = parse_blocks(text)
    assert [(b.kind, b.text) for b in blocks] == [
        ("caption", "——2023年1月10日在市人民代表大会上"),
        ("body", "——经济结构继续优化。加快教育改革。"),
        ("body", "——民生保障有力。"),
    ]


def test_a_line_that_is_only_a_byline_or_markup_is_dropped():
    # each of these raised IndexError before (nothing left of the line after its byline or markup)
    assert [(b.kind, b.text) for b in parse_blocks("本报讯\n\n审结案件一千件。\n\n****\n\n（本报记者 张三）\n")] == [
        ("body", "审结案件一千件。")]
