"""One open build's search state: its posting arrays, facet columns and statistics, read once per build.

Everything here is read-only after it is made, so concurrent requests share it without a lock: the
arrays are memory-mapped (indexer/index/arrays.py) and what is derived from them (the global columns,
each value's docnums, corpus order) is made once, on first use, and only ever replaced by an equal value.
Docnums are global: a segment's local docnums plus its base, in the build's segment order.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.analysis import JiebaTokenizer, normalize, prepare_queries
from indexer.index.arrays import ARRAY_FIELDS, COLUMNS, EMPTY, FieldArrays, SegmentArrays
from indexer.index.store import OpenIndex
from indexer.index.whoosh_compat import bm25f_defaults, deleted_docs, toc_segments
from indexer.search.language.hanzi import to_simplified, to_traditional

CONTEXT_SLOT = "search.context"


def _lengths(fieldname: str, arrays: SegmentArrays) -> np.ndarray:
    return arrays.fields[fieldname].lengths


@dataclass
class Column:
    """One facet column: each document's value id, the values, and each value's docnums (made on first use)."""

    of: np.ndarray  # int32 per docnum: index into values (-1: none)
    values: list[str]
    ids: dict[str, int] = field(default_factory=dict)
    _docs: dict[int, np.ndarray] = field(default_factory=dict)

    def docs(self, value: str, live: np.ndarray | None) -> np.ndarray:
        """The (live) docnums carrying value, sorted; empty for an unknown value."""
        i = self.ids.get(value)
        if i is None:
            return EMPTY
        got = self._docs.get(i)
        if got is None:
            got = np.flatnonzero(self.of == i)
            if live is not None:
                got = got[live[got]]
            self._docs[i] = got
        return got

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Documents per value among those where mask is True."""
        of = self.of[mask]
        return np.bincount(of[of >= 0], minlength=len(self.values))


@dataclass
class Years:
    """(docnum, year) pairs: a paragraph covers every year of its report."""

    docs: np.ndarray  # int32 (the build's pairs; Years.between gives hit sets)
    years: np.ndarray  # int16
    values: list[int]  # the distinct years, ascending
    index: np.ndarray  # per pair: index into values
    _between: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def between(self, first: int, last: int, live: np.ndarray | None) -> np.ndarray:
        """Live docnums covering any year in [first, last], sorted."""
        key = (first, last)
        got = self._between.get(key)
        if got is None:
            got = np.unique(self.docs[(self.years >= first) & (self.years <= last)]).astype(np.intp)
            if live is not None:
                got = got[live[got]]
            if len(self._between) < 4096:  # bounded: years are few, ranges typed by users are not
                self._between[key] = got
        return got


class BuildContext:
    """The search state of one build (see the module docstring)."""

    def __init__(self, open_index: OpenIndex) -> None:
        self.meta = open_index.meta
        self.index = open_index.index
        segments = toc_segments(self.index)
        folder = open_index.path
        self.segments: list[tuple[SegmentArrays, int]] = []
        base = 0
        deleted: list[np.ndarray] = []
        for seg in segments:
            arrays = SegmentArrays(folder, seg.segment_id())
            self.segments.append((arrays, base))
            gone = np.fromiter(deleted_docs(seg), np.int64)
            if len(gone):
                deleted.append(gone + base)
            base += seg.doc_count_all()
        self.size = base  # every docnum, deleted ones included: Whoosh's doc_count_all, BM25F's N
        alive = np.ones(base, dtype=bool)
        for gone in deleted:
            alive[gone] = False
        self.live: np.ndarray | None = alive if deleted else None  # None: nothing deleted
        self.universe = np.flatnonzero(alive)
        self.fields: dict[str, list[tuple[FieldArrays, int]]] = {
            name: [(arrays.fields[name], b) for arrays, b in self.segments] for name in ARRAY_FIELDS}
        self.lengths = {name: self._concat(functools.partial(_lengths, name), np.uint8) for name in ARRAY_FIELDS}
        self.total_lengths = {name: sum(a.total_lengths.get(name, 0) for a, _ in self.segments) for name in ARRAY_FIELDS}
        self.columns = {name: self._column(name) for name in COLUMNS}
        self.position = self._concat(lambda a: a.columns["position"], np.int32)
        self.years = self._years()
        self.report_years = self._years_by_report()  # facet counting (evaluation/cells.py)
        self.b, self.k1 = bm25f_defaults()
        tokenizer = word_tokenizer(open_index)
        self.tokenizer: JiebaTokenizer = tokenizer
        # the index writer's own cut, rebuilt from build.json: no jieba dictionary load for Han-only queries, nor
        # for the blocks with letters of the build's own paragraphs (its writers noted how jieba cut those)
        known: dict[str, list[str]] = {}
        for arrays, _ in self.segments:
            known.update(arrays.jieba_blocks)
        self.spans = tokenizer.query_spans(self.meta.get("segmenter"), known)
        self._reader: Any = None
        self._lock = threading.Lock()  # only for making the shared stored-fields reader and lazy tables
        self._order: np.ndarray | None = None
        self.slots: dict[str, object] = {}  # features' per-build data (suggestions, trend columns)
        self.closed = False

    def _concat(self, part: Callable[[SegmentArrays], np.ndarray], dtype: type) -> np.ndarray:
        parts = [np.asarray(part(a)) for a, _ in self.segments]
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

    def _column(self, name: str) -> Column:
        """A column with global value ids: each segment's ids mapped through its value table."""
        values: list[str] = []
        ids: dict[str, int] = {}
        parts = []
        for arrays, _ in self.segments:
            local = arrays.values[name]
            remap = np.array([ids.setdefault(v, len(ids)) for v in local] + [-1], dtype=np.int32)
            parts.append(remap[np.asarray(arrays.columns[name])])  # -1 (no value) indexes the final -1
        values = list(ids)
        of = np.concatenate(parts) if parts else EMPTY
        return Column(of=of, values=values, ids=ids)

    def _years(self) -> Years:
        docs = [np.asarray(a.year_docs, dtype=np.int32) + np.int32(b) for a, b in self.segments]
        years = [np.asarray(a.year_values, dtype=np.int16) for a, _ in self.segments]
        d = np.concatenate(docs) if docs else EMPTY
        y = np.concatenate(years) if years else np.zeros(0, dtype=np.int16)
        values, index = np.unique(y, return_inverse=True)
        return Years(docs=d, years=y, values=[int(v) for v in values], index=index.reshape(-1).astype(np.int32))

    def _years_by_report(self) -> np.ndarray | None:
        """report value × year incidence, when every paragraph covers exactly its report's years (always,
        for builds of this project: years belong to the report); None otherwise."""
        reports = self.columns["report"]
        nyears = len(self.years.values)
        incidence = np.zeros((len(reports.values) + 1, nyears), dtype=np.int64)  # the last row: no report
        if not nyears:
            return incidence
        of = reports.of[self.years.docs]
        incidence[of, self.years.index] = 1
        per_doc = np.bincount(self.years.docs, minlength=self.size)
        if not np.array_equal(per_doc, incidence.sum(axis=1)[reports.of]):
            return None
        return incidence

    # ------------------------------------------------------------------ documents

    def stored(self, docnum: int) -> dict:
        """The stored fields of one document."""
        reader = self._reader
        if reader is None:
            with self._lock:
                if self._reader is None:
                    self._reader = self.index.reader()
                reader = self._reader
        return reader.stored_fields(docnum)

    def stored_many(self, docnums: Iterator[int] | list[int]) -> list[dict]:
        """The stored fields of several documents, in the order given."""
        return [self.stored(d) for d in docnums]

    def order(self) -> np.ndarray:
        """Each docnum's rank in corpus order (build.json's report list, then position); made once."""
        if self._order is None:
            with self._lock:
                if self._order is None:
                    self._order = self._corpus_order()
        return self._order

    def _corpus_order(self) -> np.ndarray:
        """Why build.json and not the stored seq: an incremental build keeps older segments' seq numbers,
        while build.json lists the reports in corpus order, so every build orders as a full build would."""
        reports = self.columns["report"]
        rank_of_value = np.full(len(reports.values) + 1, len(self.meta.get("reports", [])), dtype=np.int64)
        for n, r in enumerate(self.meta.get("reports", [])):
            i = reports.ids.get(r.get("id"))
            if i is not None:
                rank_of_value[i] = n
        key = rank_of_value[reports.of] * (1 << 32) + self.position.astype(np.int64)
        order = np.argsort(key, kind="stable")
        ranks = np.empty(self.size, dtype=np.int64)
        ranks[order] = np.arange(self.size, dtype=np.int64)
        return ranks

    def words(self, text: str) -> list[str]:
        """The index's own word segmentation of a chunk (normalised, punctuation dropped), each word once."""
        return list(dict.fromkeys(w for w, _, _ in self.spans(normalize(text))))

    def close(self) -> None:
        """Close the stored-fields reader (the OpenIndex calls this when the build is retired)."""
        self.closed = True
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def word_tokenizer(open_index: OpenIndex) -> JiebaTokenizer:
    """The build's word tokenizer (its schema's, with the user dictionary it was built with)."""
    tokenizer = open_index.index.schema["text"].analyzer.items[0]
    assert isinstance(tokenizer, JiebaTokenizer)
    return tokenizer


def warm_process(open_index: OpenIndex) -> None:
    """Make in this process what every process serving the build makes on its first queries and keeps: the build's
    word cut (rjieba's dictionary, ≈ 50 MB), the folding table and the traditional/simplified converters. A server
    calls it before forking its workers, which then share these pages instead of each making its own copy."""
    word_tokenizer(open_index).query_spans(open_index.meta.get("segmenter"))
    prepare_queries()
    to_simplified("法")
    to_traditional("法")


def context(open_index: OpenIndex) -> BuildContext:
    """The build's BuildContext, made on first use and kept in the OpenIndex's slot (call inside hold())."""
    return open_index.slot(CONTEXT_SLOT, lambda: BuildContext(open_index))
