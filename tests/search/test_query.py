"""The query language parser: syntax, malformed input never raising, notices, bounded size."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.limits import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS
from indexer.search.language.query import (
    And,
    Filter,
    Not,
    Or,
    Phrase,
    Words,
    parse,
    positives,
    render,
)
from tests.helpers.search import MALFORMED


def test_words_are_anded_and_operators_work() -> None:
    assert parse("诉源治理 枫桥经验").tree == And((Words("诉源治理"), Words("枫桥经验")))
    assert parse("诉源治理 OR 枫桥经验").tree == Or((Words("诉源治理"), Words("枫桥经验")))
    assert parse("诉源治理 -枫桥经验").tree == And((Words("诉源治理"), Not(Words("枫桥经验"))))
    assert parse("诉源治理 NOT 枫桥经验").tree == And((Words("诉源治理"), Not(Words("枫桥经验"))))
    assert parse("(a OR b) c").tree == And((Or((Words("a"), Words("b"))), Words("c")))
    assert parse("a b OR c").tree == Or((And((Words("a"), Words("b"))), Words("c")))
    assert parse("（a OR b）").tree == Or((Words("a"), Words("b")))
    assert parse("a AND b").tree == And((Words("a"), Words("b")))


def test_phrases_with_every_quote_style() -> None:
    for q in ('"诉源 治理"', "“诉源 治理”", "「诉源 治理」", "『诉源 治理』"):
        parsed = parse(q)
        assert parsed.tree == Phrase("诉源 治理"), q
        assert parsed.notice() is None


def test_field_filters() -> None:
    assert parse("institution:平湖市人民法院").tree == Filter("institution", "平湖市人民法院")
    assert parse("year:2019").tree == Filter("year", "2019")
    assert parse("year:2021-2017").tree == Filter("year", "2017-2021")
    assert parse("theme:司法为民 执行").tree == And((Filter("theme", "司法为民"), Words("执行")))
    assert parse('机构："平湖市人民检察院"').tree == Filter("institution", "平湖市人民检察院")
    assert parse("年份：2020").tree == Filter("year", "2020")
    assert Filter("year", "2017-2021").year_range() == (2017, 2021)


def test_malformed_input_is_searched_as_text_with_a_notice() -> None:
    unclosed = parse('"理改革')
    assert unclosed.tree == Words("理改革")
    assert unclosed.notice() is not None and unclosed.notice().startswith("引号未闭合，已按普通文本检索")
    unknown = parse("foo:bar")
    assert unknown.tree == Words("foo:bar") and "未知字段" in unknown.notice()
    badyear = parse("year:abc")
    assert badyear.tree == Words("abc") and "年份" in badyear.notice()
    parens = parse("(诉源治理 执行")
    assert parens.tree == And((Words("诉源治理"), Words("执行"))) and "括号" in parens.notice()
    lone = parse("诉源治理 OR")
    assert lone.tree == Words("诉源治理") and "OR" in lone.notice()
    wildcard = parse("诉源*")
    assert wildcard.tree == Words("诉源") and "通配符" in wildcard.notice()
    assert parse("*").tree is None
    control = parse("诉源\x00治理")
    assert control.tree == Words("诉源治理") and "控制字符" in control.notice()
    joined = parse("诉源\x01治理\x7f \u200b执行\x1f难")  # inside a word: joined; a whitespace control: a space
    assert joined.tree == And((Words("诉源治理"), Words("执行"), Words("难"))) and "控制字符" in joined.notice()


def test_limits_bound_the_query() -> None:
    long = parse("诉" * 10_000)
    assert isinstance(long.tree, Words) and len(long.tree.text) == MAX_QUERY_CHARS
    assert "过长" in long.notice()
    many = parse(" OR ".join(f"词{i}" for i in range(300)))
    assert isinstance(many.tree, Or) and len(many.tree.children) == MAX_TERMS
    deep = parse("(" * 100 + "a" + ")" * 100)
    assert deep.tree == Words("a") and str(MAX_DEPTH) in deep.notice()


def test_positives_skip_negated_leaves() -> None:
    tree = parse('a -b (c OR "d e") NOT year:2019').tree
    assert positives(tree) == [Words("a"), Words("c"), Phrase("d e")]


def test_malformed_list_never_raises() -> None:
    for q in MALFORMED:
        parsed = parse(q)
        notice = parsed.notice()
        assert notice is None or isinstance(notice, str)
        if parsed.tree is not None:
            assert isinstance(render(parsed.tree), str)


query_text = st.lists(
    st.sampled_from(list('诉源治理改革执行难 "“”「」『』()（）-:：*?2017-\x00\n')
                    + [" OR ", " NOT ", " AND ", "year:", "theme:", "institution:", "foo:", " "]),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(query_text, st.text(max_size=300)))
def test_parser_never_raises_and_canonical_form_is_stable(q: str) -> None:
    parsed = parse(q)
    notice = parsed.notice()
    assert notice is None or isinstance(notice, str)
    if parsed.tree is None:
        return
    # what we say we searched parses back to the same tree
    again = parse(parsed.canonical)
    assert again.tree == parsed.tree, (q, parsed.canonical)
