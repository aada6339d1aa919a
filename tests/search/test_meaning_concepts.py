"""Issue 20: the concept thesaurus (indexer/vocab/concepts.txt) and the rule that a line keyed by a whole chunk
only ever widens what the chunk's words find.

A concept a user types (少年司法) is searched with the parts the reports express it by (少年法庭, 未成年人检察 …):
named in the notice, undone by expand=False, and never ranked above the user's own words. The file was written
by a helper who never saw the blind judged set (docs/meaning.md); its shape is checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.analysis import JiebaTokenizer, normalize
from indexer.config import CONCEPTS_FILE, default_synonyms_path, default_vocabulary_paths
from indexer.index.store import Store
from indexer.search.engine import search
from indexer.search.language.query import And, Concept, Widened, parse, render
from indexer.search.language.synonyms import Synonyms, expand, load_synonyms, parse_synonyms
from tests.helpers.search import all_hits, squeeze

GENERIC = {"保护", "工作", "案件", "改革", "服务", "司法", "审判", "执行", "企业", "发展", "安全", "群众", "法治",
           "建设", "管理", "保障"}  # a key or part this broad would widen every query that uses it
LINE = re.compile(r"^(?P<key>[^=#]+?) => (?P<parts>[^#]+?)\s+# (?P<basis>\S.*)$")


@pytest.fixture(scope="module")
def concepts_file() -> Path:
    found = [p for p in default_vocabulary_paths() if p.name == CONCEPTS_FILE]
    assert found, "the bundled vocabulary includes the concept thesaurus"
    return found[0]


@pytest.fixture(scope="module")
def vocab() -> Synonyms:
    return load_synonyms(default_synonyms_path(), *default_vocabulary_paths())


def test_the_concept_thesaurus_is_well_formed(concepts_file: Path) -> None:
    curated = load_synonyms(default_synonyms_path())
    curated_terms = set(curated.mapping) | {t for ts in curated.mapping.values() for t in ts}
    keys: list[str] = []
    for raw in concepts_file.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        m = LINE.match(raw)
        assert m, f"not `key => parts    # basis`: {raw}"
        key, parts = m["key"].strip(), [p.strip() for p in m["parts"].split(",")]
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,8}", key) and key not in GENERIC, key
        # either a concept the synonyms file expands (its parts add what that line does not say) or a new word
        assert key in curated.mapping or key not in curated_terms, f"{key}: a synonym target of the curated file"
        assert not set(parts) & set(curated.mapping.get(key, ())), f"{key}: repeats its synonyms line"
        assert 3 <= len(parts) <= 12 and len(set(parts)) == len(parts), raw
        assert all(len(p) >= 2 and p != key and p not in GENERIC for p in parts), raw
        keys.append(key)
    assert len(keys) == len(set(keys)) and len(keys) >= 400
    parsed = parse_synonyms(concepts_file.read_text(encoding="utf-8"), str(concepts_file))
    assert parsed.entries == len(keys)  # every line is a rule the loader reads


def test_a_concept_finds_the_parts_the_reports_use_says_so_and_can_be_turned_off(seed_store: Store,
                                                                                vocab: Synonyms) -> None:
    assert search(seed_store, "少年司法", synonyms=vocab, expand=False)["total"] == 0  # the reports never say it
    result = search(seed_store, "少年司法", synonyms=vocab)
    added = result["expanded"]["少年司法"]
    assert result["total"] > 0 and "（少年司法）" in result["notice"] and "未成年人检察" in added
    for hit in all_hits(seed_store, "少年司法", synonyms=vocab):  # each hit says one of the named parts
        assert any(squeeze(a) in squeeze(hit["text"]) for a in added), hit["text"]
    assert search(seed_store, '"少年司法"', synonyms=vocab)["total"] == 0  # quoted: Ctrl-F exact, not expanded


def test_a_line_keyed_by_the_whole_chunk_keeps_what_its_words_found() -> None:
    cut = JiebaTokenizer()

    def words(text: str) -> list[str]:
        return [w for w, _s, _e in cut.spans(normalize(text))]

    assert words("轻罪治理") == ["轻罪", "治理"]
    base = parse_synonyms("轻罪 => 轻微犯罪\n")
    keyed = parse_synonyms("轻罪 => 轻微犯罪\n轻罪治理 => 刑事和解, 相对不起诉\n")
    tree = expand(parse("轻罪治理").tree, keyed, words).tree
    assert isinstance(tree, Widened)
    whole, split = tree.children
    assert isinstance(whole, Concept) and whole.word.text == "轻罪治理"
    assert isinstance(split, And) and isinstance(split.children[0], Concept)
    assert expand(parse("轻罪治理").tree, base, words).tree == split  # what the words alone expand to
    # a chunk whose words have no synonyms stays one concept, as before
    assert isinstance(expand(parse("刑事和解").tree, parse_synonyms("刑事和解 => 和解\n"), words).tree, Concept)


def test_the_keyed_chunk_finds_a_superset_and_partial_matches_still_name_its_words(seed_store: Store) -> None:
    base = parse_synonyms("轻罪 => 犯罪情节轻微\n")
    keyed = parse_synonyms("轻罪 => 犯罪情节轻微\n轻罪治理 => 刑事和解, 诉源治理\n")
    before = search(seed_store, "轻罪治理", synonyms=base)
    after = search(seed_store, "轻罪治理", synonyms=keyed)
    ids = {h["id"] for h in all_hits(seed_store, "轻罪治理", synonyms=base)}
    assert ids <= {h["id"] for h in all_hits(seed_store, "轻罪治理", synonyms=keyed)}
    assert after["total"] > before["total"]
    partial = [h for h in after["hits"] if h["partial"]]
    assert partial and all(h["missing"] and set(h["missing"]) <= {"轻罪", "治理"} for h in partial)
    # a paragraph with one of the whole chunk's terms counts for every word of it: only 审判 can be missing
    paired = search(seed_store, "轻罪治理 审判", synonyms=keyed)
    whole_only = [h for h in paired["hits"] if h["partial"] and ("刑事和解" in h["text"] or "诉源治理" in h["text"])]
    assert whole_only and all(h["missing"] == ["审判"] for h in whole_only)


def test_a_keyed_chunk_is_named_as_typed_and_widened_even_when_its_synonyms_all_contain_it(seed_store: Store) -> None:
    keyed = parse_synonyms("轻罪 => 犯罪情节轻微\n轻罪治理 => 刑事和解\n少年司法 => 未成年人检察\n")
    result = search(seed_store, "(轻罪治理 OR 少年司法) 审判", synonyms=keyed)
    labels = {m for h in result["hits"] if h["partial"] for m in h["missing"]}
    assert labels and labels <= {"轻罪治理 OR 少年司法", "审判"}  # the group as the user typed it
    cut = JiebaTokenizer()

    def words(text: str) -> list[str]:
        return [w for w, _s, _e in cut.spans(normalize(text))]

    contained = parse_synonyms("轻罪 => 犯罪情节轻微\n轻罪治理 => 轻罪治理工作\n")
    tree = expand(parse("轻罪治理").tree, contained, words).tree
    assert isinstance(tree, Widened) and render(tree) == "轻罪治理"  # the words' expansion is kept
