"""Snippets and highlighting: exact offsets, escaping, sentence bounds, no 32,768-character limit."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.highlight.snippets import (
    SNIPPET_CHARS,
    build_snippet,
    find_substrings,
    highlight,
    merge,
)

MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def plain(fragment_html: str) -> str:
    """Strip the marks and unescape: must give back the original text."""
    return html.unescape(fragment_html.replace("<mark>", "").replace("</mark>", ""))


def test_marks_are_exact_and_everything_else_is_escaped() -> None:
    text = "深化“息事罢讼”诉源治理，<script>alert('x')</script> & 治理改革。"
    spans = find_substrings(text, ["理改革", "诉源治理"])
    out = highlight(text, spans)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert MARK.findall(out) == ["诉源治理", "理改革"]
    assert plain(out) == text


def test_whitespace_and_line_breaks_are_ignored_by_the_span_finder() -> None:
    text = "设立童车行业协会等“法助\n民企”联络站，法 助 民企"
    spans = find_substrings(text, ["法助民企"])
    assert [text[s:e] for s, e in spans] == ["法助\n民企", "法 助 民企"]


def test_snippet_fragments_map_back_to_the_text() -> None:
    sentences = [f"第{i}句话讲的是一些无关紧要的事情，用来填充篇幅。" for i in range(30)]
    sentences[3] = "这里提到诉源治理的做法。"
    sentences[25] = "这里提到执行难的问题。"
    text = "".join(sentences)
    spans = find_substrings(text, ["诉源治理"]) + find_substrings(text, ["执行难"])
    snip = build_snippet(text, spans)
    assert len(snip.fragments) == 2  # matches far apart: two fragments
    assert "…" in snip.html
    assert MARK.findall(snip.html) == ["诉源治理", "执行难"]
    for s, e in snip.fragments:
        assert text[s - 1] in "。" and text[e - 1] == "。"  # sentence-bounded
    pieces = [plain(p) for p in snip.html.split("…") if p]
    assert pieces == [text[s:e] for s, e in snip.fragments]
    assert sum(e - s for s, e in snip.fragments) <= SNIPPET_CHARS + 40


def test_long_paragraph_matches_beyond_32768_are_highlighted() -> None:
    text = "无关的内容。" * 7000 + "这里才说到共享法庭的建设。" + "其他内容。" * 100
    assert text.index("共享法庭") > 32_768
    spans = find_substrings(text, ["共享法庭"])
    snip = build_snippet(text, spans)
    assert MARK.findall(snip.html) == ["共享法庭"]
    (s, e), = snip.fragments
    assert plain(snip.html.strip("…")) == text[s:e]
    assert MARK.findall(highlight(text, spans)) == ["共享法庭"]


def test_long_sentence_is_cut_around_the_match_without_cutting_it() -> None:
    text = "甲" * 500 + "诉源治理" + "乙" * 500 + "。"
    snip = build_snippet(text, find_substrings(text, ["诉源治理"]))
    (s, e), = snip.fragments
    assert e - s <= SNIPPET_CHARS + 10
    assert snip.html.startswith("…") and snip.html.endswith("…")
    assert MARK.findall(snip.html) == ["诉源治理"]


def test_no_match_gives_the_lead_sentences() -> None:
    text = "第一句。第二句！第三句？" + "长" * 300
    snip = build_snippet(text, [])
    assert snip.html == "第一句。第二句！第三句？"


def test_merge_unites_overlapping_spans() -> None:
    assert merge([(5, 8), (0, 2), (1, 3), (7, 9), (9, 10)]) == [(0, 3), (5, 9), (9, 10)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("诉源治理改革。！？；<>&\"' \n执行难")), min_size=1, max_size=400),
       st.sampled_from(["诉源", "治理改革", "执行难", "<", "&", "。"]))
def test_property_offsets_exact(text: str, needle: str) -> None:
    spans = find_substrings(text, [needle])
    for s, e in spans:
        assert "".join(text[s:e].split()) == needle
    snip = build_snippet(text, spans)
    for frag_html, (s, e) in zip([p for p in snip.html.split("…") if p], snip.fragments):
        assert plain(frag_html) == text[s:e]
    assert plain(highlight(text, spans)) == text


def test_every_query_word_in_the_paragraph_gets_a_fragment() -> None:
    # the best passage is a long sentence; 办案标兵 sits alone at the far end of the paragraph
    text = ("坚持以习近平法治思想为指导，" + "各项工作取得新进展" * 20 + "。"
            + "获得多项荣誉" * 10 + "，涌现全国法院办案标兵一人。")
    spans = find_substrings(text, ["习近平法治思想"]) + find_substrings(text, ["办案标兵"])
    snip = build_snippet(text, spans, ["习近平法治思想", "办案标兵"])
    assert MARK.findall(snip.html) == ["习近平法治思想", "办案标兵"]
    assert len(snip.fragments) == 2 and "…" in snip.html
    pieces = [plain(p) for p in snip.html.split("…") if p]
    assert pieces == [text[s:e] for s, e in snip.fragments]
    assert 120 <= sum(e - s for s, e in snip.fragments) <= 240


def test_a_far_word_inside_the_same_long_sentence_is_shown_too() -> None:
    text = "推进诉源治理" + "甲" * 400 + "破解执行难" + "乙" * 300 + "。"
    spans = find_substrings(text, ["诉源治理"]) + find_substrings(text, ["执行难"])
    snip = build_snippet(text, spans)
    assert MARK.findall(snip.html) == ["诉源治理", "执行难"]
    assert len(snip.fragments) == 2
    (s1, e1), (s2, e2) = snip.fragments
    assert e1 < s2 and (e1 - s1) + (e2 - s2) <= 240
    assert snip.html.count("…") == 2  # between the two, and after the cut end
