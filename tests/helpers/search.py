"""Helpers shared by the search tests."""

from __future__ import annotations

import html
import random
import re

from indexer.analysis import normalize
from indexer.index.store import OpenIndex, Store, pinned
from indexer.search.engine import search
from indexer.search.evaluation.context import context
from indexer.search.evaluation.matching import Matcher
from indexer.search.evaluation.terms import Terms

MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def squeeze(text: str) -> str:
    """What Ctrl-F compares: folded (full-width → half-width, lower case), whitespace removed."""
    return "".join(normalize(text).split())


def all_hits(store: Store, q: str, **kwargs: object) -> list[dict]:
    """Every full-match hit of a search (what `total` counts; partial matches left out), paging by 100."""
    out: list[dict] = []
    page = 1
    while True:
        result = search(store, q, page=page, per_page=100, **kwargs)
        out += [h for h in result["hits"] if not h["partial"]]
        if len(out) >= result["total"] or not result["hits"]:
            assert len(out) == result["total"]
            return out
        page += 1


def quote(s: str) -> str | None:
    """s as a quoted phrase, in a quote style that s does not contain (None if impossible)."""
    for open_, close in (('"', '"'), ("“", "”"), ("「", "」"), ("『", "』")):
        if close not in s and open_ not in s:
            return open_ + s + close
    return None


def plain(fragment: str) -> str:
    """Marks stripped, entities unescaped."""
    return html.unescape(fragment.replace("<mark>", "").replace("</mark>", ""))


# malformed queries: each must parse, search and render without raising
MALFORMED = [
    '"诉源治理', "“诉源治理", "「诉源治理", "诉源治理”", "(诉源治理", "诉源治理)", "((a) b", ")(", "OR", "AND", "NOT",
    "-", "诉源治理 OR", "OR 诉源治理", "a OR OR b", "NOT", "a NOT", "foo:bar", "year:abc", "year:1900-2100",
    "institution:", ":", "::", "*", "?", "诉*", "法?", "\x00\x01\x02", "a\x00b", "\u200b\u200e", "\ud800",
    "x" * 5000, "诉" * 10_000, " OR ".join(["诉源"] * 300), "(" * 500, ")" * 500, "-" * 300, '"' * 7,
    "“”", "「」", '""', "   ", "", "\n\t\r", "（诉源治理", "year:2017-", "theme:\"司法为民", "a:b:c",
    "<script>alert(1)</script>", "'; DROP TABLE x; --", "%s%s%n", "\\", "NOT NOT NOT a", "-(-(-a))",
]


def sample_substrings(paragraphs: list[dict], n: int, seed: int) -> list[str]:
    """n random 2–8 character pieces of the paragraphs' squeezed text (seeded)."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        text = squeeze(rng.choice(paragraphs)["text"])
        size = rng.randint(2, 8)
        if len(text) < size:
            continue
        start = rng.randrange(len(text) - size + 1)
        out.append(text[start : start + size])
    return out


def word_ids(source: Store | OpenIndex, word: str, fieldname: str = "text") -> list[str]:
    """Ids of the paragraphs whose `fieldname` has word as a jieba word (what Whoosh's Term(field, word) found)."""
    opened = pinned(source)
    with opened.hold():
        ctx = context(opened)
        docs = Terms(ctx).docs(fieldname, word)
        return [ctx.stored(d)["id"] for d in docs.tolist()]


def substring_ids(source: Store | OpenIndex, text: str) -> list[str]:
    """Ids of the paragraphs whose folded, whitespace-free text contains text (a quoted phrase's matches)."""
    opened = pinned(source)
    with opened.hold():
        ctx = context(opened)
        docs = Matcher(ctx).substring_docs(squeeze(text))
        return [ctx.stored(d)["id"] for d in docs.tolist()]
