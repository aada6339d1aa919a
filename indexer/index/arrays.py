"""The posting arrays: every segment's full-text postings, field lengths and facet columns as numpy files.

The one evaluation path (indexer/search/) reads only these; Whoosh's segment files beside them hold the
stored documents and the ``id``/``report`` terms that incremental updates delete by. The build writes,
in its ``arrays/`` folder (switched with the build, hard-linked when a later build reuses the segment):

    <segment>.<field>.terms.npy      uint8: the field's terms, UTF-8, sorted, concatenated
    <segment>.<field>.tstart.npy     int64: where term i starts in terms (n + 1 entries)
    <segment>.<field>.keys.npy       uint64: term i's first 8 bytes, big-endian (binary search in numpy)
    <segment>.<field>.offsets.npy    int64: term i's postings are docs[offsets[i]:offsets[i + 1]] (n + 1)
    <segment>.<field>.docs.npy       int32: segment-local docnums, ascending within a term
    <segment>.<field>.tf.npy         uint8/16/32: positions per posting (the term frequency)
    <segment>.<field>.pstart.npy     int64: term i's positions start here, tf of them per posting, in order
    <segment>.<field>.positions.npy  uint16/32: token order numbers, ascending within a posting
    <segment>.<field>.lengths.npy    uint8: Whoosh's length byte of each document's token count
    <segment>.<column>.npy           int32 per document: institution / theme / report value ids, position;
                                     year_docs/year_values: (docnum, year) pairs (a report covers years)
    <segment>.columns.json           the columns' value tables, document count, exact field length totals

Opening maps every file read-only (np.load(mmap_mode="r")): nothing is copied, and server processes
share the pages. Fields: text, section, lead (jieba words) and text_bi (character bigrams).
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from indexer.index.postings import FieldPostings

ARRAY_DIR = "arrays"
ARRAY_FIELDS = ("text", "section", "lead", "text_bi")
COLUMNS = ("institution", "theme", "report")  # one value id per document
_PARTS = ("terms", "tstart", "keys", "offsets", "docs", "tf", "pstart", "positions", "lengths")
EMPTY = np.zeros(0, dtype=np.int32)


def _key8(term: bytes) -> int:
    """A term's first 8 bytes as a big-endian number: ordered like the terms themselves (no NUL in terms)."""
    return int.from_bytes(term[:8].ljust(8, b"\0"), "big")


def _path(folder: Path, segment: str, name: str) -> Path:
    return folder / ARRAY_DIR / f"{segment}.{name}.npy"


class _Chunks:
    """A file numpy writes to chunk by chunk through write(): on a full disk the OS's ENOSPC surfaces
    ("No space left on device"), where ndarray.tofile only says how many bytes it could not write."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f

    def write(self, data: bytes) -> int:
        return self.f.write(data)


def _save(folder: Path, segment: str, name: str, data: np.ndarray) -> None:
    with open(_path(folder, segment, name), "wb") as f:
        np.save(_Chunks(f), np.ascontiguousarray(data), allow_pickle=False)


def write_field(folder: Path, segment: str, fieldname: str, p: FieldPostings) -> None:
    """Write one field's posting arrays of a segment."""
    (folder / ARRAY_DIR).mkdir(exist_ok=True)
    tstart = np.zeros(len(p.terms) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, p.terms), np.int64, len(p.terms)), out=tstart[1:])
    parts: dict[str, np.ndarray] = {
        "terms": np.frombuffer(b"".join(p.terms), dtype=np.uint8),
        "tstart": tstart,
        "keys": np.fromiter(map(_key8, p.terms), np.uint64, len(p.terms)),
        "offsets": p.offsets, "docs": p.docs, "tf": p.tf, "pstart": p.pstart, "positions": p.positions,
        "lengths": p.lengths,
    }
    for part, data in parts.items():
        _save(folder, segment, f"{fieldname}.{part}", data)


def write_columns(folder: Path, segment: str, docs: int, columns: Mapping[str, Sequence[str]],
                  ids: Mapping[str, np.ndarray], positions: np.ndarray, year_docs: np.ndarray,
                  year_values: np.ndarray, lengths: Mapping[str, int]) -> None:
    """Write a segment's facet columns (value ids per document, with their value tables) and statistics."""
    (folder / ARRAY_DIR).mkdir(exist_ok=True)
    for name in COLUMNS:
        _save(folder, segment, name, ids[name].astype(np.int32))
    _save(folder, segment, "position", positions.astype(np.int32))
    _save(folder, segment, "year_docs", year_docs.astype(np.int32))
    _save(folder, segment, "year_values", year_values.astype(np.int16))
    meta = {"docs": docs, "lengths": dict(lengths), "values": {k: list(v) for k, v in columns.items()}}
    (folder / ARRAY_DIR / f"{segment}.columns.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


class _Terms(Sequence[bytes]):
    """The sorted term table as a sequence of bytes (for bisect), read from the mapped arrays."""

    def __init__(self, blob: np.ndarray, starts: np.ndarray) -> None:
        self.blob = blob
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - Sequence protocol, ints only
        return self.blob[self.starts[i] : self.starts[i + 1]].tobytes()


def _load(folder: Path, segment: str, name: str) -> np.ndarray:
    # a plain ndarray over the mapping: np.memmap's Python-level __getitem__/__array_finalize__ cost more
    # than the slices themselves on the hot path
    return np.load(_path(folder, segment, name), mmap_mode="r", allow_pickle=False).view(np.ndarray)


class FieldArrays:
    """One segment's posting arrays of one field."""

    def __init__(self, folder: Path, segment: str, fieldname: str) -> None:
        load = {p: _load(folder, segment, f"{fieldname}.{p}") for p in _PARTS}
        self.terms = _Terms(load["terms"], load["tstart"])
        self.keys = load["keys"]
        self.offsets = load["offsets"]
        self.docs = load["docs"]
        self.tf = load["tf"]
        self.pstart = load["pstart"]
        self.positions = load["positions"]
        self.lengths = load["lengths"]
        self._endings: dict[bytes, np.ndarray] = {}  # tail → term indexes; tails are 1-char needles (bounded)

    def find(self, term: bytes) -> int:
        """The index of term, or -1."""
        i = self._bisect(term)
        return i if i < len(self.terms) and self.terms[i] == term else -1

    def term_range(self, lo: bytes, hi: bytes) -> tuple[int, int]:
        """Indexes [i, j) of the terms in [lo, hi)."""
        return self._bisect(lo), self._bisect(hi)

    def ending_with(self, tail: bytes) -> np.ndarray:
        """Indexes of the terms that end with tail (vectorised over the term table; kept per tail)."""
        got = self._endings.get(tail)
        if got is None:
            starts = np.asarray(self.terms.starts)
            ends = starts[1:]
            cand = np.flatnonzero(ends - starts[:-1] >= len(tail))
            blob = self.terms.blob
            for j, byte in enumerate(tail):
                cand = cand[blob[ends[cand] - len(tail) + j] == byte]
            got = self._endings[tail] = cand
        return got

    def _bisect(self, term: bytes) -> int:
        """bisect_left over the terms: the 8-byte keys (numpy) narrow it to the few terms sharing them."""
        key = np.uint64(_key8(term))
        a = int(np.searchsorted(self.keys, key, "left"))
        b = int(np.searchsorted(self.keys, key, "right"))
        return bisect_left(self.terms, term, a, b)

    def df(self, i: int) -> int:
        """Term i's document frequency in this segment (deleted documents included, as Whoosh counts)."""
        return int(self.offsets[i + 1] - self.offsets[i])


class SegmentArrays:
    """One segment's fields, columns and statistics."""

    def __init__(self, folder: Path, segment: str) -> None:
        self.segment = segment
        meta = json.loads((folder / ARRAY_DIR / f"{segment}.columns.json").read_text(encoding="utf-8"))
        self.size: int = meta["docs"]
        self.total_lengths: dict[str, int] = meta["lengths"]
        self.values: dict[str, list[str]] = meta["values"]
        self.fields = {name: FieldArrays(folder, segment, name) for name in ARRAY_FIELDS}
        self.columns = {name: _load(folder, segment, name) for name in (*COLUMNS, "position")}
        self.year_docs = _load(folder, segment, "year_docs")
        self.year_values = _load(folder, segment, "year_values")

    @staticmethod
    def available(folder: Path, segment: str) -> bool:
        """Whether the build wrote this segment's arrays."""
        return (folder / ARRAY_DIR / f"{segment}.columns.json").is_file()
