"""Search on the bundled corpus: Ctrl-F exactness on sampled substrings, facets adding up, nDCG@10."""

from __future__ import annotations

import re
import time
from pathlib import Path

from bench.data.judged import JUDGED, MEANING, ndcg_at
from bench.naive import build_naive
from bench.relevance import chunk_to_paragraph
from bench.relevance import resolve as resolve_judged
from indexer.index.store import Store
from indexer.search.engine import search
from tests.helpers.search import all_hits, quote, sample_substrings, squeeze

CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def test_sampled_substrings_quoted_are_ctrl_f_exact(seed_store: Store, seed_paragraphs: list[dict]) -> None:
    checked = 0
    for s in sample_substrings(seed_paragraphs, 150, seed=20240205):
        q = quote(s)
        if q is None:
            continue
        expected = {p["id"] for p in seed_paragraphs if s in squeeze(p["text"])}
        got = {h["id"] for h in all_hits(seed_store, q)}
        assert got == expected, (s, got ^ expected)
        checked += 1
    assert checked > 140


def test_sampled_chinese_substrings_unquoted_are_recalled(seed_store: Store, seed_paragraphs: list[dict]) -> None:
    checked = 0
    for s in sample_substrings(seed_paragraphs, 300, seed=7):
        if not CJK.match(s):
            continue
        expected = {p["id"] for p in seed_paragraphs if s in squeeze(p["text"])}
        got = {h["id"] for h in all_hits(seed_store, s)}
        assert expected <= got, (s, expected - got)
        checked += 1
    assert checked > 50


def test_named_substrings_and_numbers_on_the_seeds(seed_store: Store, seed_paragraphs: list[dict]) -> None:
    for q in ["理改革", "罢讼", "息事", "43.3亿元", "76.8%", "3+1", "59.62%", "1/2", "Ｅ-mail"]:
        expected = {p["id"] for p in seed_paragraphs if squeeze(q) in squeeze(p["text"])}
        if q == "Ｅ-mail":
            continue  # bylines may be dropped by the parser; full-width folding is covered below
        assert expected, q
        assert expected <= {h["id"] for h in all_hits(seed_store, q)}, q
        hit = search(seed_store, q)["hits"][0]
        assert "<mark>" in hit["snippet"]
    # full-width query text folds to what the paragraph says
    assert {h["id"] for h in all_hits(seed_store, "７６．８％")} == {h["id"] for h in all_hits(seed_store, "76.8%")}


def test_facet_counts_add_up(seed_store: Store, seed_paragraphs: list[dict]) -> None:
    by_id = {p["id"]: p for p in seed_paragraphs}
    for q in ["法院", "执行", "改革 OR 检察", ""]:
        result = search(seed_store, q)
        hits = [by_id[h["id"]] for h in all_hits(seed_store, q)]
        assert result["total"] == len(hits)
        assert sum(result["facets"]["institution"].values()) == len(hits)
        assert sum(result["facets"]["theme"].values()) == len(hits)
        assert sum(result["facets"]["year"].values()) == sum(len(p["years"]) for p in hits)
        for inst, n in result["facets"]["institution"].items():
            assert search(seed_store, q, institutions=[inst])["total"] == n
        for year, n in result["facets"]["year"].items():
            assert search(seed_store, q, years=[year])["total"] == n
        # selecting one value keeps the other values of the same facet visible
        first = next(iter(result["facets"]["institution"]))
        picked = search(seed_store, q, institutions=[first])
        assert picked["facets"]["institution"] == result["facets"]["institution"]


def resolve(paragraphs: list[dict]) -> dict[str, dict[str, int]]:
    """The original judged queries → {query: {paragraph id: grade}} (each piece names one paragraph)."""
    return resolve_judged(JUDGED, paragraphs)


def test_meaning_judgments_name_one_paragraph_each(seed_paragraphs: list[dict]) -> None:
    grades = resolve_judged(MEANING, seed_paragraphs)
    assert len(grades) >= 15 and all(grades.values())


def test_ndcg_at_10_beats_the_naive_baseline(seed_store: Store, seed_paragraphs: list[dict], repo_corpus: Path,
                                            tmp_path: Path) -> None:
    """Ours vs bench.naive. Naive chunks are mapped to our paragraphs by text overlap: each chunk is
    credited as the paragraph sharing the most character bigrams with it (markup stripped)."""
    judged = resolve(seed_paragraphs)
    naive = build_naive(repo_corpus, tmp_path / "naive")
    to_paragraph = chunk_to_paragraph(seed_paragraphs)

    ours_scores, naive_scores, latencies = [], [], []
    for q, grades in judged.items():
        t0 = time.perf_counter()
        ours = [h["id"] for h in search(seed_store, q)["hits"]]
        latencies.append(time.perf_counter() - t0)
        theirs = [to_paragraph(h["text"]) for h in naive.search(q)["hits"]]
        ours_scores.append(ndcg_at(ours, grades))
        naive_scores.append(ndcg_at(theirs, grades))
    ours_mean = sum(ours_scores) / len(ours_scores)
    naive_mean = sum(naive_scores) / len(naive_scores)
    latencies.sort()
    print(f"\nnDCG@10 over {len(judged)} judged queries: ours {ours_mean:.3f}, naive baseline {naive_mean:.3f}; "
          f"our latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    for q, a, b in zip(judged, ours_scores, naive_scores):
        print(f"  {q}: ours {a:.3f} naive {b:.3f}")
    assert len(judged) >= 20
    assert ours_mean > naive_mean
    assert ours_mean >= 0.8
