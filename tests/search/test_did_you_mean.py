"""“Did you mean”: a query that finds nothing gets alternatives from the index, each of which has hits."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.features.didyoumean import did_you_mean, distance

NO_FILTERS: dict[str, list[str]] = {}


def assert_alternatives_have_hits(store: Store, result: dict, **filters: list[str]) -> None:
    for alt in result["did_you_mean"]:
        again = search(store, alt["query"], **filters)
        assert again["total"] == alt["total"] > 0, alt


def test_a_typo_is_corrected_to_a_word_of_the_index(seed_store: Store) -> None:
    result = search(seed_store, "诉原治理")  # 原 for 源
    assert result["total"] == 0
    assert result["did_you_mean"][0]["query"] == "诉源治理"
    assert_alternatives_have_hits(seed_store, result)
    result = search(seed_store, "执行南")  # 南 for 难: same length first, then most paragraphs
    assert result["total"] == 0 and result["did_you_mean"][0]["query"] == "执行难"
    assert_alternatives_have_hits(seed_store, result)


def test_reordered_characters_and_phrases_are_corrected(seed_store: Store) -> None:
    result = search(seed_store, "“扫黑除霸”")
    assert result["total"] == 0 and result["did_you_mean"][0]["query"] == "“扫黑除恶”"
    assert_alternatives_have_hits(seed_store, result)
    result = search(seed_store, "法庭享共")
    assert result["total"] == 0 and "共享法庭" in [a["query"] for a in result["did_you_mean"]]


TRADITIONAL_REPORT = """# 丁市人民法院工作報告

## 一、深化訴源治理

深化訴源治理改革，推進共享法庭建設，訴源治理成效明顯。

堅持執行難綜合治理，執行到位金額明顯提升。
"""


@pytest.fixture(scope="module")
def traditional_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A build of one report written in traditional characters."""
    from indexer.index.build import build_index

    corpus = tmp_path_factory.mktemp("traditional") / "corpus"
    corpus.mkdir()
    (corpus / "ding-court-2020.txt").write_text(TRADITIONAL_REPORT, encoding="utf-8")
    (corpus / "catalog.toml").write_text(
        '[[report]]\nfile = "ding-court-2020.txt"\ntitle = "丁市人民法院工作報告（2020年）"\n'
        'institution = "丁市人民法院"\nyear = 2020\n', encoding="utf-8")
    build_index(corpus, corpus.parent / "index", procs=1)
    return Store(corpus.parent / "index")


def test_traditional_query_is_offered_in_simplified(seed_store: Store) -> None:
    got = did_you_mean(seed_store.current(), "訴源治理", NO_FILTERS)
    assert got[0]["query"] == "诉源治理" and got[0]["total"] == search(seed_store, "诉源治理")["total"] > 0
    got = did_you_mean(seed_store.current(), "訴原治理", NO_FILTERS)  # traditional and a typo
    assert "诉源治理" in [a["query"] for a in got]


def test_simplified_query_is_offered_in_traditional(traditional_store: Store) -> None:
    got = did_you_mean(traditional_store.current(), "诉源治理", NO_FILTERS)
    assert got[0]["query"] == "訴源治理"
    assert got[0]["total"] == search(traditional_store, "訴源治理")["total"] > 0
    assert [a["query"] for a in did_you_mean(traditional_store.current(), "执行难", NO_FILTERS)][:1] == ["執行難"]


def test_a_dead_word_next_to_live_ones_is_dropped(seed_store: Store) -> None:
    result = search(seed_store, "诉源治理 外星人飞船")
    assert result["total"] == 0
    assert "诉源治理" in [a["query"] for a in result["did_you_mean"]]
    assert_alternatives_have_hits(seed_store, result)


def test_alternatives_respect_the_filters(seed_store: Store) -> None:
    plain = search(seed_store, "诉原治理")
    institutions = sorted(search(seed_store, "案件")["facets"]["institution"])
    for inst in institutions:
        filtered = search(seed_store, "诉原治理", institutions=[inst])
        assert filtered["total"] == 0
        assert_alternatives_have_hits(seed_store, filtered, institutions=[inst])
        assert {a["query"] for a in filtered["did_you_mean"]} <= {a["query"] for a in plain["did_you_mean"]} | {
            a["query"] for a in filtered["did_you_mean"] if a["total"] > 0}
    unreachable = [inst for inst in institutions if search(seed_store, "诉源治理", institutions=[inst])["total"] == 0]
    for inst in unreachable:
        assert "诉源治理" not in [a["query"] for a in search(seed_store, "诉原治理", institutions=[inst])["did_you_mean"]]


def test_found_or_hopeless_queries_have_no_alternatives(seed_store: Store) -> None:
    assert search(seed_store, "诉源治理")["did_you_mean"] == []
    for q in ("", "zzqqxx", "，，，", "-诉源治理", "year:1900"):
        assert search(seed_store, q)["did_you_mean"] == [] or search(seed_store, q)["total"] == 0


def test_distance() -> None:
    assert distance("诉源治理", "诉原治理") == 1
    assert distance("执行", "执行难") == 1
    assert distance("", "abc") == 3 and distance("kitten", "sitting") == 3 and distance("同", "同") == 0


@pytest.mark.parametrize("q", ["\ud800诉原治理", "诉原治理" * 80, "(诉原治理 OR 执行南) -外星人", "\x00\x01", "诉原治理 year:2019"])
def test_hostile_queries_get_checked_alternatives_or_none(seed_store: Store, q: str) -> None:
    result = search(seed_store, q)
    if result["total"] == 0:
        assert_alternatives_have_hits(seed_store, result)
    else:
        assert result["did_you_mean"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(alphabet="诉源治理执行难共享法庭扫黑除恶原南外星人 OR-\"", max_size=12))
def test_every_alternative_has_hits(seed_store: Store, q: str) -> None:
    result = search(seed_store, q)
    assert len(result["did_you_mean"]) <= 3
    if result["total"]:
        assert result["did_you_mean"] == []
    assert_alternatives_have_hits(seed_store, result)


def test_alternatives_are_counted_with_the_searchs_synonyms(seed_store: Store) -> None:
    """The total next to an alternative is what searching it finds, with synonyms on or off."""
    from indexer.config import default_synonyms_path
    from indexer.search.language.synonyms import load_synonyms

    synonyms = load_synonyms(default_synonyms_path())
    for expand in (True, False):
        got = search(seed_store, "诉原治理", synonyms=synonyms, expand=expand)["did_you_mean"]
        assert got, expand
        for alt in got:
            assert alt["total"] == search(seed_store, alt["query"], synonyms=synonyms, expand=expand)["total"] > 0
    on = search(seed_store, "诉原治理", synonyms=synonyms)["did_you_mean"][0]
    off = search(seed_store, "诉原治理", synonyms=synonyms, expand=False)["did_you_mean"][0]
    assert on["query"] == off["query"] == "诉源治理" and on["total"] > off["total"]  # 诉源治理 has synonyms
