"""The posting arrays: every segment's full-text postings, field lengths and facet columns, in one file.

The one evaluation path (indexer/search/) reads only these; Whoosh's segment files beside them hold the
stored documents and the ``id``/``report`` terms that incremental updates delete by. The build writes,
in its ``arrays/`` folder (switched with the build, hard-linked when a later build reuses the segment),
two files per segment:

    <segment>.arrays        every array below, raw, one after another (each at a 64-byte boundary)
    <segment>.columns.json  where each array is (dtype, length, offset), the columns' value tables,
                            the document count and the exact field length totals

The arrays, per field (text, section, lead: jieba words; text_bi: character bigrams):

    <field>.terms      uint8: the field's terms, UTF-8, sorted, concatenated
    <field>.tstart     int64: where term i starts in terms (n + 1 entries)
    <field>.keys       uint64: term i's first 8 bytes, big-endian (binary search in numpy)
    <field>.offsets    int64: term i's postings are docs[offsets[i]:offsets[i + 1]] (n + 1)
    <field>.docs       int32: segment-local docnums, ascending within a term
    <field>.tf         uint8/16/32: positions per posting (the term frequency)
    <field>.pstart     int64: term i's positions start here, tf of them per posting, in order
    <field>.positions  uint16/32: token order numbers, ascending within a posting
    <field>.lengths    uint8: Whoosh's length byte of each document's token count

and per document: institution / theme / report value ids and position (int32); year_docs/year_values:
(docnum, year) pairs (a report covers years).

One file per segment, because a mapping holds a file descriptor for as long as it lives (CPython's mmap
keeps a duplicate): one file per array took ~40 descriptors per segment, 924 for a build of a million
paragraphs, past the 1,024 that select() and many systems' default `ulimit -n` allow. Opening maps the
file read-only once: nothing is copied, and server processes share the pages.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from indexer.index.arrayfile import ArrayFileWriter, ByteStrings, MappedArrays, key8, key8_array, pack_strings
from indexer.index.postings import FieldPostings

ARRAY_DIR = "arrays"
ARRAY_FIELDS = ("text", "section", "lead", "text_bi")
COLUMNS = ("institution", "theme", "report")  # one value id per document
_PARTS = ("terms", "tstart", "keys", "offsets", "docs", "tf", "pstart", "positions", "lengths")
EMPTY = np.zeros(0, dtype=np.intp)  # an empty hit set (docnums are intp: numpy indexes with them fastest)


def _data_path(folder: Path, segment: str) -> Path:
    return folder / ARRAY_DIR / f"{segment}.arrays"


def _meta_path(folder: Path, segment: str) -> Path:
    return folder / ARRAY_DIR / f"{segment}.columns.json"


class SegmentArraysWriter:
    """Writes one segment's arrays into its one file, then the directory of where each is (close())."""

    def __init__(self, folder: Path, segment: str) -> None:
        (folder / ARRAY_DIR).mkdir(exist_ok=True)
        self.folder, self.segment = folder, segment
        self._file = ArrayFileWriter(_data_path(folder, segment))
        self._save = self._file.save

    def close(self) -> None:
        """Close the data file (the directory is written by columns(), which comes last)."""
        self._file.close()

    def field(self, fieldname: str, p: FieldPostings) -> None:
        """One field's posting arrays."""
        blob, tstart = pack_strings(p.terms)
        parts: dict[str, np.ndarray] = {
            "terms": blob,
            "tstart": tstart,
            "keys": key8_array(p.terms),
            "offsets": p.offsets, "docs": p.docs, "tf": p.tf, "pstart": p.pstart, "positions": p.positions,
            "lengths": p.lengths,
        }
        for part, data in parts.items():
            self._save(f"{fieldname}.{part}", data)

    def columns(self, docs: int, columns: Mapping[str, Sequence[str]], ids: Mapping[str, np.ndarray],
                positions: np.ndarray, year_docs: np.ndarray, year_values: np.ndarray,
                lengths: Mapping[str, int], jieba_blocks: Mapping[str, list[str]] | None = None) -> None:
        """The facet columns (value ids per document, with their value tables) and statistics, and the blocks of
        its text jieba itself cut (JiebaTokenizer.index_cutter); closes."""
        for name in COLUMNS:
            self._save(name, ids[name].astype(np.int32))
        self._save("position", positions.astype(np.int32))
        self._save("year_docs", year_docs.astype(np.int32))
        self._save("year_values", year_values.astype(np.int16))
        self.close()
        meta = {"docs": docs, "lengths": dict(lengths), "values": {k: list(v) for k, v in columns.items()},
                "parts": self._file.parts, "jieba_blocks": dict(jieba_blocks or {})}
        _meta_path(self.folder, self.segment).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


class FieldArrays:
    """One segment's posting arrays of one field."""

    def __init__(self, mapped: MappedArrays, fieldname: str) -> None:
        load = {p: mapped(f"{fieldname}.{p}") for p in _PARTS}
        self.terms = ByteStrings(load["terms"], load["tstart"])
        self.keys = load["keys"]
        self._key_list = self.keys.data  # a memoryview: bisect over it in C, without numpy's per-call set-up
        self.offsets = load["offsets"]
        self.docs = load["docs"]
        self.tf = load["tf"]
        self.pstart = load["pstart"]
        self.positions = load["positions"]
        self.lengths = load["lengths"]
        self._endings: dict[bytes, np.ndarray] = {}  # tail → term indexes; tails are 1-char needles (bounded)

    def find(self, term: bytes) -> int:
        """The index of term, or -1."""
        if len(term) > 8:
            i = self._bisect(term)
        else:  # the one term with these first 8 bytes this short sorts first among the terms sharing them
            i = bisect_left(self._key_list, key8(term))
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
        key = key8(term)
        a = bisect_left(self._key_list, key)
        b = bisect_right(self._key_list, key, a)
        return bisect_left(self.terms, term, a, b)

    def df(self, i: int) -> int:
        """Term i's document frequency in this segment (deleted documents included, as Whoosh counts)."""
        return int(self.offsets[i + 1] - self.offsets[i])


class SegmentArrays:
    """One segment's fields, columns and statistics."""

    def __init__(self, folder: Path, segment: str) -> None:
        self.segment = segment
        meta = json.loads(_meta_path(folder, segment).read_text(encoding="utf-8"))
        self.size: int = meta["docs"]
        self.total_lengths: dict[str, int] = meta["lengths"]
        self.values: dict[str, list[str]] = meta["values"]
        self.jieba_blocks: dict[str, list[str]] = meta.get("jieba_blocks", {})
        mapped = MappedArrays(_data_path(folder, segment), meta["parts"])
        self.fields = {name: FieldArrays(mapped, name) for name in ARRAY_FIELDS}
        self.columns = {name: mapped(name) for name in (*COLUMNS, "position")}
        self.year_docs = mapped("year_docs")
        self.year_values = mapped("year_values")

    @staticmethod
    def available(folder: Path, segment: str) -> bool:
        """Whether the build wrote this segment's arrays."""
        return _meta_path(folder, segment).is_file()
