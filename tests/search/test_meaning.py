"""Finding what the user means (issue 11): synonym concepts, traditional characters, partial matches."""

from __future__ import annotations

import os
from pathlib import Path

import opencc
import pytest

from bench.data import judged as search_judged
from bench.data.judged import MEANING, TRADITIONAL
from bench.relevance import mean_scores, resolve
from indexer.config import default_synonyms_path
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.search.engine import get_report, mark_text, search
from indexer.search.language.query import parse
from indexer.search.language.synonyms import SynonymFile, Synonyms, expand, load_synonyms, parse_synonyms
from tests.helpers.search import MARK, all_hits, quote, sample_substrings, squeeze


@pytest.fixture(scope="module")
def bundled() -> Synonyms:
    return load_synonyms(default_synonyms_path())


def ids(hits: list[dict]) -> set[str]:
    return {h["id"] for h in hits}


def containing(paragraphs: list[dict], *needles: str) -> set[str]:
    return {p["id"] for p in paragraphs if any(squeeze(n) in squeeze(p["text"]) for n in needles)}


# ---------------------------------------------------------------- synonyms


def test_an_abbreviation_finds_the_full_form_and_says_so(seed_store: Store, seed_paragraphs: list[dict],
                                                         bundled: Synonyms) -> None:
    assert search(seed_store, "电诈")["total"] == 0  # no synonyms given: the reports never say 电诈
    result = search(seed_store, "电诈", synonyms=bundled)
    assert ids(all_hits(seed_store, "电诈", synonyms=bundled)) == containing(seed_paragraphs, *["电诈", *bundled.of("电诈")])
    assert result["total"] >= 4
    assert result["expanded"] == {"电诈": list(bundled.of("电诈"))}
    assert result["notice"] == "同时检索：" + "、".join(bundled.of("电诈")) + "（电诈）"
    assert result["expand"] is True
    for hit in result["hits"]:  # the synonym that matched is marked in the snippet
        assert any(m in bundled.of("电诈") for m in MARK.findall(hit["snippet"])), hit["snippet"]


def test_expand_false_searches_the_users_words_only(seed_store: Store, bundled: Synonyms) -> None:
    plain = search(seed_store, "智慧法院", synonyms=bundled, expand=False)
    assert plain["total"] == 0 and plain["expanded"] == {} and plain["notice"] is None and plain["expand"] is False
    assert search(seed_store, "智慧法院", synonyms=bundled)["total"] >= 3


def test_a_quoted_phrase_is_never_expanded(seed_store: Store, bundled: Synonyms) -> None:
    for q in ('"电诈"', "“扫黑”", "「欠薪」"):
        result = search(seed_store, q, synonyms=bundled)
        assert result["expanded"] == {} and result["notice"] is None, q
        assert ids(all_hits(seed_store, q, synonyms=bundled)) == ids(all_hits(seed_store, q)), q
    assert search(seed_store, '"电诈"', synonyms=bundled)["total"] == 0


def test_not_is_never_expanded(seed_store: Store, bundled: Synonyms) -> None:
    with_syn = ids(all_hits(seed_store, "犯罪 -电诈", synonyms=bundled))
    assert with_syn == ids(all_hits(seed_store, "犯罪 -电诈"))  # excludes what the user wrote, nothing more


def test_concepts_are_anded(seed_store: Store, seed_paragraphs: list[dict], bundled: Synonyms) -> None:
    got = ids(all_hits(seed_store, "欠薪 农民工", synonyms=bundled))
    wage = containing(seed_paragraphs, "欠薪", *bundled.of("欠薪"))
    assert got and got <= wage
    assert got == {pid for pid in wage if pid in containing(seed_paragraphs, "农民工", *bundled.of("农民工"))}


def test_each_jieba_word_of_a_chunk_is_a_concept(seed_store: Store, seed_paragraphs: list[dict],
                                                 bundled: Synonyms) -> None:
    result = search(seed_store, "电诈犯罪", synonyms=bundled)  # no entry for the chunk: its word 电诈 has one
    assert list(result["expanded"]) == ["电诈"]
    fraud = containing(seed_paragraphs, "电诈", *bundled.of("电诈"))
    crime = {h["id"] for h in all_hits(seed_store, "犯罪")}
    assert ids(all_hits(seed_store, "电诈犯罪", synonyms=bundled)) == fraud & crime != set()


def test_a_concept_scores_as_its_best_alternative_not_the_sum(seed_store: Store) -> None:
    from indexer.search.evaluation.context import context
    from indexer.search.evaluation.terms import Terms
    from indexer.search.scoring.plan import BestClause, SumClause, TermClause
    from indexer.search.scoring.score import Candidates, Scorer

    opened = seed_store.current()
    with opened.hold():
        ctx = context(opened)
        scorer = Scorer(ctx, Terms(ctx))
        cand = Candidates(ctx.universe, ctx.size)
        alts = [TermClause("text", "执行", 0.3), TermClause("text", "案件"), TermClause("text_bi", "法院", 0.6)]
        each = [scorer.term(a, cand) for a in alts]
        best_s, best_m = scorer.best(BestClause(tuple(SumClause((a,)) for a in alts), first_wins=False), cand)
        assert best_m.sum() > 20
        for i in best_m.nonzero()[0]:
            assert best_s[i] == pytest.approx(max(s[i] for s, m in each if m[i]))
        several = [i for i in best_m.nonzero()[0] if sum(m[i] for _, m in each) > 1]
        assert several and all(best_s[i] < sum(s[i] for s, _ in each) for i in several)
        # first_wins (a concept: the user's word first): its score where it matches, else the best other
        first_s, first_m = scorer.best(BestClause(tuple(SumClause((a,)) for a in alts), first_wins=True), cand)
        assert (first_m == best_m).all()
        word_s, word_m = each[0]
        for i in first_m.nonzero()[0]:
            expected = word_s[i] if word_m[i] else max(s[i] for s, m in each[1:] if m[i])
            assert first_s[i] == pytest.approx(expected)
        assert any(first_s[i] < best_s[i] for i in word_m.nonzero()[0])  # somewhere a synonym would have lifted the word


def one_report_store(base: Path, heading: str, paragraphs: list[str]) -> Store:
    """An index of one court report (2021) with one section of these paragraphs."""
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "a-court-2021.txt").write_text(f"# 甲院报告\n\n## {heading}\n\n" + "\n\n".join(paragraphs) + "\n",
                                             encoding="utf-8")
    (corpus / "catalog.toml").write_text('[[report]]\nfile = "a-court-2021.txt"\ntitle = "甲院报告"\n'
                                         'institution = "甲市人民法院"\nyear = 2021\n', encoding="utf-8")
    build_index(corpus, base / "index", procs=1)
    return Store(base / "index")


def test_the_users_word_outweighs_its_synonym(tmp_path_factory: pytest.TempPathFactory) -> None:
    store = one_report_store(tmp_path_factory.mktemp("weight"), "一、审判",
                             ["本院严厉打击甲骗犯罪，成效明显。", "本院严厉打击乙骗犯罪，成效明显。"])
    for word, other in (("甲骗", "乙骗"), ("乙骗", "甲骗")):  # same lengths, same frequencies: only the weight differs
        hits = search(store, word, synonyms=parse_synonyms("甲骗, 乙骗"))["hits"]
        assert [word in h["text"] for h in hits] == [True, False]
        assert hits[0]["score"] > hits[1]["score"] > 0


def test_editing_the_synonyms_file_applies_without_a_reindex(seed_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("智慧法院 => 数字法院\n", encoding="utf-8")
    source = SynonymFile(path)
    first = search(seed_store, "智慧法院", synonyms=source.current())
    path.write_text("智慧法院 => 数字法院, 无纸化, 信息化\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    second = search(seed_store, "智慧法院", synonyms=source.current())
    assert second["total"] > first["total"] >= 1
    assert second["expanded"] == {"智慧法院": ["数字法院", "无纸化", "信息化"]}  # same index, no reindex


def test_report_view_and_marks_use_the_same_expansion(seed_store: Store, bundled: Synonyms) -> None:
    doc = get_report(seed_store, "pinghu-court-2023", q="电诈", synonyms=bundled)
    assert doc is not None and doc["hits"] == [14]
    assert get_report(seed_store, "pinghu-court-2023", q="电诈", synonyms=bundled, expand=False)["hits"] == []
    assert "<mark>电信网络诈骗</mark>" in mark_text(seed_store, "电诈", "审结电信网络诈骗案件", synonyms=bundled)
    assert "<mark>" not in mark_text(seed_store, "电诈", "审结电信网络诈骗案件", synonyms=bundled, expand=False)


def test_expansion_tree_keeps_phrases_filters_and_nots() -> None:
    syn = parse_synonyms("电诈, 电信网络诈骗\n")
    tree = parse('电诈 "电诈" -电诈 year:2020').tree
    expanded = expand(tree, syn, lambda text: [text])
    assert expanded.added == {"电诈": ["电信网络诈骗"]}
    kinds = [type(c).__name__ for c in expanded.tree.children]
    assert kinds == ["Concept", "Phrase", "Not", "Filter"]
    assert expanded.tree.children[2] == tree.children[2]


# ---------------------------------------------------------------- traditional characters


def test_normalize_folds_traditional_one_character_to_one() -> None:
    from indexer.analysis import normalize

    assert normalize("訴源治理 縣級矛調中心，ＡＢ") == "诉源治理 县级矛调中心,ab"
    # context free: the fold of a piece is the piece of the fold (what keeps phrases Ctrl-F exact)
    text = "".join(chr(c) for c in range(0x4E00, 0x9FA6, 7)) + "乾隆乾淨後來著名"
    folded = normalize(text)
    assert len(folded) == len(text)
    for start in range(0, len(text) - 5, 97):
        assert normalize(text[start : start + 5]) == folded[start : start + 5]
    assert sum(a != b for a, b in zip(text, folded)) > 100


def test_traditional_query_finds_simplified_text_and_back(seed_store: Store) -> None:
    for trad, simp in (("訴源治理", "诉源治理"), ("掃黑除惡", "扫黑除恶"), ("電信網絡詐騙", "电信网络诈骗"), ("執行難", "执行难")):
        assert ids(all_hits(seed_store, trad)) == ids(all_hits(seed_store, simp)) != set(), trad
        assert ids(all_hits(seed_store, quote(trad))) == ids(all_hits(seed_store, quote(simp))) != set(), trad
    # the Jiaxing report itself writes 县級 (traditional 級): the simplified query finds it, and the mark
    # covers the characters as they stand in the paragraph
    (hit,) = [h for h in search(seed_store, "县级矛调中心")["hits"] if not h["partial"]]
    assert "<mark>县級矛调中心</mark>" in hit["snippet"]
    (same,) = [h for h in search(seed_store, '"縣級矛調中心"')["hits"] if not h["partial"]]
    assert same["id"] == hit["id"]


def test_quoted_phrases_stay_ctrl_f_exact_across_scripts(seed_store: Store, seed_paragraphs: list[dict]) -> None:
    """A sampled substring typed in traditional characters finds exactly the paragraphs whose folded text
    contains the folded substring (Ctrl-F over the simplified form), and the marks cover those spots."""
    to_trad = opencc.OpenCC("s2t")
    checked = 0
    for s in sample_substrings(seed_paragraphs, 120, seed=11):
        trad = to_trad.convert(s)
        q = quote(trad)
        if q is None or trad == s or len(trad) != len(s):
            continue
        expected = {p["id"] for p in seed_paragraphs if squeeze(trad) in squeeze(p["text"])}
        assert expected == {p["id"] for p in seed_paragraphs if squeeze(s) in squeeze(p["text"])}
        got = all_hits(seed_store, q)
        assert ids(got) == expected, (s, trad)
        for hit in got:
            assert any(squeeze(m) == squeeze(s) for m in MARK.findall(hit["snippet"]) if "…" not in m) \
                or "…" in hit["snippet"]
        checked += 1
    assert checked > 60


# ---------------------------------------------------------------- partial matches


def test_partial_matches_follow_full_ones_labelled_with_what_they_lack(seed_store: Store,
                                                                       seed_paragraphs: list[dict]) -> None:
    q = "认罪认罚 从宽 制度"
    result = search(seed_store, q)
    assert result["total"] == 0 and result["facets"]["institution"] == {}
    assert result["partial_matches"] == len(result["hits"]) > 0
    by_id = {p["id"]: p for p in seed_paragraphs}
    counts = []
    for hit in result["hits"]:
        assert hit["partial"] is True and hit["missing"]
        text = squeeze(by_id[hit["id"]]["text"] + by_id[hit["id"]]["section"])
        for word in hit["missing"]:
            assert word not in text, (hit["id"], word)
        counts.append(3 - len(hit["missing"]))
    assert counts == sorted(counts, reverse=True)  # most concepts matched first
    assert result["hits"][0]["id"] == "jiaxing-intermediate-court-2020-p9"  # the one about 认罪认罚
    assert result["hits"][0]["missing"] == ["从宽", "制度"]


def test_total_and_facets_count_full_matches_only(seed_store: Store) -> None:
    result = search(seed_store, "共享法庭 知产", per_page=100)
    full = [h for h in result["hits"] if not h["partial"]]
    assert result["total"] == len(full) >= 1 and result["partial_matches"] > 0
    assert sum(result["facets"]["institution"].values()) == result["total"]
    assert [h["partial"] for h in result["hits"]] == [False] * len(full) + [True] * result["partial_matches"]
    assert len(result["hits"]) <= 10


def test_partial_matches_respect_filters_and_not(seed_store: Store) -> None:
    result = search(seed_store, "认罪认罚 从宽 制度", institutions=["平湖市人民检察院"], per_page=100)
    assert all(h["institution"] == "平湖市人民检察院" or "平湖市人民检察院" in h["title"] for h in result["hits"])
    assert "jiaxing-intermediate-court-2020-p9" not in ids(result["hits"])
    excluded = search(seed_store, "认罪认罚 从宽 制度 -刑事", per_page=100)
    assert all("刑事" not in squeeze(h["text"]) for h in excluded["hits"])


def test_a_partial_match_never_outranks_a_full_match(tmp_path_factory: pytest.TempPathFactory) -> None:
    # 调解 is common here (low idf) and 执行 rare: the short paragraph saying 执行 eight times outscores
    # the long one with both words, yet it lacks 调解 and must come after it
    filler = "群众满意度明显提升，各项工作稳步推进，审判质量不断提高，队伍建设持续加强，"
    paragraphs = ["执行执行执行执行执行执行执行执行。", f"开展执行与调解衔接工作，{filler * 4}成效明显。",
                  *[f"深化诉前调解工作第{n}项举措。" for n in range(6)]]
    store = one_report_store(tmp_path_factory.mktemp("partial"), "一、工作", paragraphs)
    result = search(store, "执行 调解")
    assert result["total"] == 1
    full, partials = result["hits"][0], result["hits"][1:]
    assert not full["partial"] and "调解" in full["text"] and "执行" in full["text"]
    assert len(partials) == result["partial_matches"] == 7 and all(h["partial"] for h in partials)
    (eight,) = [h for h in partials if h["missing"] == ["调解"]]
    assert eight["score"] > full["score"]  # by score alone it would come first; it never does
    assert all(h["missing"] == ["执行"] for h in partials if h is not eight)


# ---------------------------------------------------------------- measured


def test_meaning_queries_gain_from_expansion_and_folding(seed_store: Store, seed_paragraphs: list[dict],
                                                         bundled: Synonyms) -> None:
    """The hand-judged issue-11 queries: synonyms (and folding) must lift nDCG@10 and recall@10 clearly."""
    grades = resolve(MEANING, seed_paragraphs)

    def ranked(**kw: object):
        return lambda q: [h["id"] for h in search(seed_store, q, synonyms=bundled, **kw)["hits"]]

    expanded = mean_scores(ranked(), grades, search_judged)
    plain = mean_scores(ranked(expand=False), grades, search_judged)
    print(f"\nissue-11 queries: nDCG@10 {expanded[0]:.3f} (expand=0: {plain[0]:.3f}), "
          f"recall@10 {expanded[1]:.3f} (expand=0: {plain[1]:.3f})")
    assert expanded[0] >= plain[0] + 0.15 and expanded[1] >= plain[1] + 0.15
    assert expanded[0] >= 0.85
    trad = resolve(TRADITIONAL, seed_paragraphs)
    assert mean_scores(ranked(expand=False), trad, search_judged)[0] >= 0.9  # folding alone, no synonyms


