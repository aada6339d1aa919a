"""Helpers shared by the search tests."""

from __future__ import annotations

import html
import re

from indexer.analysis import normalize
from indexer.index.store import Store
from indexer.search.engine import search

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
