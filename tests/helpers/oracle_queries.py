"""Queries for the oracle tests: the issue's 30-query mix, filter sets drawn from a corpus's own values, one
driver comparing search()/ranked() with the oracle, and hypothesis strategies over a corpus's vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from indexer.search.engine import ranked, search
from indexer.search.language.hanzi import to_traditional
from indexer.search.language.synonyms import Synonyms
from tests.helpers.oracle_build import Pair
from tests.helpers.oracle_compare import hit_set_problems, ranked_problems, search_problems
from tests.helpers.search import MALFORMED

# The issue's 30-query mix (issue 17), as typed.
ISSUE_MIX = [
    "法院", "执行难", "营商环境", "电信网络诈骗", "司法为民", "改革", '"诉源治理"', "知识产权 保护", "扫黑除恶 OR 黑恶",
    "生态 NOT 环境", "人民", "理改", "农民工", '"人民群众"', "经济 发展", "队伍建设", "疫情", "破产", "教育", "科技创新",
    "乡村振兴", '"高质量发展"', "社会 治理", "公益诉讼", "未成年人", "脱贫", "改革开放", "国有企业", "司法救助", "监督",
]
QUOTES = (('"', '"'), ("“", "”"), ("「", "」"), ("『", "』"))
OPERATORS = (" ", " ", " ", " OR ", " NOT ", " -", " AND ", "-")


def filter_sets(pair: Pair) -> list[dict[str, list[str]]]:
    """No filter, then multi-select within a facet, across facets, and year ranges, from the corpus's own values."""
    insts, themes, years = pair.institutions(), pair.themes(), pair.years()
    return [
        {},
        {"institutions": insts[:2]},
        {"years": ["2017-2021"], "themes": themes[:1]},
        {"institutions": insts[1:4], "years": [str(years[len(years) // 2]), "2010-2012"], "themes": themes[:3]},
    ]


def compare_search(pair: Pair, q: str, pages: list[tuple[int, int]], synonyms: Synonyms | None, expand: bool,
                   **filters: list[str]) -> tuple[list[str], int]:
    """Problems of search() on the given (page, per_page)s against the oracle, and the oracle's total."""
    answer = pair.oracle.search(q, synonyms=synonyms, expand=expand, **filters)
    problems: list[str] = []
    for page, per_page in pages:
        got = search(pair.store, q, page=page, per_page=per_page, synonyms=synonyms, expand=expand, **filters)
        problems += [f"{filters} expand={expand}: {p}" for p in search_problems(got, answer)]
    return problems, answer.total


def compare_ranked(pair: Pair, q: str, synonyms: Synonyms | None, expand: bool, limit: int | None = None,
                   **filters: list[str]) -> tuple[list[str], int]:
    """Problems of ranked() against the oracle (limit None: every hit, and then the hit set too), and the total."""
    answer = pair.oracle.search(q, synonyms=synonyms, expand=expand, **filters)
    every = limit is None
    got = ranked(pair.store, q, limit=answer.total if every else limit, synonyms=synonyms, expand=expand, **filters)
    problems = ranked_problems(got, answer, answer.total if every else limit)  # type: ignore[arg-type]
    if every:
        problems += hit_set_problems([p.id for p, _ in got], answer)
    return [f"{filters} expand={expand}: {p}" for p in problems], answer.total


# ---------------------------------------------------------------- randomized queries


@dataclass(frozen=True)
class Vocabulary:
    """What random queries are made of: a corpus's words, texts, facet values and synonym keys."""

    words: list[str]  # jieba words of 2+ characters (the reference's `text` terms), most paragraphs first
    texts: list[str]  # every paragraph's squeezed text: substrings and phrases are cut from these
    synonym_keys: list[str]
    institutions: list[str]
    themes: list[str]
    years: list[int]


def vocabulary(pair: Pair, synonyms: Synonyms) -> Vocabulary:
    """The pair's vocabulary, from the oracle's reference index."""
    reader = pair.oracle.searcher.reader()
    counted = [(info.doc_frequency(), t.decode("utf-8")) for t, info in reader.iter_field("text")]
    words = [w for n, w in sorted(counted, key=lambda c: (-c[0], c[1])) if len(w) > 1 and not w.isascii()]
    texts = [d.squeezed for d in sorted(pair.oracle.ev.docs.values(), key=lambda d: d.docnum)]
    return Vocabulary(words, texts, sorted(synonyms.mapping), pair.institutions(), pair.themes(), pair.years())


@st.composite
def substrings(draw: st.DrawFn, v: Vocabulary, lo: int = 1, hi: int = 6) -> str:
    """A piece of a paragraph's text: 1–6 characters, often across jieba's word boundaries."""
    text = draw(st.sampled_from(v.texts))
    n = draw(st.integers(lo, min(hi, len(text))))
    start = draw(st.integers(0, len(text) - n))
    return text[start : start + n]


@st.composite
def terms(draw: st.DrawFn, v: Vocabulary) -> str:
    """One term: a word, a substring, a quoted phrase, traditional script, a synonym key, a filter, or junk."""
    kind = draw(st.sampled_from(["word", "word", "substring", "substring", "phrase", "traditional", "synonym",
                                 "filter", "malformed"]))
    if kind == "word":
        return draw(st.sampled_from(v.words[:300]) | st.sampled_from(v.words))
    if kind == "substring":
        return draw(substrings(v))
    if kind == "phrase":
        open_, close = draw(st.sampled_from(QUOTES))
        return open_ + draw(substrings(v, 1, 8)) + close
    if kind == "traditional":
        return to_traditional(draw(st.sampled_from(v.words[:500]) | substrings(v, 2, 6)))
    if kind == "synonym":
        return draw(st.sampled_from(v.synonym_keys))
    if kind == "filter":
        return draw(st.sampled_from([f"institution:{i}" for i in v.institutions] + [f"theme:{t}" for t in v.themes]
                                    + [f"year:{y}" for y in v.years] + ["year:2017-2021", "年份：2019", "year:2021-2017"]))
    return draw(st.sampled_from([m for m in MALFORMED if len(m) < 400]) | st.text("诉源治理()（）\"“”-: OR", max_size=12))


@st.composite
def queries(draw: st.DrawFn, v: Vocabulary) -> str:
    """1–3 terms joined by spaces and operators, sometimes a pair in parentheses."""
    parts = draw(st.lists(terms(v), min_size=1, max_size=3))
    q = parts[0]
    for part in parts[1:]:
        q += draw(st.sampled_from(OPERATORS)) + part
    if len(parts) > 1 and draw(st.booleans()):
        q = f"({q}) " + draw(terms(v))
    return q


@st.composite
def search_kwargs(draw: st.DrawFn, v: Vocabulary) -> dict:
    """Filters (multi-select), page, page size and expansion for one search."""
    years = [str(y) for y in v.years] + ["2017-2021", "2012-2013"]

    def chosen(values: list[str]) -> list[str]:
        return draw(st.just([]) | st.just([]) | st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))

    return {
        "institutions": chosen(v.institutions),
        "years": chosen(years),
        "themes": chosen(v.themes),
        "page": draw(st.integers(1, 3)),
        "per_page": draw(st.sampled_from([5, 10, 20])),
        "expand": draw(st.booleans()),
    }
