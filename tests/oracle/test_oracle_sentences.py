"""Issue 22's NEAR/n and 同句 against a direct scan of the paragraphs' text and sentences (tests/helpers/sentence_scan.py):
the engine reads character positions from text_bi's posting arrays, the scan reads the text, and every hit set
must be the same — over a several-segment build of the generated corpus and over the bundled reports."""

from __future__ import annotations

import random

import pytest

from indexer.model import Paragraph
from indexer.search.engine import ranked, search
from indexer.search.language.query import Node, parse
from indexer.search.language.synonyms import Synonyms
from indexer.search.language.synonyms import expand as expand_tree
from tests.helpers.oracle_build import Pair
from tests.helpers.search import quote
from tests.helpers.sentence_scan import near_paragraph, same_sentence, sentences, squeeze

QUERIES = 60


def _piece(rng: random.Random, text: str, lo: int = 1, hi: int = 4) -> str:
    size = rng.randint(lo, min(hi, len(text)))
    start = rng.randrange(0, len(text) - size + 1)
    return text[start : start + size]


def _term(piece: str) -> str:
    """A piece as a query term: quoted when the query language would read anything in it as syntax."""
    if any(ch in piece for ch in '"“”「」『』()（）-:：*?') or piece.upper() in ("OR", "AND", "NOT") or "NEAR" in piece:
        return quote(piece) or "法院"
    return piece


def _pairs(pair: Pair, seed: int) -> list[tuple[str, str]]:
    """(a, b) pieces: mostly from one sentence of one paragraph (so that there are hits), some from anywhere."""
    rng = random.Random(seed)
    paragraphs = [p for r in pair.reports for p in r.paragraphs]
    out = []
    while len(out) < QUERIES:
        p = rng.choice(paragraphs)
        sents = [s for s in sentences(p.text) if len(s) >= 2]
        if not sents:
            continue
        s = rng.choice(sents)
        other = s if rng.random() < 0.6 else squeeze(rng.choice(paragraphs).text)
        a, b = _term(_piece(rng, s)), _term(_piece(rng, other))
        text = squeeze(p.text)
        ends = [i for i, ch in enumerate(text[:-1]) if ch in "。!?;"]
        if ends and rng.random() < 0.2:  # a piece across a sentence end: never inside one sentence
            at = rng.choice(ends)
            a = _term(text[max(0, at - rng.randint(0, 2)) : at + rng.randint(2, 3)])
        out.append((a, b))
    return out


def _ids(pair: Pair, q: str, synonyms: Synonyms | None, **kwargs: object) -> set[str]:
    return {p.id for p, _ in ranked(pair.store, q, limit=10**6, synonyms=synonyms, expand=synonyms is not None,
                                    **kwargs)}  # type: ignore[arg-type]


def _tree(pair: Pair, q: str, synonyms: Synonyms | None) -> Node | None:
    return expand_tree(parse(q).tree, synonyms, pair.oracle.ev.words).tree


@pytest.mark.parametrize("corpus", ["generated", "bundled"])
def test_near_finds_exactly_the_paragraphs_a_scan_finds(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    rng = random.Random(22)
    paragraphs = [p for r in pair.reports for p in r.paragraphs]
    problems, found = [], 0
    for a, b in _pairs(pair, 1):
        q = f"{a} NEAR/{rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 30])} {b}"
        tree = _tree(pair, q, None)
        want = {p.id for p in paragraphs if near_paragraph(tree, p)}
        got = _ids(pair, q, None)
        found += bool(want)
        if got != want:
            problems.append(f"{q!r}: engine-only {sorted(got - want)[:5]}, scan-only {sorted(want - got)[:5]}")
    assert not problems, "\n".join(problems[:20])
    assert QUERIES // 4 <= found < QUERIES  # the pieces come from the text: many queries find something, not all


@pytest.mark.parametrize("corpus", ["generated", "bundled"])
def test_same_sentence_finds_exactly_the_paragraphs_a_scan_finds(corpus: str, request: pytest.FixtureRequest) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    rng = random.Random(7)
    paragraphs = [p for r in pair.reports for p in r.paragraphs]
    insts = sorted({p.institution for p in paragraphs})
    shapes = ["{a} {b}", "{a} {b} {c}", "({a} OR {c}) {b}", "{a} {b} -{nc}", "{a} NEAR/4 {b}", "{a} OR {b}",
              "{a} {b} institution:{i}", "{a} NEAR/2 {b} {c}", "{a} {b} year:2019-2021"]
    problems, found, fewer = [], 0, 0
    for n, (a, b) in enumerate(_pairs(pair, 2)):
        piece = _piece(rng, squeeze(rng.choice(paragraphs).text), 1, 3)
        q = shapes[n % len(shapes)].format(a=a, b=b, c=_term(piece), nc=quote(piece) or "“法院”", i=rng.choice(insts))
        tree = _tree(pair, q, None)
        want = {p.id for p in paragraphs if same_sentence(tree, p)}
        got = _ids(pair, q, None, sentence=True)
        found += bool(want)
        fewer += len(got) < len(_ids(pair, q, None))
        if got != want:
            problems.append(f"{q!r}: engine-only {sorted(got - want)[:5]}, scan-only {sorted(want - got)[:5]}")
    assert not problems, "\n".join(problems[:20])
    assert QUERIES // 3 <= found < QUERIES and fewer >= 5  # 同句 finds things, and fewer than without it


def test_synonyms_count_as_their_word_in_near_and_in_a_sentence(generated: Pair, synonyms: Synonyms) -> None:
    paragraphs = [p for r in generated.reports for p in r.paragraphs]
    checked = 0
    for q in ["电诈 NEAR/30 案件", "扫黑除恶 NEAR/20 “黑恶”", "诉源治理 NEAR/40 调解"]:
        tree = _tree(generated, q, synonyms)
        assert tree is not None and any(type(s).__name__ == "Concept" for s in tree.children)  # type: ignore[union-attr]
        want = {p.id for p in paragraphs if near_paragraph(tree, p)}
        assert _ids(generated, q, synonyms) == want
        for same in ("电诈 案件", "诉源治理 调解 法院"):
            tree = _tree(generated, same, synonyms)
            assert _ids(generated, same, synonyms, sentence=True) == {p.id for p in paragraphs if same_sentence(tree, p)}
        checked += bool(want)
    assert checked >= 1


def test_a_same_sentence_snippet_is_the_sentence_that_matched(generated: Pair) -> None:
    shown = 0
    for q in ["法院 案件", "改革 司法", "人民 审判", "执行 NEAR/6 案件"]:
        result = search(generated.store, q, sentence=True, per_page=20, expand=False)
        tree = parse(q).tree
        for hit in result["hits"]:
            if hit["partial"]:
                continue
            shown += 1
            plain = squeeze(hit["snippet"].replace("<mark>", "").replace("</mark>", "").replace("…", ""))
            holding = [s for s in sentences(hit["text"]) if same_sentence(tree, _alone(s))]
            assert plain and any(plain in s for s in holding), (q, hit["snippet"])
    assert shown >= 20


def _alone(sentence: str) -> Paragraph:
    """A paragraph whose text is one sentence (what same_sentence needs of it)."""
    return Paragraph(report="", position=0, text=sentence, section="", institution="", years=(), title="", theme="")
