"""The suggestion data as every server process made it in memory before builds wrote it to a file (ee31c17):
Python lists and dicts, bisect and heapq. Kept as the reference the build's mapped arrays must answer like.

Only the representation differs from indexer/search/features/suggest_data.py; what is mined (the words of the
term dictionary, the phrases of the sampled paragraphs) is read through the same functions, so a change of
the rules changes both sides, while a change of the arrays, their order or their lookups shows here.
"""

from __future__ import annotations

import heapq
import mmap
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

import numpy as np

from indexer.analysis import normalize
from indexer.index.store import OpenIndex
from indexer.limits import MAX_SUGGESTIONS
from indexer.search.evaluation.context import context
from indexer.search.features.didyoumean import MAX_TERM_CHARS, SIMILAR_PER_TERM, distance
from indexer.search.features.suggest_data import MAX_PHRASES, PHRASE_MIN, Entry, fold, ngrams, sampled, word_counts


@dataclass
class ListData:
    """One build's completions: folded keys sorted, entries parallel, ranks, and a per-character index."""

    keys: list[str]
    entries: list[Entry]
    rank: list[int]
    top_by_char: dict[str, list[int]]
    by_char: dict[str, list[int]]

    def complete(self, key: str, limit: int) -> list[Entry]:
        """The best `limit` entries whose folded key starts with key (most paragraphs first)."""
        if len(key) == 1:
            return [self.entries[i] for i in self.top_by_char.get(key, [])[:limit]]
        lo = bisect_left(self.keys, key)
        hi = bisect_left(self.keys, key + "\U0010ffff", lo)
        return [self.entries[i] for i in heapq.nsmallest(limit, range(lo, hi), key=self.rank.__getitem__)]

    def similar(self, term: str, limit: int = SIMILAR_PER_TERM) -> list[str]:
        """didyoumean.similar as it was over these lists."""
        key = fold("".join(term.split()))
        if not 2 <= len(key) <= MAX_TERM_CHARS:
            return []
        most = 1 if len(key) <= 4 else 2
        chars = set(key)
        shared: Counter[int] = Counter()
        for ch in chars:
            shared.update(self.by_char.get(ch, ()))
        found: list[tuple[int, int, int, int]] = []
        for i, n in shared.items():
            other = self.keys[i]
            if n < len(chars) - most or abs(len(other) - len(key)) > most or self.entries[i].text == term:
                continue
            d = 1 if sorted(other) == sorted(key) else distance(key, other)
            if d <= most:
                found.append((d, abs(len(other) - len(key)), self.rank[i], i))
        return list(dict.fromkeys(self.entries[f[-1]].text for f in sorted(found)))[:limit]


def list_data(open_index: OpenIndex) -> ListData:
    """The build's completions made in memory, as before."""
    with open_index.hold():
        ctx = context(open_index)
        words = word_counts(ctx)
        texts = [ctx.stored(d).get("text", "") for d in sampled(ctx)]
        paragraphs = len(ctx.universe)
        scale = paragraphs / len(texts) if texts else 1.0
        approximate = len(texts) < paragraphs
        phrases: Counter[tuple[str, ...]] = Counter()
        for text in texts:
            phrases.update(ngrams(ctx.spans(normalize(text))))
    entries = [Entry(w, c, "word") for w, c in words.items()]
    for parts, c in phrases.most_common(MAX_PHRASES):
        text = "".join(parts)
        if c >= PHRASE_MIN and text not in words:
            bound = min(words.get(w, paragraphs) for w in parts)
            entries.append(Entry(text, max(1, min(round(c * scale), bound)), "phrase", approximate))
    keyed = sorted(((fold(e.text), e) for e in entries), key=lambda ke: (ke[0], ke[1].text))
    keys = [k for k, _ in keyed]
    ordered = [e for _, e in keyed]
    by_rank = sorted(range(len(ordered)), key=lambda i: (-ordered[i].count, len(ordered[i].text), ordered[i].text))
    rank = [0] * len(ordered)
    for r, i in enumerate(by_rank):
        rank[i] = r
    first: dict[str, list[int]] = {}
    by_char: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        first.setdefault(k[0], []).append(i)
        for ch in set(k):
            by_char.setdefault(ch, []).append(i)
    top = {ch: heapq.nsmallest(MAX_SUGGESTIONS, idx, key=rank.__getitem__) for ch, idx in first.items()}
    return ListData(keys, ordered, rank, top, by_char)


def is_mapped(array: np.ndarray) -> bool:
    """Whether array is a view of a mapped file (np.frombuffer of an mmap), not memory of this process."""
    base = array.base
    return isinstance(base, memoryview) and isinstance(base.obj, mmap.mmap)
