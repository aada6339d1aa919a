"""Posting arrays: each segment's postings of the searched full-text fields as memory-mapped numpy files.

Why: evaluating a query one posting at a time in Python (decoding Whoosh's pickled posting blocks) is
what made hit sets of 30–50k paragraphs slow (issue 12). The build writes, next to each Whoosh segment
and in the same build directory (so a build switch switches them too), per field:

    arrays/<segment id>.<field>.terms.npy    uint8: the field's terms, UTF-8, sorted, concatenated
    arrays/<segment id>.<field>.tstart.npy   int64: where term i starts in terms (n + 1 entries)
    arrays/<segment id>.<field>.keys.npy     uint64: term i's first 8 bytes, big-endian (binary search)
    arrays/<segment id>.<field>.offsets.npy  int64: where term i's postings start in docs / tf (n + 1)
    arrays/<segment id>.<field>.docs.npy     int32: segment-local docnums, ascending within each term
    arrays/<segment id>.<field>.tf.npy       float32: the posting's weight (term frequency)

Files are keyed by segment id, so a build that carries a segment over carries its arrays with it.
Whoosh stays the index of record: the arrays hold the same postings, and a build without them (older
builds) is searched through Whoosh alone. Opening maps the files read-only (np.load(mmap_mode="r")):
nothing is copied into memory and processes serving the same build share the pages.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np

ARRAY_DIR = "arrays"
ARRAY_FIELDS = ("text", "section", "lead", "text_bi")  # the fields hit sets and term scores read
REQUIRED_FIELDS = ("text", "section", "text_bi")  # a build's arrays are used when at least these exist
_PARTS = ("terms", "tstart", "keys", "offsets", "docs", "tf")
EMPTY = np.zeros(0, dtype=np.int32)


def docnums(arrays: Sequence[np.ndarray]) -> np.ndarray:
    """The sorted distinct docnums of several non-empty arrays, through a boolean mask (O(docnums))."""
    mask = np.zeros(max(int(a.max()) for a in arrays) + 1, dtype=bool)
    for a in arrays:
        mask[a] = True
    return np.flatnonzero(mask).astype(np.int32)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if len(parts) > 1 else parts[0] if parts else EMPTY


def _key8(term: bytes) -> int:
    """A term's first 8 bytes as a big-endian number: ordered like the terms themselves (no NUL in terms)."""
    return int.from_bytes(term[:8].ljust(8, b"\0"), "big")


def _path(folder: Path, segment: str, fieldname: str, part: str) -> Path:
    return folder / ARRAY_DIR / f"{segment}.{fieldname}.{part}.npy"


def write_arrays(folder: Path, segment: str, postings: Mapping[str, Mapping[str | bytes, Sequence[tuple]]]) -> None:
    """Write one segment's posting arrays (field → term → [(docnum, weight, …)], docnums ascending)."""
    (folder / ARRAY_DIR).mkdir(exist_ok=True)
    for name in ARRAY_FIELDS:
        terms = postings.get(name, {})
        keyed = sorted((t if isinstance(t, bytes) else t.encode("utf-8"), t) for t in terms)
        lists = [terms[t] for _, t in keyed]
        tstart = np.zeros(len(keyed) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(k) for k, _ in keyed), np.int64, len(keyed)), out=tstart[1:])
        offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, lists), np.int64, len(lists)), out=offsets[1:])
        total = int(offsets[-1])
        parts: dict[str, np.ndarray] = {
            "terms": np.frombuffer(b"".join(k for k, _ in keyed), dtype=np.uint8),
            "tstart": tstart,
            "keys": np.fromiter((_key8(k) for k, _ in keyed), np.uint64, len(keyed)),
            "offsets": offsets,
            "docs": np.fromiter(map(itemgetter(0), chain.from_iterable(lists)), np.int32, total),
            "tf": np.fromiter(map(itemgetter(1), chain.from_iterable(lists)), np.float32, total),
        }
        for part, data in parts.items():
            np.save(_path(folder, segment, name, part), data, allow_pickle=False)


class _Terms(Sequence[bytes]):
    """The sorted term table as a sequence of bytes (for bisect), read from the mapped arrays."""

    def __init__(self, blob: np.ndarray, starts: np.ndarray) -> None:
        self.blob = blob
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol, ints only
        return self.blob[self.starts[i] : self.starts[i + 1]].tobytes()


class FieldArrays:
    """One segment's posting arrays of one field."""

    def __init__(self, folder: Path, segment: str, fieldname: str) -> None:
        load = {p: np.load(_path(folder, segment, fieldname, p), mmap_mode="r", allow_pickle=False) for p in _PARTS}
        self.terms = _Terms(load["terms"], load["tstart"])
        self.keys = load["keys"]
        self.offsets = load["offsets"]
        self.docs = load["docs"]
        self.tf = load["tf"]
        self._endings: dict[bytes, np.ndarray] = {}  # tail → term indexes; tails are 1-char needles (bounded)

    def span(self, lo: bytes, hi: bytes | None = None) -> tuple[int, int]:
        """The posting range of term lo (hi None), or of every term in [lo, hi)."""
        i = self._find(lo)
        if hi is None:
            j = i + 1 if i < len(self.terms) and self.terms[i] == lo else i
        else:
            j = self._find(hi)
        return int(self.offsets[i]), int(self.offsets[j])

    def ending_with(self, tail: bytes) -> np.ndarray:
        """Indexes of the terms that end with tail (vectorised over the term table; kept per tail)."""
        got = self._endings.get(tail)
        if got is None:
            got = self._endings[tail] = self._scan_endings(tail)
        return got

    def _scan_endings(self, tail: bytes) -> np.ndarray:
        starts = self.terms.starts
        ends = np.asarray(starts[1:])
        cand = np.flatnonzero(ends - np.asarray(starts[:-1]) >= len(tail))
        blob = self.terms.blob
        for j, byte in enumerate(tail):
            cand = cand[blob[ends[cand] - len(tail) + j] == byte]
        return cand

    def _find(self, term: bytes) -> int:
        """bisect_left over the terms: the 8-byte keys (numpy) narrow it to the few terms sharing them."""
        key = np.uint64(_key8(term))
        a = int(np.searchsorted(self.keys, key, "left"))
        b = int(np.searchsorted(self.keys, key, "right"))
        return bisect_left(self.terms, term, a, b)


class PostingArrays:
    """The posting arrays of every segment of one build, docnums made global by the segment's base."""

    def __init__(self, segments: Sequence[tuple[Path, str, int]]) -> None:
        """segments: (build folder, segment id, docnum base) in docnum order."""
        self.fields = {name: [(FieldArrays(folder, seg, name), base) for folder, seg, base in segments]
                       for name in ARRAY_FIELDS if all(self.has(folder, seg, name) for folder, seg, _ in segments)}

    @staticmethod
    def has(folder: Path, segment: str, fieldname: str) -> bool:
        """Whether the build wrote this segment's arrays of fieldname (older builds did not)."""
        return all(_path(folder, segment, fieldname, p).is_file() for p in _PARTS)

    @classmethod
    def available(cls, folder: Path, segment: str) -> bool:
        """Whether the build wrote the arrays hit sets need for this segment."""
        return all(cls.has(folder, segment, f) for f in REQUIRED_FIELDS)

    def _gather(self, fieldname: str, lo: bytes, hi: bytes | None, tf: bool = False
                ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per segment with postings in range: global docnums, and (tf) their weights; one term lookup each."""
        docs_out, tf_out = [], []
        for arrays, base in self.fields[fieldname]:
            a, b = arrays.span(lo, hi)
            if b > a:
                docs = arrays.docs[a:b]
                docs_out.append(docs + np.int32(base) if base else np.array(docs))
                if tf:
                    tf_out.append(np.array(arrays.tf[a:b]))
        return docs_out, tf_out

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Global docnums (sorted, int32) and weights (float32) of one term's postings."""
        docs, tfs = self._gather(fieldname, term.encode("utf-8"), None, tf=True)
        return _joined(docs), np.concatenate(tfs) if tfs else np.zeros(0, np.float32)

    def doc_ids(self, fieldname: str, term: str) -> np.ndarray:
        """Global docnums (sorted, int32) of one term's postings."""
        return _joined(self._gather(fieldname, term.encode("utf-8"), None)[0])

    def suffix_ids(self, fieldname: str, suffix: str) -> np.ndarray:
        """Global docnums (sorted, unique) of the postings of every term ending with suffix."""
        got = []
        for arrays, base in self.fields[fieldname]:
            for i in arrays.ending_with(suffix.encode("utf-8")).tolist():
                a, b = int(arrays.offsets[i]), int(arrays.offsets[i + 1])
                if b > a:
                    docs = arrays.docs[a:b]
                    got.append(docs + np.int32(base) if base else np.array(docs))
        return docnums(got) if got else EMPTY

    def prefix_ids(self, fieldname: str, prefix: str) -> np.ndarray:
        """Global docnums (sorted, unique) of the postings of every term starting with prefix."""
        lo = prefix.encode("utf-8")
        got = self._gather(fieldname, lo, lo + b"\xff")[0]  # no UTF-8 sequence contains the byte 0xff
        return docnums(got) if got else EMPTY
