"""Issue 22: `A NEAR/n B` in the query language and the 同句 option, on a corpus written for their edge cases
(the broad comparison with a direct scan is tests/oracle/test_oracle_sentences.py)."""

from __future__ import annotations

import pytest

from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.limits import DEFAULT_NEAR_DISTANCE, MAX_NEAR_DISTANCE
from indexer.search.engine import get_report, ranked, search
from indexer.search.language.query import And, Near, Not, Or, Phrase, Words, parse

TEXT = """# 丁市人民法院工作报告

## 一、工作

诉源治理！枫桥经验；调解 工作。共享法庭建设。

诉源治理和枫桥经验相结合，调解工作成效明显。

全年审结案件一万件。诉源治理，枫桥经验。

推进共享法庭建设，法庭建设取得进展，建设共享可鉴？
"""
CATALOG = """
[[report]]
file = "ding-court-2022.txt"
title = "丁市人民法院工作报告（2022年）"
institution = "丁市人民法院"
year = 2022
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    corpus = tmp_path_factory.mktemp("near") / "corpus"
    corpus.mkdir()
    (corpus / "ding-court-2022.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    root = corpus.parent / "index"
    assert build_index(corpus, root, procs=1).paragraphs == 4
    return Store(root)


def positions(store: Store, q: str, **kwargs: object) -> list[int]:
    return sorted(p.position for p, _ in ranked(store, q, limit=100, expand=False, **kwargs))  # type: ignore[arg-type]


# ---------------------------------------------------------------- the syntax


def test_near_parses_binds_tighter_than_and_and_renders_back() -> None:
    assert parse("诉源治理 NEAR/5 枫桥经验").tree == Near(Words("诉源治理"), Words("枫桥经验"), 5)
    assert parse("法院 A NEAR/3 B").tree == And((Words("法院"), Near(Words("A"), Words("B"), 3)))
    assert parse("A NEAR/5 B NEAR/2 C").tree == And((Near(Words("A"), Words("B"), 5), Near(Words("B"), Words("C"), 2)))
    assert parse("a OR b NEAR/2 c").tree == Or((Words("a"), Near(Words("b"), Words("c"), 2)))
    assert parse('"共享 法庭" NEAR/0 调解').tree == Near(Phrase("共享 法庭"), Words("调解"), 0)
    assert parse("A NEAR B").tree == Near(Words("A"), Words("B"), DEFAULT_NEAR_DISTANCE)
    assert parse("A NEAR／５ B").tree == Near(Words("A"), Words("B"), 5)  # full-width slash and digit
    assert parse("-(A NEAR/2 B) C").tree == And((Not(Near(Words("A"), Words("B"), 2)), Words("C")))
    for q in ["x A NEAR/5 B NEAR/2 C", "a OR b NEAR/2 c", "-(A NEAR/2 B) C", "“共享 法庭” NEAR/0 调解 year:2020"]:
        tree = parse(q).tree
        assert parse(parse(q).canonical).tree == tree, q


def test_near_is_an_operator_only_in_upper_case_between_spaces() -> None:
    assert parse("a near/5 b").tree == And((Words("a"), Words("near/5"), Words("b")))
    assert parse("aNEAR/5 b").tree == And((Words("aNEAR/5"), Words("b")))
    assert parse("“NEAR/5”").tree == Phrase("NEAR/5")


@pytest.mark.parametrize("q, tree, notice", [
    ("NEAR/3 法院", Words("法院"), "NEAR 两侧缺少检索词"),
    ("法院 NEAR/3", Words("法院"), "NEAR 两侧缺少检索词"),
    ("法院 NEAR/999 调解", Near(Words("法院"), Words("调解"), MAX_NEAR_DISTANCE), f"最多 {MAX_NEAR_DISTANCE} 个字"),
    ("(a OR b) NEAR/3 c", And((Or((Words("a"), Words("b"))), Words("c"))), "NEAR 只能连接两个检索词或短语"),
    ("year:2020 NEAR/3 c", None, "NEAR 只能连接两个检索词或短语"),
    ("NEAR", None, "NEAR 两侧缺少检索词"),
])
def test_a_malformed_near_is_searched_as_well_as_it_can_be_and_said(q: str, tree: object, notice: str) -> None:
    parsed = parse(q)
    if tree is not None:
        assert parsed.tree == tree
    assert notice in (parsed.notice() or "")


# ---------------------------------------------------------------- NEAR


def test_near_counts_the_characters_between_the_two_either_way_round(store: Store) -> None:
    # 共享法庭建设: 共享 ends where 法庭 starts (0 between), 建设 starts 2 characters after 共享 ends
    assert positions(store, "共享 NEAR/0 法庭") == [1, 4]
    assert positions(store, "法庭 NEAR/0 共享") == [1, 4]  # either order
    assert positions(store, "共享 NEAR/1 建设") == [4]  # paragraph 4 ends with 建设共享: they touch
    assert positions(store, "共享 NEAR/2 建设") == [1, 4]
    assert positions(store, "法庭建设 NEAR/0 法庭") == [1, 4]  # overlapping occurrences are 0 apart
    assert positions(store, "诉源治理 NEAR/1 枫桥经验") == [1, 2, 3]  # ！ and 和 and ， are one character each


def test_near_ignores_whitespace_and_finds_single_characters_at_either_end(store: Store) -> None:
    assert positions(store, "调解 NEAR/0 工作") == [1, 2]  # "调解 工作": the space is not a character
    assert positions(store, "“？” NEAR/0 鉴") == [4]  # ？ is the very last character of paragraph 4: it begins no bigram
    assert positions(store, "“?” NEAR/3 共享") == [4]  # and folds to ?
    assert positions(store, "诉 NEAR/0 源") == [1, 2, 3]
    assert positions(store, "诉源治理 NEAR/3 共享法庭") == []


# ---------------------------------------------------------------- 同句


def test_same_sentence_needs_the_words_between_two_sentence_ends(store: Store) -> None:
    assert positions(store, "诉源治理 枫桥经验") == [1, 2, 3]
    assert positions(store, "诉源治理 枫桥经验", sentence=True) == [2, 3]  # ！ and ； end sentences in paragraph 1
    assert positions(store, "调解 工作", sentence=True) == [1, 2]  # a space inside a sentence is no end
    assert positions(store, "案件 枫桥经验", sentence=True) == []  # 。 ends the sentence in paragraph 3
    assert positions(store, "“万件。诉源”") == [3]
    assert positions(store, "“万件。诉源”", sentence=True) == []  # across an end: in no one sentence
    assert positions(store, "“一万件。”", sentence=True) == [3]  # the end belongs to the sentence it closes
    assert positions(store, "可鉴 “？”", sentence=True) == [4]  # the end closing the paragraph is in its sentence


def test_same_sentence_combines_or_and_not_as_documented(store: Store) -> None:
    assert positions(store, "(案件 OR 调解) 枫桥经验", sentence=True) == [2]  # ， ends no sentence
    assert positions(store, "(诉源治理 OR 调解) 工作", sentence=True) == [1, 2]
    assert positions(store, "枫桥经验 -调解", sentence=True) == [3]  # NOT: anywhere in the paragraph
    assert positions(store, "诉源治理 NEAR/1 枫桥经验", sentence=True) == [2, 3]
    assert positions(store, "institution:丁市人民法院", sentence=True) == [1, 2, 3, 4]  # filters only: as without 同句


def test_same_sentence_is_the_same_in_search_the_report_and_the_snippet(store: Store) -> None:
    result = search(store, "诉源治理 枫桥经验", sentence=True, expand=False)
    assert result["total"] == 2 and sorted(h["position"] for h in result["hits"]) == [2, 3]
    third = next(h for h in result["hits"] if h["position"] == 3)
    assert third["snippet"] == "<mark>诉源治理</mark>，<mark>枫桥经验</mark>。"  # the sentence, not 审结案件
    assert get_report(store, "ding-court-2022", q="诉源治理 枫桥经验", sentence=True, expand=False)["hits"] == [2, 3]
    assert search(store, "诉源治理 枫桥经验", expand=False)["total"] == 3  # the facets and total of 同句 are its own


def test_a_bad_sort_or_sentence_value_is_a_clear_error(store: Store) -> None:
    from indexer.limits import SearchArgumentError

    with pytest.raises(SearchArgumentError, match="排序方式"):
        search(store, "法院", sort="date")
    with pytest.raises(SearchArgumentError, match="同句"):
        search(store, "法院", sentence="1")  # type: ignore[arg-type]
    with pytest.raises(SearchArgumentError, match="在结果中检索"):
        search(store, "法院", within="调解")  # type: ignore[arg-type]

