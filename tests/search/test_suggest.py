"""Completions (indexer.search.features.suggest) on a real index of the bundled corpus, checked against direct counts."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.analysis import JiebaTokenizer, normalize
from indexer.errors import BadRequest
from indexer.index.store import Store
from indexer.limits import MAX_SUGGESTIONS
from indexer.search.features.suggest import fold, suggest

PREFIXES = ["诉", "诉源", "执行", "扫黑", "共享", "法", "审判", "检察", "案件", "一件"]


@pytest.fixture(scope="module")
def spans_by_paragraph(seed_paragraphs: list[dict]) -> list[list[tuple[str, int, int]]]:
    """Every exported paragraph cut by the index's own word tokenizer."""
    tokenizer = JiebaTokenizer()
    return [tokenizer.spans(normalize(p["text"])) for p in seed_paragraphs]


@pytest.fixture(scope="module")
def word_counts(spans_by_paragraph: list[list[tuple[str, int, int]]]) -> Counter[str]:
    """Paragraphs containing each word, counted directly from the export."""
    counts: Counter[str] = Counter()
    for spans in spans_by_paragraph:
        counts.update({w for w, _, _ in spans})
    return counts


def aligned_count(phrase: str, spans_by_paragraph: list[list[tuple[str, int, int]]], paragraphs: list[dict]) -> int:
    """Paragraphs where phrase occurs starting and ending on word boundaries (adjacent whole words)."""
    n = 0
    for spans, para in zip(spans_by_paragraph, paragraphs):
        text = normalize(para["text"])
        starts = {s for _, s, _ in spans}
        ends = {e for _, _, e in spans}
        if any(m.start() in starts and m.end() in ends for m in re.finditer(re.escape(phrase), text)):
            n += 1
    return n


def test_word_counts_match_a_direct_count_over_the_export(seed_store: Store, word_counts: Counter[str]) -> None:
    checked = 0
    for prefix in PREFIXES:
        for s in suggest(seed_store, prefix, limit=MAX_SUGGESTIONS)["suggestions"]:
            assert s["text"].startswith(prefix)
            if s["kind"] == "word":
                assert s["count"] == word_counts[s["text"]], s
                assert s["approximate"] is False
                checked += 1
    assert checked >= 20


def test_phrase_counts_are_exact_on_a_small_build(seed_store: Store, seed_paragraphs: list[dict],
                                                  spans_by_paragraph: list, word_counts: Counter[str]) -> None:
    phrases = [s for p in PREFIXES for s in suggest(seed_store, p, limit=MAX_SUGGESTIONS)["suggestions"] if s["kind"] == "phrase"]
    assert len(phrases) >= 5
    for s in phrases:
        assert s["approximate"] is False  # the whole build fits the sample
        assert s["text"] not in word_counts  # a phrase is never a single word
        assert s["count"] == aligned_count(s["text"], spans_by_paragraph, seed_paragraphs) >= 2, s


def test_ranked_by_paragraph_count_best_first(seed_store: Store, word_counts: Counter[str]) -> None:
    for prefix in PREFIXES:
        got = suggest(seed_store, prefix, limit=MAX_SUGGESTIONS)["suggestions"]
        counts = [s["count"] for s in got]
        assert counts == sorted(counts, reverse=True), prefix
        direct = [c for w, c in word_counts.items() if w.startswith(prefix) and len(w) > 1]
        assert got and got[0]["count"] >= max(direct, default=0)  # nothing better was left out


def test_limits(seed_store: Store) -> None:
    full = suggest(seed_store, "法", limit=MAX_SUGGESTIONS)["suggestions"]
    assert len(full) == MAX_SUGGESTIONS
    for limit in (1, 3, 8):
        assert suggest(seed_store, "法", limit=limit)["suggestions"] == full[:limit]
    assert len(suggest(seed_store, "法")["suggestions"]) == 8  # the default
    for bad in (0, MAX_SUGGESTIONS + 1, -1, True, "3", 2.0, None):
        with pytest.raises(BadRequest) as info:
            suggest(seed_store, "法", limit=bad)  # type: ignore[arg-type]
        assert info.value.status == 400 and "建议条数" in str(info.value)


def test_traditional_input_suggests_the_simplified_words(seed_store: Store) -> None:
    simplified = suggest(seed_store, "诉源")["suggestions"]
    assert simplified and simplified[0]["text"] == "诉源治理"
    assert suggest(seed_store, "訴源")["suggestions"] == simplified
    assert [s["text"] for s in suggest(seed_store, "執行")["suggestions"]] == \
        [s["text"] for s in suggest(seed_store, "执行")["suggestions"]]
    assert fold("ＡＢ訴源") == "ab诉源"


def test_completes_the_last_word_and_keeps_the_rest(seed_store: Store) -> None:
    got = suggest(seed_store, "执行 扫黑")
    assert got["prefix"] == "扫黑" and got["suggestions"]
    assert all(s["query"] == "执行 " + s["text"] and s["text"].startswith("扫黑") for s in got["suggestions"])
    assert suggest(seed_store, "-扫黑")["suggestions"][0]["query"].startswith("-扫黑")
    assert suggest(seed_store, "“一件")["suggestions"][0]["query"] == "“一件事"
    for nothing in ("year:20", "机构：平湖", "执行 OR", "执行 ", ""):
        assert suggest(seed_store, nothing)["suggestions"] == [], nothing


@pytest.mark.parametrize("q", ["诉" * 10_000, "\x00\x01\x1f诉", "，。！？…", "!!!", "\ud800\udfff", "😀", " \t\n",
                               "(((", "\"", "a" * 300, "诉源治理" * 20, "\u200b\u200b", "%s%n{0}", "<script>"])
def test_hostile_input_never_errors(seed_store: Store, q: str) -> None:
    got = suggest(seed_store, q)
    assert got["query"] == q and isinstance(got["suggestions"], list)
    assert len(got["suggestions"]) <= 8


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40))
def test_any_text_gives_well_formed_prefix_completions(seed_store: Store, q: str) -> None:
    got = suggest(seed_store, q, limit=5)
    assert list(got) == ["query", "prefix", "suggestions"] and len(got["suggestions"]) <= 5
    for s in got["suggestions"]:
        assert list(s) == ["text", "count", "kind", "approximate", "query"]
        assert fold(s["text"]).startswith(fold(got["prefix"])) and s["count"] >= 1 and s["kind"] in ("word", "phrase")
        assert s["query"].endswith(s["text"])
