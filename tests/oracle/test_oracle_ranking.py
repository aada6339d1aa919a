"""Ranking against Whoosh's own unlimited BM25F order (moved here from tests/search/test_ranking_order.py and
test_meaning.py when the reference path left the product, issue 17): the top hits of frequent words, of
OR/NOT queries and of phrases, and of queries ranked only by synonyms (the concept's best alternative)."""

from __future__ import annotations

from indexer.search.language.synonyms import Synonyms
from tests.helpers.oracle_build import Pair
from tests.helpers.oracle_queries import compare_ranked, compare_search

QUERIES = [  # ≥ 10 hits each on the bundled reports, then a few smaller ones
    "法院", "审判", "检察", "案件", "工作", "推进", "加强", "建设", "依法", "群众", "诉讼",
    "法院 OR 检察院", "案件 OR 执行", "改革 OR 发展", "工作 -法院",
    "人民法院", "司法 改革", "执行难", '"人民法院"', "服务 大局",
]


def test_top_hits_are_whoosh_unlimited_bm25f_order(bundled: Pair) -> None:
    problems: list[str] = []
    for q in QUERIES:
        got, total = compare_ranked(bundled, q, None, expand=False, limit=30)
        assert total > 0, q
        problems += [f"{q}: {p}" for p in got]
    assert not problems, "\n".join(problems[:40])


def test_expanded_ranking_is_whooshs_own_order(bundled: Pair, synonyms: Synonyms) -> None:
    for q in ("电诈", "智慧法院", "反腐败", "多元解纷"):  # the word itself is absent: every hit is ranked by its best synonym
        got, total = compare_ranked(bundled, q, synonyms, expand=True)
        assert total >= 3 and not got, (q, got[:10])
        problems, _ = compare_search(bundled, q, [(1, 100)], synonyms, True)
        assert not problems, (q, problems[:10])


def test_frequent_words_at_scale_keep_whooshs_order_on_every_page(generated: Pair) -> None:
    """Many hits (hundreds of candidates for the phrase bounds): the first pages in Whoosh's order."""
    problems: list[str] = []
    for q in ("法院", "改革 发展", "人民群众", "社会 治理", "经济 发展 OR 改革"):
        got, total = compare_search(generated, q, [(1, 10), (3, 10), (1, 100)], None, False)
        assert total > 100, q
        problems += got
    assert not problems, "\n".join(problems[:40])
