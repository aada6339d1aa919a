"""The peer run (bench/peers.py) over the bundled corpus: FTS5 is built from our build's paragraphs, answers the
issue's mix, and counts what a direct scan of our index's word tokens counts (no timings asserted)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bench.peer_engines import Fts5, Tantivy, parse_mix, tantivy_module
from bench.peers import FTS5, OURS, OURS_OFF, TANTIVY, markdown, run_peers, shipped_synonyms, word_tools
from bench.queries import PEER_MIX
from indexer.analysis import normalize, word_analyzer
from indexer.export import iter_paragraphs
from indexer.index.store import Store


@pytest.fixture(scope="module")
def peer_run(tmp_path_factory: pytest.TempPathFactory, seed_index: Path):
    work = tmp_path_factory.mktemp("peers")
    index = seed_index  # the session's index of the bundled corpus (read only: the peers are built in work/)
    block = run_peers(index, work / "peers", repeats=1, synonyms=shipped_synonyms(), ours_build={"build_s": 1.0})
    store = Store(index)
    paragraphs = list(iter_paragraphs(store))
    store.close()
    tokens = [_words(p["text"]) for p in paragraphs]  # our `text` field's Whoosh analyzer, not the peers' own cut
    return block, paragraphs, tokens, work / "peers"


def _words(text: str) -> list[str]:
    return [t.text for t in word_analyzer()(text)]


def _scan(tokens: list[list[str]], q: str) -> list[int]:
    """Paragraph numbers matching q over word tokens: words ANDed, OR, NOT, "a phrase" as adjacent tokens."""
    def has(toks: list[str], term: str) -> bool:
        want = _words(term.strip('"'))
        if term.startswith('"'):
            return any(toks[i : i + len(want)] == want for i in range(len(toks)))
        return all(w in toks for w in want)

    if " OR " in q:
        a, b = q.split(" OR ")
        return [i for i, t in enumerate(tokens) if has(t, a) or has(t, b)]
    if " NOT " in q:
        a, b = q.split(" NOT ")
        return [i for i, t in enumerate(tokens) if has(t, a) and not has(t, b)]
    return [i for i, t in enumerate(tokens) if all(has(t, w) for w in q.split())]


def test_the_peers_count_what_a_scan_of_our_word_tokens_counts(peer_run):
    block, paragraphs, tokens, _ = peer_run
    assert block["paragraphs"] == len(paragraphs) > 100
    hits = {q["q"]: q["hits"] for q in block["queries"]}
    assert list(hits) == list(PEER_MIX)
    for q in ("法院", "人民", "改革", "监督", "经济 发展", "扫黑除恶 OR 黑恶", "生态 NOT 环境", '"人民群众"'):
        expected = len(_scan(tokens, q))
        assert hits[q][FTS5] == expected, q
        if TANTIVY in hits[q]:  # where the bench extra is installed, tantivy must agree too
            assert hits[q][TANTIVY] == expected, q
    assert min(hits[q][FTS5] for q in ("法院", "人民", "改革", "监督")) > 0  # the scan finds something to compare
    assert _words("人民群众") == ["人民", "群众"]  # so the phrase is two adjacent tokens for a peer


def test_substrings_are_ours_alone(peer_run):
    block, paragraphs, _, _ = peer_run
    rows = {q["q"]: q for q in block["queries"]}
    folded = [re.sub(r"\s+", "", normalize(p["text"])) for p in paragraphs]
    for q in ("法院", "人民", "改革"):
        row = rows[q]
        assert row["ctrl_f"] == sum(q in f for f in folded)
        # Ctrl-F finds every whole-token occurrence and more (法院 inside 人民法院); ours searches the headings too
        assert row["hits"][OURS_OFF] >= row["ctrl_f"] > row["hits"][FTS5]
        assert row["hits"][OURS] >= row["hits"][OURS_OFF]


def test_fts5_answers_like_a_page_of_ours(peer_run):
    _, paragraphs, tokens, folder = peer_run
    _, query_cut, fold = word_tools()
    fts = Fts5(folder / "fts5.sqlite")
    try:
        answer = fts.search(parse_mix("法院", query_cut, fold))
        nothing = fts.search(parse_mix("理改", query_cut, fold))
        excluded = fts.search(parse_mix("法院 NOT 审判", query_cut, fold))
        either = fts.search(parse_mix('"人民群众" OR 审判', query_cut, fold))
        adjacent = fts.search(parse_mix('"工作法院"', query_cut, fold))
    finally:
        fts.close()
    matched = [paragraphs[i] for i in _scan(tokens, "法院")]
    assert answer["total"] == len(matched)
    assert answer["facets"]["institution"] == dict(Counter(p["institution"] for p in matched))
    assert answer["facets"]["year"] == dict(Counter(str(y) for p in matched for y in p["years"]))
    assert answer["facets"]["theme"] == dict(Counter(p["theme"] for p in matched))
    assert len(answer["hits"]) == min(10, len(matched))
    assert {h["id"] for h in answer["hits"]} <= {p["id"] for p in matched}
    assert all("<mark>法院</mark>" in h["snippet"] for h in answer["hits"])
    scores = [h["score"] for h in answer["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert excluded["total"] == len(_scan(tokens, "法院 NOT 审判")) < answer["total"]
    assert either["total"] == len(_scan(tokens, '"人民群众" OR 审判')) > len(_scan(tokens, "审判"))
    assert _words("工作法院") == ["工作", "法院"]  # a phrase of two tokens, adjacent in fewer paragraphs than both occur
    assert adjacent["total"] == len(_scan(tokens, '"工作法院"')) < len(_scan(tokens, "工作 法院"))
    assert nothing == {"total": 0, "hits": [], "facets": {"institution": {}, "year": {}, "theme": {}}}


def test_the_peer_table_reports_each_engine(peer_run):
    block = peer_run[0]
    md = markdown(block)
    assert "SQLite FTS5" in md and "`扫黑除恶 OR 黑恶`" in md
    for name in (OURS, OURS_OFF, FTS5):
        assert block["engines"][name]["cpu_p50_ms"] > 0
    assert block["ratios"][f"{OURS}_vs_{FTS5}"]["cpu_p50"] > 0
    if tantivy_module() is None:  # the test extra does not install it
        assert "tantivy: not installed (pip install -e '.[bench]')" in md and TANTIVY not in block["engines"]
        return
    assert block["fts5_equals_tantivy"] == len(PEER_MIX) and block["engines"][TANTIVY]["index_mb"] > 0
    _, query_cut, fold = word_tools()
    fts, tv = Fts5(peer_run[3] / "fts5.sqlite"), Tantivy(peer_run[3] / "tantivy")
    for q in ("人民", "经济 发展", '"人民群众"'):
        clauses = parse_mix(q, query_cut, fold)
        a, b = fts.search(clauses), tv.search(clauses)
        assert (a["total"], a["facets"]) == (b["total"], b["facets"]), q
        assert all("<b>" in h["snippet"] for h in b["hits"])
    fts.close()
