"""The layout rules every reader shares (indexer/ingest/layout_rules.py), and that the readers really share them."""

from __future__ import annotations

import pytest

from indexer.ingest.formats import docx, html, lines
from indexer.ingest.layout_rules import BAND_PAGE_NUMBER, PAGE_NUMBER, ends, join_wrapped
from indexer.ingest.reading import MAX_PARAGRAPH, split_long


def test_wrapped_lines_join_without_a_space_between_cjk_and_with_one_between_latin_words():
    assert join_wrapped(["依法审结", "案件"]) == "依法审结案件"
    assert join_wrapped(["the court", "of appeal"]) == "the court of appeal"
    assert join_wrapped(["审结 case", "files"]) == "审结 case files"
    assert join_wrapped(["case", "", "files"]) == "case files"  # an empty line between adds nothing, not a glue
    assert join_wrapped(["3.5", "亿元"]) == "3.5亿元"


@pytest.mark.parametrize(("text", "chars", "expected"), [
    ("审结案件。", None, True), ("他说：“好。”  ", None, True), ("审结案件", None, False), ("如下：", None, True),
    ("如下：", "。！？!?；;", False), ("”」", None, False), ("", None, False), ("（完）", None, False),
])
def test_a_line_ends_like_a_sentence_whatever_closing_marks_follow(text, chars, expected):
    assert (ends(text) if chars is None else ends(text, chars)) is expected


@pytest.mark.parametrize("line", ["3", "— 3 —", "-12-", "第3页", "第 3 页 共 9 页", "3/9", "·7·"])
def test_page_numbers(line):
    assert PAGE_NUMBER.match(line) and BAND_PAGE_NUMBER.match(line)


@pytest.mark.parametrize("line", ["iv", "- XI -", "C"])
def test_a_roman_numeral_is_a_page_number_only_in_a_pdf_pages_band(line):
    assert BAND_PAGE_NUMBER.match(line) and not PAGE_NUMBER.match(line)


@pytest.mark.parametrize("line", ["2023年", "12345", "第3部分", "3.5亿元", "审结案件3件"])
def test_not_page_numbers(line):
    assert not PAGE_NUMBER.match(line) and not BAND_PAGE_NUMBER.match(line)


def test_every_reader_joins_wrapped_lines_alike():
    para = docx._Para.__new__(docx._Para)  # a .docx paragraph with soft line breaks, as its runs give it
    para.pieces = [("依法审结 ", False), ("\n", False), ("  案件 the", False), ("\n\n", False), ("court", False)]
    assert para.text() == join_wrapped(["依法审结", "案件 the", "court"]) == "依法审结案件 the court"
    assert html._join_lines("依法审结 \x01 案件 the\x01\x01court") == "依法审结案件 the court"  # <br> and <br><br>


def test_pdf_ends_a_paragraph_at_a_sentence_end_or_a_latin_full_stop():
    assert lines._ends("审结案件。”") and lines._ends("the end.") and not lines._ends("增长3.") and not lines._ends("审结")


def test_a_long_paragraph_is_cut_after_a_sentence_and_its_closing_marks():
    sentence = "他说：“审结案件" + "执" * 40 + "。”《报告》全文如下。》"
    chunks = split_long(sentence * (MAX_PARAGRAPH // len(sentence) + 2))
    assert len(chunks) > 1 and "".join(chunks) == sentence * (MAX_PARAGRAPH // len(sentence) + 2)
    assert all(len(c) <= MAX_PARAGRAPH and c.startswith("他说") and c.endswith("。》") for c in chunks)
