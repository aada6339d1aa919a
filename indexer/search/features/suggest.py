"""Completions as the user types: corpus words and frequent phrases with their paragraph counts.

The data (SuggestData, indexer/search/features/suggest_data.py: what is offered, how it is counted and ranked)
is made once per build by the build itself and mapped from its file on first use, kept in a slot of the
OpenIndex: a request bisects the sorted folded keys for the typed prefix; the best completions of every
1-character prefix were ranked by the build, the others are ranked per request over their short range.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from indexer.errors import BadRequest
from indexer.index.store import OpenIndex, Store, pinned
from indexer.limits import DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS
from indexer.search.features.suggest_data import Entry, SuggestData, fold, load
from indexer.search.language.query import OPERATORS

MAX_PREFIX_CHARS = 32  # longer than any word or phrase we keep: nothing to complete
SUGGEST_SLOT = "search.suggest"

_PREFIX_OPENERS = "-\"“「『(（"


class SuggestArgumentError(BadRequest):
    """A bad suggestion argument (limit); the message is for the user."""


@dataclass
class _Holder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    data: SuggestData | None = None


def suggest_data(open_index: OpenIndex) -> SuggestData:
    """The build's SuggestData, mapped on first use (made in memory only for a build without a readable file:
    other requests go on meanwhile, suggestions wait)."""
    with open_index.hold():
        holder = open_index.slot(SUGGEST_SLOT, _Holder)
        with holder.lock:
            if holder.data is None:
                holder.data = load(open_index)
            return holder.data


def split_prefix(q: str) -> tuple[str, str]:
    """(head, prefix): the word being typed (after the last space and any opening quote, '-' or '(')."""
    i = len(q)
    while i > 0 and not q[i - 1].isspace():
        i -= 1
    chunk = q[i:]
    stripped = chunk.lstrip(_PREFIX_OPENERS)
    head = q[: len(q) - len(stripped)]
    if ":" in stripped or "：" in stripped or stripped in OPERATORS:
        return head, ""  # a field filter or an operator: not a word to complete
    return head, stripped


def check_limit(limit: object) -> int:
    """limit if it is an int in 1..MAX_SUGGESTIONS, else SuggestArgumentError."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SUGGESTIONS:
        raise SuggestArgumentError(f"建议条数必须在 1 到 {MAX_SUGGESTIONS} 之间（收到 {limit!r}）")
    return limit


def suggest(store: Store | OpenIndex, q: str, *, limit: int = DEFAULT_SUGGESTIONS) -> dict:
    """Completions of the word being typed at the end of q, most paragraphs first; never raises for q."""
    limit = check_limit(limit)
    q = q if isinstance(q, str) else ""
    head, prefix = split_prefix(q)
    key = fold(prefix)
    found: list[Entry] = []
    if key and len(key) <= MAX_PREFIX_CHARS:
        found = suggest_data(pinned(store)).complete(key, limit)
    return {
        "query": q,
        "prefix": prefix,
        "suggestions": [
            {"text": e.text, "count": e.count, "kind": e.kind, "approximate": e.approximate, "query": head + e.text}
            for e in found
        ],
    }
