"""Issue 22's 最新 / 最早 against the oracle: the same hits, total and facets as by relevance, ordered by report
date (tests/helpers/oracle_order.py) with relevance deciding within a date — on every page asked for."""

from __future__ import annotations

import pytest

from indexer.search.engine import ranked, search
from indexer.search.language.synonyms import Synonyms
from tests.helpers.oracle_build import Pair
from tests.helpers.oracle_compare import ranked_problems, search_problems
from tests.helpers.oracle_order import by_date, report_date
from tests.helpers.oracle_queries import ISSUE_MIX, filter_sets

PAGES = [(1, 10), (2, 10), (4, 7), (1, 100)]


@pytest.mark.parametrize("corpus", ["generated", "bundled"])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_pages_by_date_are_the_oracles_ranking_sorted_by_report_date(corpus: str, sort: str, synonyms: Synonyms,
                                                                      request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    reports = pair.store.current().meta["reports"]
    problems: list[str] = []
    compared = 0
    for n, q in enumerate(ISSUE_MIX[:: 2 if corpus == "generated" else 1]):
        filters = filter_sets(pair)[n % 4]
        expand = n % 3 != 0
        answer = by_date(pair.oracle.search(q, synonyms=synonyms, expand=expand, **filters), reports, sort == "newest")
        for page, per_page in PAGES:
            got = search(pair.store, q, page=page, per_page=per_page, synonyms=synonyms, expand=expand, sort=sort,
                         **filters)
            problems += [f"{sort} {filters}: {p}" for p in search_problems(got, answer)]
        got_ranked = ranked(pair.store, q, limit=answer.total, synonyms=synonyms, expand=expand, sort=sort, **filters)
        problems += ranked_problems(got_ranked, answer, answer.total)
        compared += answer.total > 10
    assert not problems, "\n".join(problems[:30])
    assert compared >= 3


def test_the_generated_corpus_has_many_dates_and_the_bundled_one_a_report_without_one(generated: Pair,
                                                                                     bundled: Pair) -> None:
    """What makes the test above able to fail: reports of many dates, dates shared, and a date taken from years."""
    dated = [report_date(r) for r in generated.store.current().meta["reports"]]
    assert len(set(dated)) > 20 and len(set(dated)) < len(dated)
    assert any(r.get("date") is None for r in bundled.store.current().meta["reports"])


def test_newest_first_really_puts_the_newest_report_first(bundled: Pair) -> None:
    newest = search(bundled.store, "法院", sort="newest", per_page=100)["hits"]
    oldest = search(bundled.store, "法院", sort="oldest", per_page=100)["hits"]
    by_relevance = search(bundled.store, "法院", per_page=100)["hits"]
    assert newest[0]["report"] == "pinghu-court-2023"  # delivered 2024-02-05
    assert oldest[0]["report"] == "jiaxing-intermediate-court-2020"  # delivered 2021-02-06 (the five-year review: 2021-12-31)
    assert {h["id"] for h in newest} == {h["id"] for h in oldest} == {h["id"] for h in by_relevance}
    assert [h["id"] for h in newest] != [h["id"] for h in by_relevance]
