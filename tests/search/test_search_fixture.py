"""Search on a fixture corpus of our own: recall, ranking tiers, phrases, facets, arguments, highlights."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.analysis import word_analyzer
from indexer.index.build import build_reports
from indexer.index.store import Store
from indexer.model import Paragraph, Report
from indexer.search.engine import (
    SearchArgumentError,
    get_report,
    mark_text,
    overview,
    search,
)
from indexer.search.evaluation.cells import cells
from indexer.search.evaluation.context import context
from indexer.search.evaluation.matching import Matcher
from indexer.search.language.query import parse
from tests.helpers.search import MARK, all_hits, plain, squeeze

pytestmark = pytest.mark.usefixtures("fixture_store")


def ids(hits: list[dict]) -> list[str]:
    return [h["id"] for h in hits]


def containing(paragraphs: list[dict], s: str) -> set[str]:
    return {p["id"] for p in paragraphs if squeeze(s) in squeeze(p["text"])}


@pytest.mark.parametrize("q", ["理改革", "罢讼", "息事", "源治", "43.3亿元", "76.8%", "3+1", "4.5万件"])
def test_substrings_and_numbers_are_found(fixture_store: Store, fixture_paragraphs: list[dict], q: str) -> None:
    expected = containing(fixture_paragraphs, q)
    assert expected, q
    got = set(ids(all_hits(fixture_store, q)))
    assert expected <= got


def test_whole_word_matches_rank_above_substring_only(fixture_store: Store, fixture_paragraphs: list[dict]) -> None:
    words = word_analyzer()
    tokens = {p["id"]: [t.text for t in words(p["text"])] for p in fixture_paragraphs}
    hits = all_hits(fixture_store, "改革")
    whole = [h["id"] for h in hits if "改革" in tokens[h["id"]]]
    substring_only = [h["id"] for h in hits if "改革" not in tokens[h["id"]]]
    # the fixture has both kinds: 改革开放 is one jieba word, repeated four times in its paragraph
    assert whole and substring_only
    assert ids(hits) == whole + substring_only


def test_quoted_phrase_is_ctrl_f_exact(fixture_store: Store, fixture_paragraphs: list[dict]) -> None:
    for phrase in ["治理改革", "改革", "“3+1”执行", "执行到位", "。", "革", "家事", "诉前检察建议262件"]:
        q = f"「{phrase}」"
        assert set(ids(all_hits(fixture_store, q))) == containing(fixture_paragraphs, phrase), phrase


def test_boolean_operators(fixture_store: Store, fixture_paragraphs: list[dict]) -> None:
    a = containing(fixture_paragraphs, "改革")
    b = containing(fixture_paragraphs, "执行")
    assert set(ids(all_hits(fixture_store, '"改革" OR "执行"'))) == a | b
    assert set(ids(all_hits(fixture_store, '"改革" -"执行"'))) == a - b
    assert set(ids(all_hits(fixture_store, '"改革" NOT "执行"'))) == a - b
    assert set(ids(all_hits(fixture_store, '("改革" OR "执行") "深化"'))) == (a | b) & containing(fixture_paragraphs, "深化")


def test_field_filters_in_the_query(fixture_store: Store, fixture_paragraphs: list[dict]) -> None:
    hits = all_hits(fixture_store, "改革 institution:乙市人民检察院")
    assert hits and all(h["institution"] == "乙市人民检察院" for h in hits)
    hits = all_hits(fixture_store, "year:2018")
    assert {h["id"] for h in hits} == {p["id"] for p in fixture_paragraphs if 2018 in p["years"]}
    hits = all_hits(fixture_store, "year:2019-2020")
    assert {h["id"] for h in hits} == {p["id"] for p in fixture_paragraphs if {2019, 2020} & set(p["years"])}
    theme = fixture_paragraphs[0]["theme"]
    hits = all_hits(fixture_store, f"theme:{theme}")
    assert {h["id"] for h in hits} == {p["id"] for p in fixture_paragraphs if p["theme"] == theme}
    assert search(fixture_store, "institution:不存在的法院")["total"] == 0


def test_facets_follow_the_multi_select_rule(fixture_store: Store, fixture_paragraphs: list[dict]) -> None:
    by_id = {p["id"]: p for p in fixture_paragraphs}
    matched = [by_id[i] for i in ids(all_hits(fixture_store, "改革 OR 执行 OR 家事"))]
    sel = {"institutions": ["甲市人民法院", "乙市人民检察院"], "years": ["2019", "2020"]}
    result = search(fixture_store, "改革 OR 执行 OR 家事", **sel)

    def ok(p: dict, skip: str) -> bool:
        inst = skip == "institution" or p["institution"] in sel["institutions"]
        year = skip == "year" or bool({2019, 2020} & set(p["years"]))
        return inst and year

    expect_inst: dict[str, int] = {}
    expect_year: dict[str, int] = {}
    expect_theme: dict[str, int] = {}
    for p in matched:
        if ok(p, "institution"):
            expect_inst[p["institution"]] = expect_inst.get(p["institution"], 0) + 1
        if ok(p, "year"):
            for y in p["years"]:
                expect_year[str(y)] = expect_year.get(str(y), 0) + 1
        if ok(p, ""):
            expect_theme[p["theme"]] = expect_theme.get(p["theme"], 0) + 1
    assert result["facets"]["institution"] == expect_inst
    assert "丙市中级人民法院" in expect_inst  # the unselected institution still shows its count
    assert result["facets"]["year"] == expect_year
    assert result["facets"]["theme"] == expect_theme
    assert result["total"] == sum(1 for p in matched if ok(p, ""))


def test_a_range_report_counts_under_each_year(fixture_store: Store) -> None:
    result = search(fixture_store, "改革开放")
    assert result["total"] == 1
    assert result["facets"]["year"] == {str(y): 1 for y in range(2017, 2022)}


def test_year_counts_are_the_same_without_years_per_report(fixture_store: Store) -> None:
    """The facet cells count years through the report × year table; a build whose years were not per report would
    count them from the (docnum, year) pairs: both give the same counts (evaluation/cells.py)."""
    opened = fixture_store.current()
    with opened.hold():
        ctx = context(opened)
        table = cells(ctx)
        assert table.years is not None
        pairs = dataclasses.replace(table, years=None)
        for q in ("改革", "执行 OR 家事", "改革开放"):
            docs = Matcher(ctx).evaluate(parse(q).tree)
            assert len(docs)
            by_report = table.counts(ctx, docs)["year"].tolist()
            assert by_report == pairs.counts(ctx, docs)["year"].tolist() and sum(by_report) >= len(docs)


def test_unknown_facet_values_give_no_hits(fixture_store: Store) -> None:
    result = search(fixture_store, "改革", institutions=["火星法院"])
    assert result["total"] == 0 and result["hits"] == []
    assert search(fixture_store, "改革", themes=["不存在"])["total"] == 0
    assert search(fixture_store, "改革", years=["1990"])["total"] == 0


@pytest.mark.parametrize("kwargs", [{"page": 0}, {"page": -1}, {"page": "2"}, {"page": 1.5}, {"per_page": 0},
                                    {"per_page": 101}, {"per_page": True}, {"years": ["abc"]},
                                    {"years": ["2019-"]}, {"institutions": "甲市人民法院"}])
def test_bad_arguments_raise_search_argument_error(fixture_store: Store, kwargs: dict) -> None:
    with pytest.raises(SearchArgumentError):
        search(fixture_store, "改革", **kwargs)


def test_paging(fixture_store: Store) -> None:
    full = search(fixture_store, "改革 OR 执行", per_page=100)
    pages = [search(fixture_store, "改革 OR 执行", page=n, per_page=2)["hits"] for n in (1, 2, 3, 4)]
    assert ids([h for p in pages for h in p]) == ids(full["hits"])[:8]
    far = search(fixture_store, "改革", page=10**6, per_page=100)
    assert far["hits"] == [] and far["total"] > 0 and far["page"] == 10**6


def test_result_shape(fixture_store: Store) -> None:
    result = search(fixture_store, "诉源治理")
    assert list(result) == ["query", "notice", "total", "page", "per_page", "hits", "facets", "expand", "expanded",
                            "partial_matches", "did_you_mean"]
    hit = result["hits"][0]
    assert list(hit) == ["id", "report", "title", "institution", "years", "theme", "section", "position",
                         "text", "snippet", "score", "partial", "missing", "permalink"]  # permalink: issue 22
    assert isinstance(hit["years"][0], int) and isinstance(hit["score"], float)
    assert list(result["facets"]) == ["institution", "year", "theme"]


def test_snippets_mark_exactly_what_matched(fixture_store: Store) -> None:
    hits = all_hits(fixture_store, "理改革")
    for hit in hits:
        marks = MARK.findall(hit["snippet"])
        assert marks and all(squeeze(m) in ("理改革", "改革") for m in marks), marks
        text = squeeze(hit["text"])
        for piece in hit["snippet"].split("…"):
            if piece:
                assert squeeze(plain(piece)) in text


def test_match_beyond_32768_is_highlighted(tmp_path: Path) -> None:
    # the corpus loader splits paragraphs over 4,000 characters, so index a long one directly
    text = "本段用于测试很长的段落，内容没有特别的意义。" * 2000 + "这里终于提到共享法庭的建设情况。" + "其他。" * 50
    para = Paragraph(report="long", position=1, text=text, section="", institution="甲市人民法院",
                     years=(2020,), title="长段落", theme="其他")
    build_reports([Report(id="long", file="long.txt", title="长段落", institution="甲市人民法院", years=(2020,),
                          paragraphs=[para], institutions=("甲市人民法院",))], tmp_path / "index")
    store = Store(tmp_path / "index")
    (hit,) = search(store, "共享法庭")["hits"]
    assert hit["text"].index("共享法庭") > 32_768
    assert MARK.findall(hit["snippet"]) == ["共享法庭"]
    report = get_report(store, "long", q="共享法庭")
    assert report is not None and MARK.findall(report["paragraphs"][0]["html"]) == ["共享法庭"]


def test_malformed_queries_never_raise(fixture_store: Store) -> None:
    from tests.helpers.search import MALFORMED

    for q in MALFORMED:
        result = search(fixture_store, q)
        assert isinstance(result["total"], int)
        assert result["query"] == q
    assert search(fixture_store, '"理改革')["notice"].startswith("引号未闭合")
    assert search(fixture_store, '"理改革')["total"] >= 1


def test_get_report_and_overview(fixture_store: Store, fixture_paragraphs: list[dict]) -> None:
    report = get_report(fixture_store, "alpha-court-2019", q="改革")
    assert report is not None
    assert [p["position"] for p in report["paragraphs"]] == sorted(p["position"] for p in report["paragraphs"])
    expected = [p["position"] for p in fixture_paragraphs
                if p["report"] == "alpha-court-2019" and "改革" in squeeze(p["text"])]
    assert report["hits"] == expected
    for p in report["paragraphs"]:
        assert plain(p["html"]) == p["text"]
        assert ("<mark>" in p["html"]) == (p["position"] in expected)
    assert get_report(fixture_store, "no-such-report") is None
    assert get_report(fixture_store, "../../etc/passwd") is None
    plain_report = get_report(fixture_store, "gamma-court-2020")
    assert plain_report is not None and plain_report["hits"] == []
    ov = overview(fixture_store)
    assert ov["reports"] == 3 and ov["paragraphs"] == len(fixture_paragraphs)
    assert ov["by_institution"]["乙市人民检察院"] == {str(y): 1 for y in range(2017, 2022)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(st.text(max_size=120), st.lists(st.sampled_from(
    ["改革", "理改革", "执行", "OR", "NOT", "-", "(", ")", '"', "“", "」", "year:", "2019", "institution:", "*", " ",
     "\x00", "。", "法", "theme:", "foo:"]), max_size=20).map("".join)))
def test_search_property_never_raises(fixture_store: Store, q: str) -> None:
    result = search(fixture_store, q)
    flags = [h["partial"] for h in result["hits"]]
    assert result["total"] >= flags.count(False)
    assert flags == sorted(flags)  # partial matches only after every full match
    for hit in result["hits"]:
        assert squeeze(plain(hit["snippet"]).replace("…", "")) in squeeze(hit["text"]) or "…" in hit["snippet"]


def test_mark_text_marks_the_query_words_and_escapes_the_rest(fixture_store: Store) -> None:
    assert mark_text(fixture_store, "诉源治理", "一、<推进>诉源治理") == "一、&lt;推进&gt;<mark>诉源治理</mark>"
    assert mark_text(fixture_store, '"共享法庭" 调解', "共享法庭与调解") == "<mark>共享法庭</mark>与<mark>调解</mark>"
    assert mark_text(fixture_store, "调解 -共享法庭", "共享法庭与调解") == "共享法庭与<mark>调解</mark>"
    assert mark_text(fixture_store, "", "a&b") == "a&amp;b"
