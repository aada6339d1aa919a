"""The three bundled seeds come out as whole, clean paragraphs with their headings (counts verified by reading)."""

from __future__ import annotations

import re

import pytest

from indexer.ingest.layout import sections

EXPECTED_PARAGRAPHS = {"jiaxing": 27, "pinghu2023": 38, "pinghu5y": 38}


def bodies(blocks):
    return [b for b in blocks if b.kind == "body"]


def texts(blocks, kind="body"):
    return [b.text for b in blocks if b.kind == kind]


@pytest.mark.parametrize("seed", sorted(EXPECTED_PARAGRAPHS))
def test_paragraph_counts(seed_blocks, seed):
    assert len(bodies(seed_blocks[seed])) == EXPECTED_PARAGRAPHS[seed]


@pytest.mark.parametrize("seed", sorted(EXPECTED_PARAGRAPHS))
def test_paragraphs_are_clean(seed_blocks, seed):
    for b in seed_blocks[seed]:
        assert "**" not in b.text and not b.text.startswith(("#", "■", "▼")), b.text
        assert not re.match(r"^\d{1,2}\s", b.text), b.text  # layout numbers "01 **…"
        assert "通讯员" not in b.text and "E-mail" not in b.text and "电话/" not in b.text
        assert b.text == b.text.strip() and "\n" not in b.text


@pytest.mark.parametrize("seed", sorted(EXPECTED_PARAGRAPHS))
def test_every_paragraph_is_whole(seed_blocks, seed):
    """No fragment: each body paragraph ends like a sentence; no heading is a body paragraph."""
    for b in bodies(seed_blocks[seed]):
        assert re.search(r"[。！？；：”）]$", b.text), b.text
    headings = set(texts(seed_blocks[seed], "heading"))
    assert not headings & set(texts(seed_blocks[seed]))


def test_bold_leads_stay_the_start_of_their_paragraph(seed_blocks):
    by_lead = {b.lead: b for b in bodies(seed_blocks["jiaxing"]) if b.lead}
    assert "闻令而动保障疫情防控。" in by_lead
    assert "依法接受检察机关法律监督。" in by_lead
    assert "坚决维护国家安全和社会稳定。" in by_lead  # after a ■ bullet
    assert "率先推进无纸化办案办公改革。" in by_lead  # after the layout number "01 "
    for b in bodies(seed_blocks["jiaxing"]) + bodies(seed_blocks["pinghu2023"]):
        assert b.text.startswith(b.lead)


def test_inline_bold_numbers_lose_their_markers(seed_blocks):
    assert any("涉民生领域案件8957件,追回欠薪3581万元" in t for t in texts(seed_blocks["jiaxing"]))


def test_bold_only_lines_are_sub_headings(seed_blocks):
    blocks = seed_blocks["jiaxing"]
    assert "强化民生权益保障" in texts(blocks, "heading")
    assert "强化民生权益保障" not in texts(blocks)
    secs = dict(zip((b.text for b in blocks), sections(blocks)))
    body = next(t for t in texts(blocks) if t.startswith("审结一审民事案件4.3万件"))
    assert secs[body] == "四 践行以人民为中心的发展思想,为守护群众美好生活传递法治温度 · 强化民生权益保障"


def test_layout_numbers_bylines_and_titles_are_not_paragraphs(seed_blocks):
    all_text = [b.text for b in seed_blocks["jiaxing"]]
    assert not any(re.fullmatch(r"\d{1,2}", t) for t in all_text)
    assert not any(t.startswith("通讯员") for t in all_text)
    assert texts(seed_blocks["jiaxing"])[0].startswith("2月6日")
    assert not any("星期一" in b.text or "85013072" in b.text for b in seed_blocks["pinghu2023"])


@pytest.mark.parametrize(
    "fragment",
    ["全力开展“百日执行攻坚”", "常态化召开府院检联席会议", "程序比持续下降至1.42,有效", "一方面,新设立", "落实全院全员考核",
     "出清机制和破解执行难", "镇街领办、部门协同", "“法助民企”联络站"],
)
def test_column_breaks_mid_word_are_rejoined(seed_blocks, fragment):
    assert sum(fragment in t for t in texts(seed_blocks["pinghu2023"])) == 1


def test_two_paragraphs_glued_by_the_layout_are_split(seed_blocks):
    ts = texts(seed_blocks["pinghu2023"])
    first = next(t for t in ts if t.startswith("强化民生权益保障"))
    assert first.endswith("家事纠纷平均审理天数同比缩短20.03天。")
    assert any(t.startswith("全力兑现胜诉权益。坚持以实干为先") for t in ts)


def test_photo_captions_chart_titles_and_infographic_labels(seed_blocks):
    blocks = seed_blocks["pinghu2023"]
    captions = texts(blocks, "caption")
    for c in ["推动召开市委法院工作会议暨深化执行“一件事”改革推进会", "开展夜间集中执行行动",
              "与长三角地区法院开展党支部结对共建", "2021-2023年市法院收案情况(单位:件)", "司法大数据"]:
        assert c in captions
    assert len([c for c in captions if c.startswith("2021-2023年市法院")]) == 3
    assert "2017-2021年 司法大数据" in texts(seed_blocks["pinghu5y"], "caption")


def test_repeated_boxes_keep_their_enclosing_section(seed_blocks):
    blocks = seed_blocks["pinghu2023"]
    secs = dict(zip((b.text for b in blocks), sections(blocks)))
    box_para = next(t for t in texts(blocks) if t.startswith("行政审判核心指标持续优化"))
    assert secs[box_para] == "紧扣中心大局,全力护航经济社会高质量发展 · 亮点"
    later = next(t for t in texts(blocks) if t.startswith("大兴调查研究之风"))
    assert secs[later] == "夯实自身建设,努力锻造新时代过硬法院铁军 · 亮点"


def test_pdf_hard_wraps_are_joined_without_spaces(seed_blocks):
    ts = texts(seed_blocks["pinghu5y"])
    assert any("深入开展党的十九大及十九届历次全会精神" in t for t in ts)  # "深\n入开展"
    assert any("认真办好全省首例涉疫招摇撞骗案" in t for t in ts)  # broken by a blank line
    assert any("以上荣誉138项。" in t and t.startswith("成功创建") for t in ts)


def test_pdf_unmarked_headings_and_orphans(seed_blocks):
    blocks = seed_blocks["pinghu5y"]
    headings = texts(blocks, "heading")
    assert headings == [
        "坚持党的绝对领导，以筑魂之力提升政治建设的水平",
        "围绕金平湖新崛起，以实干之为彰显服务大局的担当",
        "深耕审判执行主业，以奋进之势践行司法为民的初心",
        "夯实品牌工作根基，以变革之举争当勇猛精进的标兵",
        "强化从严管党治院，以清正之风锻造素质过硬的队伍",
    ]
    last_four = ["赓续传承，守正创新推进转型发展", "红船举帜，政治铸魂增强内生动力",
                 "奋楫笃行，履职尽责维护公平正义", "初心如磐，担当作为护航金平湖新崛起"]
    assert [b.text for b in blocks[-4:]] == last_four and all(b.kind == "caption" for b in blocks[-4:])
    assert blocks[0].kind == "caption" and blocks[0].text == "平湖市人民法院 平湖市人民检察院"


def test_pdf_topic_sentences_become_leads(seed_blocks):
    leads = [b.lead for b in bodies(seed_blocks["pinghu5y"])]
    for lead in ["旗帜鲜明讲政治。", "服务高质量发展有精度。", "筑牢政治忠诚。", "全面落实司法改革。"]:
        assert lead in leads
    assert "" in leads  # "2017年以来，…" has no lead


def test_stored_text_keeps_what_the_report_said(seed_blocks):
    ts = texts(seed_blocks["pinghu5y"])
    assert any("精品（优秀）案例" in t for t in ts)  # full-width brackets untouched
    assert any(t.startswith("2017 年以来，市法院") for t in ts)
