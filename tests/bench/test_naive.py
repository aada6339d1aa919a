"""The naive baseline engine builds from a real corpus and answers in the search JSON shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.naive import build_naive, chunks, parse_years


def test_chunks_split_on_blank_lines_without_cleaning():
    assert chunks("一、标题\n\n第一段\n续行\n \n## 第二段\r\n\r\n") == ["一、标题", "第一段\n续行", "## 第二段"]


def test_parse_years_accepts_single_and_range():
    assert parse_years(2020) == (2020,)
    assert parse_years("2017-2021") == (2017, 2018, 2019, 2020, 2021)


@pytest.fixture(scope="module")
def naive(repo_corpus: Path, tmp_path_factory: pytest.TempPathFactory):
    return build_naive(repo_corpus, tmp_path_factory.mktemp("naive") / "ix")


def test_build_counts_every_report(naive):
    assert naive.build.reports == 3
    assert naive.build.paragraphs > 100


def test_search_returns_hits_facets_and_highlighted_snippets(naive):
    result = naive.search("执行", per_page=5)
    assert result["total"] >= 5 and len(result["hits"]) == 5
    assert sum(result["facets"]["institution"].values()) == result["total"]
    assert all("执行" in h["text"] for h in result["hits"])
    assert any('<b class="match' in h["snippet"] for h in result["hits"])


def test_filters_narrow_and_deep_page_is_empty(naive):
    full = naive.search("审判")["total"]
    only_2023 = naive.search("审判", years=["2023"])
    assert 0 < only_2023["total"] < full
    assert all(2023 in h["years"] for h in only_2023["hits"])
    ranged = naive.search("审判", years=["2017-2021"])
    assert all(set(h["years"]) & set(range(2017, 2022)) for h in ranged["hits"])
    inst = naive.search("审判", institutions=["嘉兴市中级人民法院"])
    assert inst["total"] and all(h["institution"] == "嘉兴市中级人民法院" for h in inst["hits"])
    assert naive.search("审判", page=999)["hits"] == []


def test_bad_paging_raises_value_error(naive):
    with pytest.raises(ValueError):
        naive.search("审判", per_page=0)
