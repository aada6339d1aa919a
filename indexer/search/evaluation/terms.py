"""One request's reads of the posting arrays: each term looked up once per segment, global docnums out.

Postings include documents an incremental update deleted (as Whoosh's own postings do, so document
frequencies count them until a merge); hit sets drop them (`live`), scores never meet them because
they are computed for hits only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.index.arrays import EMPTY, FieldArrays
from indexer.search.evaluation.context import BuildContext
from indexer.search.evaluation.sets import distinct, union

_SHIFT = np.int64(32)  # key = docnum << 32 | position: positions of two documents never meet
_NO_KEYS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Postings:
    """One term's postings in every segment: global docnums (sorted), term frequencies, where they are."""

    docs: np.ndarray  # intp (a hit set's dtype, evaluation/sets.py), ascending
    tf: np.ndarray  # int64
    parts: tuple[tuple[FieldArrays, int, int, int, int], ...]  # (field arrays, base, term index, start, end)
    df: int  # document frequency, deleted documents included

    @property
    def empty(self) -> bool:
        """No posting."""
        return not len(self.docs)


_NONE = Postings(EMPTY, np.zeros(0, dtype=np.int64), (), 0)


class Terms:
    """Posting reads for one request (memoised by field and term)."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.memo: dict[tuple[str, str], Postings] = {}
        self.docmemo: dict[tuple[str, str, str], np.ndarray] = {}
        self._masks: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        # (field, terms) → every live paragraph with the terms at consecutive positions, where a request has
        # checked the whole build (a needle's substring match): a phrase clause ranking some of them reads it
        self.phrases: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}

    def postings(self, fieldname: str, term: str) -> Postings:
        """The postings of fieldname:term."""
        key = (fieldname, term)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._read(fieldname, term.encode("utf-8", "surrogatepass"))
        return got

    def _read(self, fieldname: str, term: bytes) -> Postings:
        parts = []
        for arrays, base in self.ctx.fields[fieldname]:
            i = arrays.find(term)
            if i >= 0:
                a, b = int(arrays.offsets[i]), int(arrays.offsets[i + 1])
                if b > a:
                    parts.append((arrays, base, i, a, b))
        if not parts:
            return _NONE
        df = sum(b - a for _, _, _, a, b in parts)
        docs = np.empty(df, dtype=np.intp)  # each segment's slice written in place: one copy, no concatenation
        tf = np.empty(df, dtype=np.int64)
        at = 0
        for arrays, base, _i, a, b in parts:
            np.add(arrays.docs[a:b], base, out=docs[at:at + b - a])
            tf[at:at + b - a] = arrays.tf[a:b]
            at += b - a
        return Postings(docs=docs, tf=tf, parts=tuple(parts), df=df)

    def alive(self, docs: np.ndarray) -> np.ndarray:
        """docs without the deleted ones."""
        live = self.ctx.live
        return docs if live is None or not len(docs) else docs[live[docs]]

    def docs(self, fieldname: str, term: str) -> np.ndarray:
        """Live docnums of fieldname:term."""
        key = ("=", fieldname, term)
        got = self.docmemo.get(key)
        if got is None:
            got = self.docmemo[key] = self.alive(self.postings(fieldname, term).docs)
        return got

    def prefix_docs(self, fieldname: str, prefix: str) -> np.ndarray:
        """Live docnums of every term of fieldname starting with prefix."""
        lo = prefix.encode("utf-8", "surrogatepass")
        hi = lo + b"\xff"  # no UTF-8 sequence contains the byte 0xff
        return self._many(fieldname, "^", prefix, lambda arrays: range(*arrays.term_range(lo, hi)))

    def suffix_docs(self, fieldname: str, suffix: str) -> np.ndarray:
        """Live docnums of every term of fieldname ending with suffix."""
        tail = suffix.encode("utf-8", "surrogatepass")
        return self._many(fieldname, "$", suffix, lambda arrays: arrays.ending_with(tail).tolist())

    def _many(self, fieldname: str, kind: str, text: str, which) -> np.ndarray:  # noqa: ANN001 - term indexes per segment
        key = (kind, fieldname, text)
        got = self.docmemo.get(key)
        if got is None:
            parts = []
            for arrays, base in self.ctx.fields[fieldname]:
                idx = np.asarray(list(which(arrays)), dtype=np.int64)
                if not len(idx):
                    continue
                starts = np.asarray(arrays.offsets)[idx]
                ends = np.asarray(arrays.offsets)[idx + 1]
                sel = _ranges(starts, ends)
                if len(sel):
                    parts.append(np.asarray(arrays.docs)[sel].astype(np.intp) + base)
            got = self.docmemo[key] = self.alive(union(parts, self.ctx.size) if len(parts) > 1 else
                                                 distinct(np.sort(parts[0])) if parts else EMPTY)
        return got

    def keys(self, fieldname: str, term: str, within: np.ndarray | None = None) -> np.ndarray:
        """Sorted int64 keys docnum << 32 | position of every occurrence of term (in documents `within`)."""
        p = self.postings(fieldname, term)
        if p.empty:
            return _NO_KEYS
        pick = None if within is None else self._pick(p.docs, within)
        if pick is not None and not len(pick):
            return _NO_KEYS
        at = _before(p.tf, pick)  # each posting's first position, counted over the term's segments in turn
        docs, tf = (p.docs, p.tf) if pick is None else (p.docs[pick], p.tf[pick])
        doc = docs.astype(np.int64)
        if int(tf.sum()) != len(tf):  # postings with several positions: each occurrence's index
            ends = np.cumsum(tf)
            at = np.repeat(at + tf - ends, tf) + np.arange(int(ends[-1]), dtype=np.int64)
            doc = np.repeat(doc, tf)
        # where each segment's positions of the term begin in that count: its earlier segments' position totals
        first = np.zeros(len(p.parts), dtype=np.int64)
        np.cumsum([int(arrays.pstart[i + 1] - arrays.pstart[i]) for arrays, _base, i, _a, _b in p.parts[:-1]],
                  out=first[1:])
        cut = [*np.searchsorted(at, first).tolist(), len(at)]
        pos = [arrays.positions[at[cut[n]:cut[n + 1]] + (int(arrays.pstart[i]) - int(first[n]))]
               for n, (arrays, _base, i, _a, _b) in enumerate(p.parts) if cut[n] < cut[n + 1]]
        out = np.concatenate(pos).astype(np.int64) if len(pos) > 1 else pos[0].astype(np.int64)
        out |= doc << _SHIFT
        return out

    def _pick(self, docs: np.ndarray, within: np.ndarray) -> np.ndarray:
        """Indexes of the postings (global docnums, ascending) whose documents are in within."""
        mask = self._within_mask(within)
        if mask is not None:  # many documents wanted: a lookup per posting in a mask of the build
            return np.flatnonzero(mask[docs])
        at = np.searchsorted(docs, within)  # few: look each of them up in the postings
        np.minimum(at, len(docs) - 1, out=at)
        return at[docs[at] == within]

    def _within_mask(self, within: np.ndarray) -> np.ndarray | None:
        """A boolean per docnum of the build for a large `within` (made once per request and set), else None."""
        if len(within) * 64 < self.ctx.size:
            return None
        key = (id(within), len(within))
        got = self._masks.get(key)
        if got is None or got[0] is not within:
            mask = np.zeros(self.ctx.size, dtype=bool)
            mask[within] = True
            self._masks[key] = got = (within, mask)
        return got[1]

def _before(tf: np.ndarray, pick: np.ndarray | None) -> np.ndarray:
    """Σ tf of the postings before each posting picked (sorted, distinct indexes; every posting without pick):
    one pass over the postings up to the last one picked."""
    if pick is None:
        out = np.cumsum(tf)
        out -= tf
        return out
    out = np.empty(len(pick), dtype=np.int64)
    out[0] = tf[: pick[0]].sum()
    if len(pick) > 1:  # reduceat: Σ tf[pick[j]:pick[j + 1]] for each j (the last, tf[pick[-1]], unused)
        np.cumsum(np.add.reduceat(tf[: pick[-1] + 1], pick)[:-1], out=out[1:])
        out[1:] += out[0]
    return out


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of arange(s, e) for each pair (vectorised)."""
    lens = (ends - starts).astype(np.int64)
    total = int(lens.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    keep = lens > 0
    starts, lens = starts[keep].astype(np.int64), lens[keep]
    offsets = np.cumsum(lens) - lens
    return np.repeat(starts - offsets, lens) + np.arange(total, dtype=np.int64)
