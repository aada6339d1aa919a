"""Issue 20: the vocabulary (indexer/vocab/), the ranking tiers and related paragraphs.

The vocabulary is merged after the synonyms file; every expansion it makes is named in the notice and
undone by expand=False. A literal full match (the user's words in the paragraph's text) ranks above a
synonym-only one, which ranks above a match only through the section heading; related paragraphs come
after every full and partial match, each labelled with the related terms its text has.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.config import default_synonyms_path, default_vocabulary_paths
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.evaluation.context import context
from indexer.search.evaluation.matching import Matcher
from indexer.search.language.synonyms import SynonymFile, Synonyms, load_synonyms, parse_words
from tests.helpers.search import all_hits, squeeze

REPORT = """# 某市人民法院工作报告（2023年）

## 一、推进智慧法院建设

全面推行网上立案，当事人足不出户即可立案一千二百件。

法院审结各类案件一千二百件，结案率稳步提升。

## 二、践行司法为民

建设数字法院，实现全流程在线办理，方便群众诉讼。

我院推进智慧法院建设，上线移动微法院，服务群众。

审结家事案件三百件，妥善化解婚姻家庭纠纷。
"""
CATALOG = """[[report]]
file = "moushi-court-2023.txt"
title = "某市人民法院工作报告（2023年）"
institution = "某市人民法院"
year = 2023
"""


@pytest.fixture(scope="module")
def vocab() -> Synonyms:
    return load_synonyms(default_synonyms_path(), *default_vocabulary_paths())


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Store:
    corpus = tmp_path_factory.mktemp("tiers") / "corpus"
    corpus.mkdir()
    (corpus / "moushi-court-2023.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "catalog.toml").write_text(CATALOG, encoding="utf-8")
    summary = build_index(corpus, corpus.parent / "index", procs=1)
    assert not summary.skipped
    return Store(corpus.parent / "index")


# ---------------------------------------------------------------- the vocabulary


def test_the_bundled_vocabulary_loads_and_adds_to_the_synonyms_file(vocab: Synonyms) -> None:
    plain = load_synonyms(default_synonyms_path())
    assert vocab.entries > plain.entries and vocab.terms
    assert "失信被执行人" in vocab.of("老赖") and "婚姻家庭纠纷" in vocab.of("离婚")
    for word, syns in plain.mapping.items():  # the file's own synonyms come first, in its order
        assert vocab.mapping[word][: len(syns)] == syns
    assert {"危险驾驶罪", "危险驾驶", "民法典"} <= vocab.terms  # a crime name also stands for its conduct


def test_a_word_list_folds_its_terms_and_ignores_comments() -> None:
    words = parse_words("# a comment\n危險駕駛罪  # traditional, folded\n\n民法典\n")
    assert words == {"危险驾驶罪", "危险驾驶", "民法典"}


def test_the_vocabulary_can_be_turned_off_or_replaced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPORTSEARCH_VOCABULARY", "off")
    assert default_vocabulary_paths() == ()
    mine = tmp_path / "mine.txt"
    mine.write_text("讨债 => 民间借贷\n", encoding="utf-8")
    monkeypatch.setenv("REPORTSEARCH_VOCABULARY", str(mine))
    assert default_vocabulary_paths() == (mine,)
    assert load_synonyms(default_synonyms_path(), mine).of("讨债") == ("民间借贷",)


def test_an_edited_vocabulary_file_applies_on_the_next_query(tmp_path: Path) -> None:
    main, extra = tmp_path / "synonyms.txt", tmp_path / "extra.txt"
    main.write_text("扫黑, 扫黑除恶\n", encoding="utf-8")
    extra.write_text("老赖 => 失信被执行人\n", encoding="utf-8")
    source = SynonymFile(main, (extra,))
    assert source.current().of("老赖") == ("失信被执行人",)
    extra.write_text("老赖 => 失信被执行人, 拒执\n", encoding="utf-8")
    os.utime(extra, ns=(1, 1))  # a different mtime whatever the clock's resolution
    assert source.current().of("老赖") == ("失信被执行人", "拒执")


def test_a_colloquial_word_finds_the_official_term_says_so_and_can_be_turned_off(seed_store: Store, vocab: Synonyms,
                                                                                 seed_paragraphs: list[dict]) -> None:
    assert search(seed_store, "贪官", synonyms=vocab, expand=False)["total"] == 0  # the reports never say it
    result = search(seed_store, "贪官", synonyms=vocab)
    assert result["total"] > 0 and result["notice"].startswith("同时检索：") and "（贪官）" in result["notice"]
    added = result["expanded"]["贪官"]
    assert added and all(a in vocab.of("贪官") for a in added)
    for hit in all_hits(seed_store, "贪官", synonyms=vocab):  # every hit says one of the named terms
        assert any(squeeze(a) in squeeze(hit["text"]) for a in added), hit["text"]


def test_a_quoted_colloquial_word_stays_ctrl_f_exact(seed_store: Store, vocab: Synonyms) -> None:
    result = search(seed_store, '"贪官"', synonyms=vocab, related=True)
    assert result["total"] == 0 and result["expanded"] == {} and result["related_matches"] == 0
    assert result["hits"] == [] or all(h["partial"] for h in result["hits"])


# ---------------------------------------------------------------- tiers


def _texts(result: dict) -> list[str]:
    return [h["text"] for h in result["hits"]]


def test_literal_text_matches_rank_above_synonym_matches_above_heading_only_ones(tiny: Store, vocab: Synonyms) -> None:
    assert "数字法院" in vocab.of("智慧法院")
    result = search(tiny, "智慧法院", synonyms=vocab)
    texts = _texts(result)
    literal = [n for n, t in enumerate(texts) if "智慧法院" in t]
    synonym = [n for n, t in enumerate(texts) if "数字法院" in t]
    heading = [n for n, h in enumerate(result["hits"]) if "智慧法院" in h["section"] and "智慧法院" not in h["text"]]
    assert literal == [0] and synonym == [1] and heading and min(heading) == 2
    # expand=0: no synonym tier; the heading matches then rank with the literal ones, by score
    plain = search(tiny, "智慧法院", synonyms=vocab, expand=False)
    assert "数字法院" not in "".join(_texts(plain)) and plain["total"] == len(literal) + len(heading)


def test_the_text_only_matcher_ignores_headings(tiny: Store) -> None:
    opened = tiny.current()
    with opened.hold():
        m = Matcher(context(opened))
        pairs = [(set(m.term_docs(w).tolist()), set(m.text_only().term_docs(w).tolist())) for w in m.words("智慧法院")]
    assert pairs and all(text <= both for both, text in pairs)
    assert any(len(both) > len(text) for both, text in pairs)  # the first section's paragraphs, by heading only


# ---------------------------------------------------------------- related paragraphs


def test_related_paragraphs_follow_every_full_match_labelled_with_terms_they_have(seed_store: Store, vocab: Synonyms) -> None:
    q = "无纸化"
    result = search(seed_store, q, synonyms=vocab, related=True)
    total, partial, related = result["total"], result["partial_matches"], result["related_matches"]
    assert 0 < total < 10 and related > 0 and result["related_terms"]
    kinds = ["full" if not h["partial"] and not h["related"] else "partial" if h["partial"] else "related"
             for h in result["hits"]]
    assert kinds == ["full"] * total + ["partial"] * partial + ["related"] * related
    for hit in result["hits"][total + partial:]:
        assert hit["related"] and set(hit["related"]) <= set(result["related_terms"])
        assert all(squeeze(t) in squeeze(hit["text"]) for t in hit["related"])  # said in its own text
        assert q not in hit["text"]
    wide = search(seed_store, q, synonyms=vocab, related=True, per_page=100)  # never counted in total or facets
    assert wide["total"] == total == sum(wide["facets"]["institution"].values())
    assert [h["id"] for h in wide["hits"]] == [h["id"] for h in result["hits"]]


def test_related_paragraphs_are_off_by_default_and_with_expand_0(seed_store: Store, vocab: Synonyms) -> None:
    default = search(seed_store, "无纸化", synonyms=vocab)
    assert "related_terms" not in default and all("related" not in h for h in default["hits"])
    off = search(seed_store, "无纸化", synonyms=vocab, expand=False, related=True)
    assert off["related_matches"] == 0 and off["related_terms"] == [] and not any(h["related"] for h in off["hits"])


def test_related_paragraphs_respect_the_filters(seed_store: Store, vocab: Synonyms) -> None:
    inst = "平湖市人民检察院"
    result = search(seed_store, "无纸化", synonyms=vocab, related=True, institutions=[inst])
    assert all(h["institution"] == inst for h in result["hits"])


def test_the_cli_lists_related_paragraphs_only_when_asked(seed_index: Path) -> None:
    from click.testing import CliRunner

    from indexer.cli import cli

    asked = CliRunner().invoke(cli, ["search", "--index", str(seed_index), "--related", "无纸化"])
    plain = CliRunner().invoke(cli, ["search", "--index", str(seed_index), "无纸化"])
    assert asked.exit_code == plain.exit_code == 0
    assert "（相关：" in asked.output and "（相关：" not in plain.output
