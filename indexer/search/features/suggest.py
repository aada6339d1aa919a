"""Completions as the user types: corpus words and frequent phrases with their paragraph counts.

The data (SuggestData) is built once per build, on first use, and kept in a slot of the OpenIndex:
- words: every jieba word of the `text` field with its paragraph count — the term dictionary's document
  frequency, i.e. the paragraphs whose text contains it as a word — except 1-character and number-only
  tokens (never useful completions);
- phrases: 2–3 adjacent words (nothing between them, first and last of 2+ characters) found in at least
  PHRASE_MIN paragraphs, mined by segmenting the stored text of up to PHRASE_SAMPLE paragraphs spread
  evenly over the build. Their counts are exact when the build has at most PHRASE_SAMPLE paragraphs, else
  the sample count scaled to the build and flagged `approximate` (segmenting every paragraph costs as much
  as jieba's share of a reindex, ~1 min per 100k paragraphs: too slow for a first request).
Keys are folded (full-width and case by normalize, traditional → simplified by OpenCC) and sorted, so a
typed prefix is a bisect; the best completions of every 1-character prefix (the long ranges) are ranked
once at build time, the others per request over their short range.
"""

from __future__ import annotations

import heapq
import re
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from indexer.analysis import normalize
from indexer.errors import BadRequest
from indexer.index.store import OpenIndex, Store, pinned
from indexer.limits import DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS
from indexer.search.evaluation.context import BuildContext, context
from indexer.search.language.hanzi import to_simplified
from indexer.search.language.query import OPERATORS

MAX_PREFIX_CHARS = 32  # longer than any word or phrase we keep: nothing to complete
PHRASE_SAMPLE = 2_000  # paragraphs segmented to mine phrases (~1 s of jieba on an idle core)
PHRASE_MIN = 2  # sampled paragraphs a phrase must occur in
MAX_PHRASES = 50_000
SUGGEST_SLOT = "search.suggest"
WARM_SLOT = "search.suggest.warm"

_HAN = re.compile(r"[\u3400-\u9fff]")
_WORDY = re.compile(r"[^\W\d_]")  # a letter or CJK character: not a number-only token
_PREFIX_OPENERS = "-\"“「『(（"


class SuggestArgumentError(BadRequest):
    """A bad suggestion argument (limit); the message is for the user."""


@dataclass(frozen=True)
class Entry:
    """One completion: the word or phrase as indexed, its paragraph count, and its kind."""

    text: str
    count: int
    kind: str  # "word" | "phrase"
    approximate: bool = False


@dataclass
class SuggestData:
    """One build's completions: folded keys sorted, entries parallel, ranks, and a per-character index."""

    keys: list[str]
    entries: list[Entry]
    rank: list[int]  # rank[i]: position of entries[i] in (-count, length, text) order
    top_by_char: dict[str, list[int]]
    by_char: dict[str, list[int]]  # character → indexes of entries containing it (for did-you-mean)
    paragraphs: int

    def complete(self, key: str, limit: int) -> list[Entry]:
        """The best `limit` entries whose folded key starts with key (most paragraphs first)."""
        if len(key) == 1:
            return [self.entries[i] for i in self.top_by_char.get(key, [])[:limit]]
        lo = bisect_left(self.keys, key)
        hi = bisect_left(self.keys, key + "\U0010ffff", lo)
        return [self.entries[i] for i in heapq.nsmallest(limit, range(lo, hi), key=self.rank.__getitem__)]


@dataclass
class _Holder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    data: SuggestData | None = None


def fold(text: str) -> str:
    """The lookup key of text: full-width/case folded, traditional characters made simplified."""
    return to_simplified(normalize(text))


def suggest_data(open_index: OpenIndex) -> SuggestData:
    """The build's SuggestData, built on first use (other requests go on meanwhile; suggestions wait)."""
    with open_index.hold():
        holder = open_index.slot(SUGGEST_SLOT, _Holder)
        with holder.lock:
            if holder.data is None:
                holder.data = build_data(*_read(context(open_index)))
            return holder.data


def warm_in_background(open_index: OpenIndex) -> None:
    """Start building the build's suggestion data in a daemon thread, once per build and process, so the first
    suggestion or did-you-mean request does not pay for it (≈ 2 s of CPU at a million paragraphs).

    Call it in the serving process (after any fork): a thread does not survive a fork."""

    def run() -> None:
        with open_index.hold():  # the build is not released while its data is being made
            suggest_data(open_index)

    def start() -> threading.Thread:
        thread = threading.Thread(target=run, name="suggest-warm", daemon=True)
        thread.start()
        return thread

    open_index.slot(WARM_SLOT, start)


def _words(ctx: BuildContext) -> Counter[str]:
    """Each word of the `text` field with its document frequency (summed over segments, as Whoosh's)."""
    counts: Counter[str] = Counter()
    for arrays, _base in ctx.fields["text"]:
        offsets = np.asarray(arrays.offsets)
        dfs = (offsets[1:] - offsets[:-1]).tolist()
        terms = arrays.terms
        for i, df in enumerate(dfs):
            word = terms[i].decode("utf-8", "surrogatepass")
            if len(word) > 1 and _WORDY.search(word):
                counts[word] += df
    return counts


def _sample(ctx: BuildContext) -> list[int]:
    n = ctx.size
    step = max(1.0, n / PHRASE_SAMPLE)
    picked = sorted({int(i * step) for i in range(min(n, PHRASE_SAMPLE))})
    return [d for d in picked if ctx.live is None or ctx.live[d]]


def ngrams(spans: list[tuple[str, int, int]]) -> set[tuple[str, ...]]:
    """The phrases of one paragraph's word spans: 2–3 adjacent words, the outer ones Chinese and 2+ long."""
    out: set[tuple[str, ...]] = set()
    for i in range(len(spans) - 1):
        first, _, end = spans[i]
        if len(first) < 2 or not _HAN.search(first):
            continue
        words: tuple[str, ...] = (first,)
        for j in (i + 1, i + 2):
            if j >= len(spans) or spans[j][1] != end:
                break
            word, _, end = spans[j]
            words += (word,)
            if len(word) >= 2 and _HAN.search(word):
                out.add(words)
    return out


def _read(ctx: BuildContext) -> tuple[Counter[str], list[str], int, Callable[[str], list[tuple[str, int, int]]]]:
    """(word counts, the sampled paragraphs' texts, paragraphs, the index's word cut) of a build."""
    texts = [ctx.stored(d).get("text", "") for d in _sample(ctx)]
    return _words(ctx), texts, len(ctx.universe), ctx.spans


def build_data(words: Counter[str], texts: list[str], paragraphs: int,
               spans: Callable[[str], list[tuple[str, int, int]]]) -> SuggestData:
    """Completions from word counts and phrases mined from sampled texts (of `paragraphs`); keys folded, sorted."""
    scale = paragraphs / len(texts) if texts else 1.0
    approximate = len(texts) < paragraphs
    phrases: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        phrases.update(ngrams(spans(normalize(text))))
    entries = [Entry(w, c, "word") for w, c in words.items()]
    for parts, c in phrases.most_common(MAX_PHRASES):
        text = "".join(parts)
        if c >= PHRASE_MIN and text not in words:
            # a scaled estimate never above the count of its rarest word (which bounds it exactly)
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
    return SuggestData(keys, ordered, rank, top, by_char, paragraphs)


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
