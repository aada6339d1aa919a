"""Where needles stand in paragraphs, in characters, read from text_bi's positions (no stored text is read).

A key is docnum << 32 | offset: the offset into the paragraph's folded, whitespace-free text, the text a
quoted phrase is searched in (indexer/analysis.py). text_bi has one position per bigram, and bigram p is
characters p and p + 1 of that text, so:
- a needle of k ≥ 2 characters starts at s where its bigrams stand at s, s + 1, …, s + k - 2;
- one character c stands at s where a bigram starting with c stands at s, where one ending with c stands
  at s - 1 (the last character begins no bigram), or where the text is c alone (its one token, at 0);
- a sentence ends at each 。!?; (SENTENCE_ENDS: the folded forms of 。！？；!?;): at each position where a
  bigram starting with one of them stands (a text's last character ends its last sentence anyway). The
  sentence of an offset is the number of ends before it in its paragraph, so an end belongs to the sentence
  it closes, and an occurrence lies in one sentence when no end stands inside it before its last character.

NEAR (syntax.Near): an occurrence [s, s + ka) of A and [t, t + kb) of B are d characters apart, d = the
characters between them (0 when they touch or overlap); d ≤ n exactly when s - kb - n ≤ t ≤ s + ka + n.
"""

from __future__ import annotations

import numpy as np

from indexer.index.arrays import FieldArrays
from indexer.search.evaluation.sets import members
from indexer.search.evaluation.terms import Terms, _ranges

SENTENCE_ENDS = "。!?;"
FIELD = "text_bi"
ENDS_SLOT = "sentences.ends"  # the build's sentence ends (Occurrences.all_ends)
_SHIFT = np.int64(32)
_LOW = (np.int64(1) << _SHIFT) - 1  # the offset bits of a key
_NONE = np.zeros(0, dtype=np.int64)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def doc_base(keys: np.ndarray) -> np.ndarray:
    """Each key's docnum << 32 (its paragraph's offset 0)."""
    return keys & ~_LOW


def _ending(arrays: FieldArrays, char: bytes) -> np.ndarray:
    """The bigram terms ending with char (the term that is char alone left out)."""
    idx = arrays.ending_with(char)
    return idx[idx != arrays.find(char)]


def _set_keys(arrays: FieldArrays, base: int, idx: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Keys (global docnum << 32 | position) of every posting of the terms idx in documents mask lets through."""
    if not len(idx):
        return _NONE
    offsets = np.asarray(arrays.offsets)
    a, b = offsets[idx], offsets[idx + 1]
    counts = b - a
    post = _ranges(a, b)  # posting indexes, term after term
    if not len(post):
        return _NONE
    docs = np.asarray(arrays.docs)[post].astype(np.int64) + base
    tf = np.asarray(arrays.tf)[post].astype(np.int64)
    # a posting's positions start at its term's pstart plus the tf of the term's earlier postings
    before = np.cumsum(tf) - tf
    used = counts > 0
    first = (np.cumsum(counts) - counts)[used]
    starts = before + np.repeat(np.asarray(arrays.pstart)[idx][used] - before[first], counts[used])
    pick = np.flatnonzero(mask[docs])
    if not len(pick):
        return _NONE
    docs, tf, starts = docs[pick], tf[pick], starts[pick]
    pos = np.asarray(arrays.positions)[_ranges(starts, starts + tf)].astype(np.int64)
    return (np.repeat(docs, tf) << _SHIFT) | pos


class Occurrences:
    """Occurrence keys for one request (memoised per needle and document set)."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self.ctx = terms.ctx
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._memo: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}

    def _mask(self, within: np.ndarray) -> np.ndarray:
        got = self._masks.get(id(within))
        if got is None or got[0] is not within:
            mask = np.zeros(self.ctx.size, dtype=bool)
            mask[within] = True
            self._masks[id(within)] = got = (within, mask)
        return got[1]

    def _cached(self, name: str, within: np.ndarray, make) -> np.ndarray:  # noqa: ANN001 - a thunk
        key = (name, id(within))
        got = self._memo.get(key)
        if got is None or got[0] is not within:
            got = self._memo[key] = (within, make())
        return got[1]

    def _terms_keys(self, pick, within: np.ndarray) -> np.ndarray:  # noqa: ANN001 - a segment's term indexes
        mask = self._mask(within)
        parts = [_set_keys(arrays, base, np.asarray(pick(arrays), dtype=np.int64), mask)
                 for arrays, base in self.ctx.fields[FIELD]]
        parts = [p for p in parts if len(p)]
        return np.sort(np.concatenate(parts)) if parts else _NONE

    def starts(self, needle: str, within: np.ndarray) -> np.ndarray:
        """Sorted keys where needle (folded, whitespace-free) starts, in the documents within (sorted docnums)."""
        if not needle or not len(within):
            return _NONE
        return self._cached("s" + needle, within, lambda: self._starts(needle, within))

    def _starts(self, needle: str, within: np.ndarray) -> np.ndarray:
        if len(needle) == 1:
            lo = needle.encode("utf-8", "surrogatepass")
            heads = self._terms_keys(lambda arrays: range(*arrays.term_range(lo, lo + b"\xff")), within)
            # the bigrams ending with it (not the text that is the character alone: a head at 0)
            tails = self._terms_keys(lambda arrays: _ending(arrays, lo), within)
            return np.union1d(heads, tails + 1)
        grams = _bigrams(needle)
        keys = {g: self.terms.keys(FIELD, g, within) for g in dict.fromkeys(grams)}
        k = min(range(len(grams)), key=lambda j: len(keys[grams[j]]))  # anchored on the rarest bigram
        found = keys[grams[k]] - k
        for j, gram in enumerate(grams):
            if j != k and len(found):
                found = found[members(found + j, keys[gram])]
        return found

    def all_ends(self) -> np.ndarray:
        """Sorted keys of every sentence end of the build, made once per build (ctx.slots): reading them from the
        postings walks every posting of the bigrams starting with 。!?; — the whole corpus's — while a request's
        paragraphs' ends are a slice of this array per paragraph (ends())."""
        got = self.ctx.slots.get(ENDS_SLOT)
        if isinstance(got, np.ndarray):
            return got
        every = np.ones(self.ctx.size, dtype=bool)
        parts = [_set_keys(arrays, base, np.arange(*arrays.term_range(lo, lo + b"\xff"), dtype=np.int64), every)
                 for lo in (end.encode("utf-8") for end in SENTENCE_ENDS) for arrays, base in self.ctx.fields[FIELD]]
        got = np.sort(np.concatenate(parts)) if parts else _NONE
        self.ctx.slots[ENDS_SLOT] = got  # an equal array if two requests make it at once
        return got

    def ends(self, within: np.ndarray) -> np.ndarray:
        """Sorted keys of the sentence ends in the documents within."""
        def make() -> np.ndarray:
            every = self.all_ends()
            first = within.astype(np.int64) << _SHIFT
            return every[_ranges(np.searchsorted(every, first), np.searchsorted(every, first + (_LOW + 1)))]
        return self._cached("ends", within, make) if len(within) else _NONE

    # ------------------------------------------------------------------ sentences

    def inside(self, keys: np.ndarray, length: int, within: np.ndarray) -> np.ndarray:
        """Which occurrences [key, key + length) lie in one sentence (no end before their last character)."""
        if length <= 1 or not len(keys):
            return np.ones(len(keys), dtype=bool)
        ends = self.ends(within)
        return np.searchsorted(ends, keys + (length - 1), "left") == np.searchsorted(ends, keys, "left")

    def sentence_keys(self, keys: np.ndarray, within: np.ndarray) -> np.ndarray:
        """docnum << 32 | the number of the sentence each key stands in (0: the paragraph's first)."""
        ends = self.ends(within)
        base = doc_base(keys)
        return base | (np.searchsorted(ends, keys, "left") - np.searchsorted(ends, base, "left"))

    def _sentence_bounds(self, keys: np.ndarray, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first key, last key) of the sentence each key stands in."""
        ends = self.ends(within)
        base = doc_base(keys)
        at = np.searchsorted(ends, keys, "left")
        prev = ends[np.maximum(at - 1, 0)] if len(ends) else base
        first = np.where((at > 0) & (doc_base(prev) == base), prev + 1, base)
        nxt = ends[np.minimum(at, len(ends) - 1)] if len(ends) else base
        last = np.where((at < len(ends)) & (doc_base(nxt) == base), nxt, base | _LOW)
        return first, last

    # ------------------------------------------------------------------ NEAR

    def near(self, left: list[str], right: list[str], distance: int, within: np.ndarray,
             sentences: bool = False) -> np.ndarray:
        """Sorted keys of left's occurrences (any of its needles) with one of right's at most `distance`
        characters away (see the module docstring); with sentences, both in one sentence."""
        found = []
        for a in dict.fromkeys(n for n in left if n):
            starts = self.starts(a, within)
            if sentences:
                starts = starts[self.inside(starts, len(a), within)]
            if not len(starts):
                continue
            hit = np.zeros(len(starts), dtype=bool)
            bounds = self._sentence_bounds(starts, within) if sentences else None
            for b in dict.fromkeys(n for n in right if n):
                others = self.starts(b, within)
                if sentences:
                    others = others[self.inside(others, len(b), within)]
                if not len(others):
                    continue
                lo = np.maximum(starts - (len(b) + distance), doc_base(starts))
                hi = starts + (len(a) + distance)
                if bounds is not None:
                    lo, hi = np.maximum(lo, bounds[0]), np.minimum(hi, bounds[1])
                hit |= np.searchsorted(others, hi, "right") > np.searchsorted(others, lo, "left")
            found.append(starts[hit])
        return np.unique(np.concatenate(found)) if found else _NONE
