"""Issue 17's oracle after incremental updates: two reports removed (`remove`) and one changed, our build made
incrementally (deleted paragraphs stay in the reused segments, the changed report in a new segment) against a
reference written by Whoosh's own writer the same way (delete_by_term, commit(merge=False)).

The documented rule encoded here (indexer/index/update.py): until a merge, the deleted paragraphs still count
in Whoosh's BM25F statistics (document frequency, document count, average length), in both builds alike; hits,
facets, trends and report views never include them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate_corpus
from indexer.collection import remove_report
from indexer.export import iter_paragraphs
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.index.update import update_index
from indexer.ingest.corpus import load_corpus
from indexer.search.engine import get_report, search
from indexer.search.features.suggest import suggest
from indexer.search.features.trends import trends
from indexer.search.language.synonyms import Synonyms
from tests.helpers.oracle import Oracle
from tests.helpers.oracle_build import Pair, update_reference, write_reference
from tests.helpers.oracle_compare import search_problems, trend_problems
from tests.helpers.oracle_queries import (
    ISSUE_MIX,
    Vocabulary,
    compare_ranked,
    compare_search,
    filter_sets,
    queries,
    search_kwargs,
    vocabulary,
)

pytestmark = pytest.mark.slow  # the module's corpus is generated, built, removed from and updated: over 15 s

ADDED = "深化诉源治理，推进共享法庭建设，依法惩治电信网络诈骗犯罪，切实解决执行难，执行到位金额4.8亿元。"


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Pair, list[str], str]]:
    """(the pair after the updates, the removed report ids, the changed report's id)."""
    base = tmp_path_factory.mktemp("oracle-incremental")
    corpus, root, reference = base / "corpus", base / "index", base / "reference"
    generate_corpus(1_500, corpus, seed=29)
    build_index(corpus, root, procs=2)
    before = load_corpus(corpus).reports
    write_reference(before, reference)
    removed, changed = [before[3].id, before[11].id], before[6]
    for rid in removed:
        assert remove_report(rid, corpus, root, procs=1).update.mode == "incremental"
    path = corpus / changed.file
    chunks = path.read_text(encoding="utf-8").split("\n\n")
    path.write_text("\n\n".join(chunks[:3] + chunks[4:]).rstrip() + "\n\n" + ADDED + "\n", encoding="utf-8")
    summary = update_index(corpus, root, procs=1)
    assert summary.mode == "incremental" and summary.changed == [changed.id]
    after = load_corpus(corpus).reports
    update_reference(reference, removed, [r for r in after if r.id == changed.id])
    pair = Pair(corpus, Store(root), Oracle(reference, [r.id for r in after]), after, reference)
    yield pair, removed, changed.id
    pair.close()


@pytest.fixture(scope="module")
def pair(updated: tuple[Pair, list[str], str]) -> Pair:
    return updated[0]


def test_the_reference_keeps_the_deleted_paragraphs_and_holds_the_builds_live_ones(
        updated: tuple[Pair, list[str], str]) -> None:
    """Premises: the reference still holds (and counts) the deleted paragraphs until a merge; its live ones
    are the build's (as exported), the changed report's new text included, the removed reports' gone."""
    pair, removed, changed = updated
    ref = pair.oracle.searcher
    live = [p.id for r in pair.reports for p in r.paragraphs]
    assert ref.doc_count() == len(live) < ref.doc_count_all()
    assert sorted(d.id for d in pair.oracle.ev.docs.values()) == sorted(live)
    assert [p["id"] for p in iter_paragraphs(pair.store)] == live
    assert not {d.report for d in pair.oracle.ev.docs.values()} & set(removed)
    assert ADDED in [p.text for r in pair.reports if r.id == changed for p in r.paragraphs]


def test_the_issue_mix_agrees_after_the_updates(pair: Pair, synonyms: Synonyms) -> None:
    problems: list[str] = []
    for q in [*ISSUE_MIX, ADDED[:6], f'"{ADDED[10:20]}"']:
        for expand in (True, False):
            for n, filters in enumerate(filter_sets(pair)):
                problems += compare_search(pair, q, [(1, 10), (3, 10)] if n == 0 else [(1, 10)], synonyms, expand, **filters)[0]
            problems += compare_ranked(pair, q, synonyms, expand)[0]
    assert not problems, "\n".join(problems[:40])


def test_report_views_trends_and_suggestions_agree_after_the_updates(updated: tuple[Pair, list[str], str],
                                                                     synonyms: Synonyms) -> None:
    pair, removed, changed = updated
    problems = []
    for rid in [changed, pair.reports[0].id, pair.reports[-1].id]:
        for q in ["诉源治理", '"执行到位"', "法院 OR 检察", ""]:
            got = get_report(pair.store, rid, q=q, synonyms=synonyms)
            want = pair.oracle.report_hits(rid, q, synonyms=synonyms)
            if got is None or got["hits"] != want:
                problems.append(f"report {rid} {q!r}: {got and got['hits']}, the oracle's {want}")
    for rid in removed:
        assert get_report(pair.store, rid, q="法院") is None
    terms = ["诉源治理", '"共享法庭"', "电诈", "执行难 OR 破产", "人"]
    for f in [{}, {"institutions": pair.institutions()[:2]}]:
        got = trends(pair.store, terms, synonyms=synonyms, **f)
        for term, series in zip(terms, got["series"], strict=True):
            problems += trend_problems(got, series, pair.oracle.trend(term, synonyms=synonyms, **f))
    words = vocabulary(pair, synonyms).words
    for prefix in dict.fromkeys(w[:1] for w in words[:40]):
        for s in suggest(pair.store, prefix, limit=20)["suggestions"]:
            if s["kind"] == "word" and s["count"] != pair.oracle.doc_frequency(s["text"]):
                problems.append(f"suggestion {s}: Whoosh's doc_frequency {pair.oracle.doc_frequency(s['text'])}")
    assert not problems, "\n".join(problems[:40])


@pytest.fixture(scope="module")
def words(pair: Pair, synonyms: Synonyms) -> Vocabulary:
    return vocabulary(pair, synonyms)


@settings(max_examples=60, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_queries_agree_after_the_updates(pair: Pair, words: Vocabulary, synonyms: Synonyms,
                                                data: st.DataObject) -> None:
    q = data.draw(queries(words), label="q")
    kw = data.draw(search_kwargs(words), label="kwargs")
    filters = {k: kw[k] for k in ("institutions", "years", "themes")}
    answer = pair.oracle.search(q, synonyms=synonyms, expand=kw["expand"], **filters)
    got = search(pair.store, q, page=kw["page"], per_page=kw["per_page"], synonyms=synonyms, expand=kw["expand"], **filters)
    problems = search_problems(got, answer)
    assert not problems, "\n".join(problems[:40])
