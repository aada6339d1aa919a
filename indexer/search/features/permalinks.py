"""Permalinks to paragraphs that survive reindexing: the report id and a digest of the paragraph's text, never its
position (a paragraph inserted above would move every position after it).

A paragraph's key is the first KEY_CHARS hex digits of the SHA-256 of its text with whitespace removed (so a
re-parse that only moves spaces or line breaks keeps it); the k-th paragraph (k ≥ 2) of one report with the
same text gets "-k". Its permalink is /p/<report id>/<key> (the web app redirects it to the paragraph on the
report page, where the paragraph also carries the fragment id k-<key> beside the old p<position>).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from indexer.search.evaluation.context import BuildContext

KEY_CHARS = 10  # 40 bits: two paragraphs of one report sharing a key by chance is vanishingly rare
PERMALINK_PREFIX = "/p/"


def text_key(text: str) -> str:
    """The digest part of a paragraph's key."""
    return hashlib.sha256("".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()[:KEY_CHARS]


def _numbered(key: str, seen: int) -> str:
    return key if seen == 0 else f"{key}-{seen + 1}"


def report_keys(texts: Sequence[str]) -> list[str]:
    """The keys of a report's paragraphs, given their texts in position order."""
    counts: dict[str, int] = {}
    out = []
    for text in texts:
        key = text_key(text)
        out.append(_numbered(key, counts.get(key, 0)))
        counts[key] = counts.get(key, 0) + 1
    return out


def permalink(report: str, key: str) -> str:
    """The permalink path of a paragraph."""
    return f"{PERMALINK_PREFIX}{report}/{key}"


def paragraph_key(ctx: BuildContext, docnum: int, stored: dict) -> str:
    """One indexed paragraph's key. Paragraphs with the same text have the same text_bi length, so only the
    report's earlier paragraphs of that length are read to number a repeated text."""
    key = text_key(stored.get("text", ""))
    docs = ctx.columns["report"].docs(stored.get("report", ""), ctx.live)
    lengths = ctx.lengths["text_bi"]
    same = docs[(lengths[docs] == lengths[docnum]) & (ctx.position[docs] < ctx.position[docnum])]
    seen = sum(1 for d in np.asarray(same).tolist() if text_key(ctx.stored(d).get("text", "")) == key)
    return _numbered(key, seen)
