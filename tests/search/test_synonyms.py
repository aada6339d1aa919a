"""The synonyms file: Solr format semantics, errors with line numbers, the bundled file, reload on change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.config import default_synonyms_path
from indexer.search.language.synonyms import MAX_SYNONYMS, SynonymFile, SynonymsError, load_synonyms, parse_synonyms


def test_equivalent_and_one_way_lines() -> None:
    syn = parse_synonyms("""
# a comment line
电诈, 电信网络诈骗, 电信诈骗   # trailing comment
欠薪 => 拖欠工资, 劳动报酬

扫黑, 扫黑除恶
""")
    assert syn.entries == 3
    assert syn.of("电诈") == ("电信网络诈骗", "电信诈骗")
    assert syn.of("电信诈骗") == ("电诈", "电信网络诈骗")  # equivalent: every term finds the others
    assert syn.of("欠薪") == ("拖欠工资", "劳动报酬")
    assert syn.of("劳动报酬") == ()  # one way: the right side does not find the left
    assert syn.of("扫黑除恶") == ("扫黑",)
    assert syn.of("不在文件里") == ()


def test_lines_about_one_term_accumulate_in_file_order() -> None:
    syn = parse_synonyms("智慧法院 => 数字法院\n智慧法院, 信息化\n智慧法院 => 无纸化, 数字法院\n")
    assert syn.of("智慧法院") == ("数字法院", "信息化", "无纸化")


def test_terms_are_folded_like_the_index() -> None:
    syn = parse_synonyms("訴源治理 => 多元化解\nＡＢＣ, 甲乙\n")
    assert syn.of("诉源治理") == ("多元化解",)  # traditional in the file = simplified in the query
    assert syn.of("abc") == ("甲乙",)


def test_at_most_max_synonyms_per_word() -> None:
    targets = [f"词{i}" for i in range(MAX_SYNONYMS + 5)]
    syn = parse_synonyms("键 => " + ", ".join(targets))
    assert syn.of("键") == tuple(targets[:MAX_SYNONYMS])


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a, b\n电诈, , 电信诈骗\n", 2, "empty term"),
    ("a, b\n\n# c\n电诈 => 电信诈骗 => 诈骗\n", 4, "more than once"),
    ("电诈\n", 1, "one term alone"),
    ("电诈, 电诈\n", 1, "one term alone"),
    ("x, y\n电诈 => 电诈, 诈骗\n", 2, "to itself"),
    ("电诈 => “电信诈骗”\n", 1, "quotes"),
    ("电诈 =>\n", 1, "empty term"),
    (", 电诈\n", 1, "empty term"),
])
def test_malformed_lines_are_reported_with_their_line_number(text: str, line: int, words: str) -> None:
    with pytest.raises(SynonymsError) as err:
        parse_synonyms(text, "syn.txt")
    assert f"syn.txt:{line}:" in str(err.value) and words in str(err.value)


def test_the_bundled_file_parses_and_has_the_issues_entries() -> None:
    path = default_synonyms_path()
    syn = load_synonyms(path)
    assert syn.entries >= 300
    # every entry line is a rule the parser accepted (a malformed one would have raised with its line)
    rules = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.split("#", 1)[0].strip()]
    assert len(rules) == syn.entries
    for term, targets in syn.mapping.items():
        assert term and term not in targets and all(t.strip() == t and t for t in targets), term
    assert "扫黑除恶" in syn.of("扫黑")
    assert "电信网络诈骗" in syn.of("电诈")
    assert "民营企业" in syn.of("民企")
    assert "认罪认罚从宽制度" in syn.of("认罪认罚") and "认罪认罚" in syn.of("认罪认罚从宽制度")
    assert {"拖欠工资", "农民工工资", "劳动报酬"} <= set(syn.of("欠薪"))
    assert {"数字法院", "信息化", "无纸化"} <= set(syn.of("智慧法院"))
    assert "智慧法院" not in syn.of("无纸化")  # related concepts are one way


def test_synonym_file_reloads_on_change_and_keeps_the_last_good_version(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("电诈, 电信网络诈骗\n", encoding="utf-8")
    source = SynonymFile(path)
    assert source.current().of("电诈") == ("电信网络诈骗",)
    path.write_text("电诈, 电信网络诈骗, 电信诈骗\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a coarse clock must not hide the edit
    assert source.current().of("电诈") == ("电信网络诈骗", "电信诈骗")
    path.write_text("电诈, 电信网络诈骗, 电信诈骗\n坏行\n", encoding="utf-8")
    assert source.current().of("电诈") == ("电信网络诈骗", "电信诈骗")  # last good version keeps serving
    assert source.error is not None and ":2:" in source.error
    with pytest.raises(SynonymsError, match=":1:"):
        bad = tmp_path / "bad.txt"
        bad.write_text("坏行\n", encoding="utf-8")
        SynonymFile(bad).current()  # malformed from the start: reported, not silently empty
