"""A build's completions — corpus words and frequent phrases with their paragraph counts — made once by the build.

What is in it:
- words: every jieba word of the `text` field with its paragraph count — the term dictionary's document
  frequency, i.e. the paragraphs whose text contains it as a word — except 1-character and number-only
  tokens (never useful completions);
- phrases: 2–3 adjacent words (nothing between them, first and last of 2+ characters) found in at least
  PHRASE_MIN paragraphs, mined by segmenting the stored text of up to PHRASE_SAMPLE paragraphs spread
  evenly over the build. Their counts are exact when the build has at most PHRASE_SAMPLE paragraphs, else
  the sample count scaled to the build and flagged `approximate` (segmenting every paragraph costs as much
  as jieba's share of a reindex).
Keys are folded (full-width and case by normalize, traditional → simplified by OpenCC) and sorted, so a
typed prefix is a bisect; the best completions of every 1-character prefix are ranked once, the others per
request over their short range.

Where it lives: every build (full or incremental, indexer/index/build.py and update.py) writes it as arrays
into SUGGEST_FILE (indexer/index/arrayfile.py) and records their directory in build.json's "suggest"; a
serving process maps the file, so its workers share the pages and nothing is rebuilt after a fork or a worker
restart. The arrays, entries in (folded key, text) order:

    keys, key_start          the folded keys, UTF-8 (surrogatepass: byte order is code point order), n + 1 starts
    key8 uint64              each key's first 8 bytes (arrayfile.key8: narrows a bisect to the keys sharing them)
    texts, text_start        each entry's text as indexed
    key_chars int32          characters in each key
    counts int64             paragraphs
    flags uint8              PHRASE | APPROXIMATE
    rank int32               the entry's position in (-count, length, text) order
    first_chars, first_start, first_top   per first character (code points, ascending): its best
                             MAX_SUGGESTIONS entries, best first (CSR)
    chars, char_start, char_entries       per character: the entries whose key holds it, ascending (CSR)

A build whose file is missing or unreadable gets the same arrays made in memory on first use (load()).
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.analysis import normalize
from indexer.index.arrayfile import ArrayFileWriter, ByteStrings, MappedArrays, key8, key8_array, pack_strings
from indexer.index.store import OpenIndex
from indexer.index.whoosh_compat import open_mapped
from indexer.limits import MAX_SUGGESTIONS
from indexer.search.evaluation.context import BuildContext, context
from indexer.search.language.hanzi import to_simplified

SUGGEST_FILE = "suggest.arrays"
PHRASE_SAMPLE = 2_000  # paragraphs segmented to mine phrases (~1 s of jieba on an idle core)
PHRASE_MIN = 2  # sampled paragraphs a phrase must occur in
MAX_PHRASES = 50_000
PHRASE, APPROXIMATE = 1, 2  # flags
_TOP = "\U0010ffff"  # after every character: key + _TOP bounds the keys that start with key

_HAN = re.compile(r"[\u3400-\u9fff]")
_WORDY = re.compile(r"[^\W\d_]")  # a letter or CJK character: not a number-only token

Spans = Callable[[str], list[tuple[str, int, int]]]


@dataclass(frozen=True)
class Entry:
    """One completion: the word or phrase as indexed, its paragraph count, and its kind."""

    text: str
    count: int
    kind: str  # "word" | "phrase"
    approximate: bool = False


def fold(text: str) -> str:
    """The lookup key of text: full-width/case folded, traditional characters made simplified."""
    return to_simplified(normalize(text))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class _Entries(Sequence[Entry]):
    def __init__(self, data: SuggestData) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol, ints only
        return self.data.entry(i)


class SuggestData:
    """One build's completions (the module docstring's arrays, mapped from the build's file or made in memory)."""

    def __init__(self, array: Callable[[str], np.ndarray], paragraphs: int) -> None:
        self.paragraphs = paragraphs
        self._keys = ByteStrings(array("keys"), array("key_start"))
        self._key8 = array("key8")
        self._texts = ByteStrings(array("texts"), array("text_start"))
        self.key_chars = array("key_chars")
        self.counts = array("counts")
        self.flags = array("flags")
        self.rank = array("rank")
        self._first = (array("first_chars"), array("first_start"), array("first_top"))
        self._chars = (array("chars"), array("char_start"), array("char_entries"))
        self.entries: Sequence[Entry] = _Entries(self)

    def __len__(self) -> int:
        return len(self._keys)

    def key(self, i: int) -> str:
        """Entry i's folded key."""
        return self._keys[i].decode("utf-8", "surrogatepass")

    def text(self, i: int) -> str:
        """Entry i's text."""
        start, end = self._texts.starts[i:i + 2].tolist()
        return self._texts.blob[start:end].tobytes().decode("utf-8", "surrogatepass")

    def entry(self, i: int) -> Entry:
        """Entry i."""
        flags = self.flags.item(i)
        return Entry(self.text(i), self.counts.item(i), "phrase" if flags & PHRASE else "word", bool(flags & APPROXIMATE))

    def complete(self, key: str, limit: int) -> list[Entry]:
        """The best `limit` entries whose folded key starts with key (most paragraphs first)."""
        if len(key) == 1:
            return [self.entry(i) for i in _row(self._first, key)[:limit].tolist()]
        lo, hi = self._range(_utf8(key), _utf8(key + _TOP))
        ranks = self.rank[lo:hi]
        if hi - lo > limit:
            best = np.argpartition(ranks, limit)[:limit]
            best = best[np.argsort(ranks[best])]
        else:
            best = np.argsort(ranks)
        return [self.entry(lo + i) for i in best.tolist()]

    def _range(self, low: bytes, high: bytes) -> tuple[int, int]:
        """bisect_left of low and of high in the keys: their key8 values (numpy, one call a side) narrow each to the
        few keys sharing them, bisected as strings."""
        wanted = np.array([key8(low), key8(high)], dtype=np.uint64)
        (a, b), (c, d) = self._key8.searchsorted(wanted, "left").tolist(), self._key8.searchsorted(wanted, "right").tolist()
        return bisect_left(self._keys, low, a, c), bisect_left(self._keys, high, b, d)

    def sharing(self, chars: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """(entries whose key holds any of chars, how many of them each holds), entries ascending."""
        found = [_row(self._chars, ch) for ch in chars]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found), return_counts=True)


def _row(csr: tuple[np.ndarray, np.ndarray, np.ndarray], ch: str) -> np.ndarray:
    """The values of character ch in a (code points, starts, values) table; empty when it has none."""
    codes, starts, values = csr
    code = ord(ch)
    at = int(np.searchsorted(codes, code))
    if at == len(codes) or codes[at] != code:
        return values[:0]
    return values[starts[at]:starts[at + 1]]


# ------------------------------------------------------------------ making the arrays


def word_counts(ctx: BuildContext) -> Counter[str]:
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


def sampled(ctx: BuildContext) -> list[int]:
    """The docnums whose stored text phrases are mined from: up to PHRASE_SAMPLE live ones, spread evenly."""
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


def _csr(rows: Mapping[str, list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points ascending, starts, values) of character → list of entries."""
    chars = sorted(rows, key=ord)
    starts = np.zeros(len(chars) + 1, dtype=np.int64)
    np.cumsum(np.fromiter((len(rows[ch]) for ch in chars), np.int64, len(chars)), out=starts[1:])
    values = np.fromiter((i for ch in chars for i in rows[ch]), np.int32, int(starts[-1]))
    return np.fromiter(map(ord, chars), np.int32, len(chars)), starts, values


def build_arrays(words: Counter[str], texts: list[str], paragraphs: int, spans: Spans) -> dict[str, np.ndarray]:
    """The module docstring's arrays from word counts and phrases mined from sampled texts (of `paragraphs`)."""
    scale = paragraphs / len(texts) if texts else 1.0
    approximate = len(texts) < paragraphs
    phrases: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        phrases.update(ngrams(spans(normalize(text))))
    entries = [(w, c, 0) for w, c in words.items()]
    for parts, c in phrases.most_common(MAX_PHRASES):
        text = "".join(parts)
        if c >= PHRASE_MIN and text not in words:
            # a scaled estimate never above the count of its rarest word (which bounds it exactly)
            bound = min(words.get(w, paragraphs) for w in parts)
            entries.append((text, max(1, min(round(c * scale), bound)), PHRASE | (APPROXIMATE if approximate else 0)))
    keyed = sorted(((fold(t), t, c, f) for t, c, f in entries), key=lambda e: (e[0], e[1]))
    keys = [k for k, _, _, _ in keyed]
    counts = [c for _, _, c, _ in keyed]
    lengths = [len(t) for _, t, _, _ in keyed]
    by_rank = sorted(range(len(keyed)), key=lambda i: (-counts[i], lengths[i], keyed[i][1]))
    rank = [0] * len(keyed)
    for r, i in enumerate(by_rank):
        rank[i] = r
    first: dict[str, list[int]] = {}
    by_char: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        first.setdefault(k[0], []).append(i)
        for ch in set(k):
            by_char.setdefault(ch, []).append(i)
    top = {ch: sorted(idx, key=rank.__getitem__)[:MAX_SUGGESTIONS] for ch, idx in first.items()}
    folded = [_utf8(k) for k in keys]
    key_blob, key_start = pack_strings(folded)
    text_blob, text_start = pack_strings([_utf8(t) for _, t, _, _ in keyed])
    out = {"keys": key_blob, "key_start": key_start, "key8": key8_array(folded), "texts": text_blob, "text_start": text_start,
           "key_chars": np.array([len(k) for k in keys], dtype=np.int32),
           "counts": np.array(counts, dtype=np.int64),
           "flags": np.array([f for _, _, _, f in keyed], dtype=np.uint8),
           "rank": np.array(rank, dtype=np.int32)}
    out.update(zip(("first_chars", "first_start", "first_top"), _csr(top)))
    out.update(zip(("chars", "char_start", "char_entries"), _csr(by_char)))
    return out


def mine(ctx: BuildContext) -> dict[str, np.ndarray]:
    """A build's arrays: its term dictionary's words and the phrases of its sampled paragraphs."""
    texts = [ctx.stored(d).get("text", "") for d in sampled(ctx)]
    return build_arrays(word_counts(ctx), texts, len(ctx.universe), ctx.spans)


# ------------------------------------------------------------------ the build's file


def write_suggestions(build_dir: Path, meta: dict) -> dict:
    """Mine a written (not yet published) build and write its SUGGEST_FILE; the record for build.json's "suggest"
    (where each array is, the paragraphs, entries and phrases, and what it cost). meta: the build's build.json so
    far (its segmenter cuts the sampled paragraphs as queries are cut)."""
    started, cpu = time.perf_counter(), time.process_time()
    index = open_mapped(str(build_dir))
    ctx = BuildContext(OpenIndex(build_id=build_dir.name, path=build_dir, meta=meta, index=index))
    try:
        arrays = mine(ctx)
        paragraphs = len(ctx.universe)
    finally:
        ctx.close()
        index.close()
    writer = ArrayFileWriter(build_dir / SUGGEST_FILE)
    try:
        for name, data in arrays.items():
            writer.save(name, data)
    finally:
        writer.close()
    return {"file": SUGGEST_FILE, "parts": writer.parts, "paragraphs": paragraphs,
            "entries": len(arrays["counts"]), "phrases": int(np.count_nonzero(arrays["flags"] & PHRASE)),
            "seconds": round(time.perf_counter() - started, 3), "cpu_seconds": round(time.process_time() - cpu, 3)}


def load(open_index: OpenIndex) -> SuggestData:
    """The build's SuggestData: its file mapped, or, when the build has none that reads, made in memory now."""
    record = open_index.meta.get("suggest")
    if isinstance(record, dict):
        try:
            mapped = MappedArrays(open_index.path / str(record["file"]), record["parts"])
            return SuggestData(mapped, int(record["paragraphs"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # missing or damaged: the same data, made here
    with open_index.hold():
        ctx = context(open_index)
        arrays = mine(ctx)
        return SuggestData(arrays.__getitem__, len(ctx.universe))
