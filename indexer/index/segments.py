"""Segment writing: Whoosh's segment files for the stored documents and ID terms, posting arrays for the rest.

Why not Whoosh's SegmentWriter: it spends most of a reindex outside jieba — a Token object per token per
field, a PostingPool pickling every posting to temporary run files for an external sort, a column lookup
for the field length of every posting. Here:

- the full-text fields (``text``, ``section``, ``lead``: jieba words; ``text_bi``: bigrams) are indexed
  into the posting arrays (indexer/index/postings.py, indexer/index/arrays.py): one jieba pass per
  paragraph for ``text`` (``lead`` is taken from it when the lead is a prefix that segments alike, see
  analysis.prefix_cuts_alike), a per-writer cache for values that repeat (section headings), and the
  postings, positions and lengths computed as whole-array operations when the segment is finished;
- the facet columns (institution, theme, report, position, years) go into the arrays as well;
- the ID fields (``id``, ``report``) go through Whoosh's own ``field.index`` and its W3 postings writer,
  and every stored field into Whoosh's stored-fields column, exactly as Whoosh writes them.

``write_segments`` runs such writers in `procs` processes over contiguous slices of the documents
(forked, so the loaded jieba and the parsed reports are shared, nothing is pickled but the finished
segments' descriptors), each process starting a new segment whenever its text reaches ``limitmb``'s
budget, and commits all segments, in document order, as one index generation.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from indexer.analysis import BigramTokenizer, JiebaTokenizer, normalize, prefix_cuts_alike
from indexer.forking import WorkerError, fork_map
from indexer.index.arrays import COLUMNS, SegmentArraysWriter
from indexer.index.postings import BigramTokens, WordTokens
from indexer.index.schema import ArrayText
from indexer.index.whoosh_compat import (
    SegmentWriter,
    commit_segments,
    finalize_segment,
    use_stored_compressor,
    write_field_postings,
)

WORDS, BIGRAMS = "words", "bigrams"
_CACHE_LIMIT = 8192  # distinct cached field values (section headings, ids, numbers) per writer


class SegmentBuildError(Exception):
    """A worker process failed to write its segment."""


class Alongside(Protocol):
    """Work each writer also does over its slice of the documents once its segments are written (a build's
    figures: indexer/figures/store.FigureWriter): it needs no processes of its own, no second fork of the
    parent's memory, and reads the documents' paragraphs the writer has already touched."""

    def run(self, lo: int, hi: int) -> object:
        """In the writer process, for its documents lo…hi-1; the result is pickled to the parent."""

    def collect(self, results: list) -> None:
        """In the parent: every writer's result, in document order."""


def _array_kind(field) -> str | None:  # noqa: ANN001 - a whoosh FieldType
    """WORDS / BIGRAMS for a field indexed in the posting arrays, else None (Whoosh indexes or stores it)."""
    if not isinstance(field, ArrayText):
        return None
    tokenizer = field.analyzer.items[0]
    if isinstance(tokenizer, JiebaTokenizer):
        return WORDS
    if isinstance(tokenizer, BigramTokenizer):
        return BIGRAMS
    raise SegmentBuildError(f"no array writer for the tokenizer {tokenizer!r}")


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter that stores documents and the ID fields in Whoosh's segment and indexes the
    full-text fields into posting arrays (indexer/index/postings.py) beside it."""

    def __init__(self, ix, **kwargs: object) -> None:  # noqa: ANN001 - a whoosh Index; kwargs are SegmentWriter's
        super().__init__(ix, **kwargs)
        self._postings: dict[str, dict[bytes | str, list[tuple[int, float, bytes, int]]]] = {}  # Whoosh's ID fields
        self._kinds = {name: _array_kind(field) for name, field in self.schema.items()}
        self._tokens: dict[str, WordTokens | BigramTokens] = {
            name: WordTokens() if kind == WORDS else BigramTokens() for name, kind in self._kinds.items() if kind}
        self._cache: dict[tuple[str, object], list] = {}
        self._jieba_blocks: dict[str, list[str]] = {}  # blocks jieba itself cut here: kept with the segment
        self._cutters: dict[tuple[str, str], Callable[[str], list[tuple[str, int, int]]]] = {}
        self._values: dict[str, dict[str, int]] = {name: {} for name in COLUMNS}
        self._value_ids = {name: array("i") for name in COLUMNS}
        self._positions = array("i")
        self._year_docs = array("i")
        self._year_values = array("h")
        use_stored_compressor(self.perdocwriter)  # stored fields: same zlib format, cheaper set-up per document

    @staticmethod
    def _normal(value: str, folded: dict[str, str]) -> str:
        """normalize(value), once per document: text, its bigrams and its lead's check share one folding."""
        got = folded.get(value)
        if got is None:
            got = folded[value] = normalize(value)
        return got

    def _index_spans(self, name: str, norm: str) -> list[tuple[str, int, int]]:
        """The field's tokenizer's index_spans, noting the blocks jieba cut (JiebaTokenizer.index_cutter)."""
        tokenizer = self.schema[name].analyzer.items[0]
        same = (tokenizer.dictionary, tokenizer.fingerprint)  # text, section and lead cut alike: one cutter for them
        cutter = self._cutters.get(same)
        if cutter is None:
            cutter = self._cutters[same] = tokenizer.index_cutter(self._jieba_blocks)
        return cutter(norm)

    def _word_terms(self, name: str, value: str, doc_spans: dict, folded: dict[str, str]) -> list[str]:
        spans = doc_spans.get(value)
        if spans is not None:
            return [w for w, _, _ in spans]
        # Values that repeat across paragraphs (section headings) are segmented once.
        key = (name, value)
        terms = self._cache.get(key)
        if terms is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            terms = self._cache[key] = [w for w, _, _ in self._index_spans(name, self._normal(value, folded))]
        return terms

    def _columns(self, fields: dict) -> None:
        for name in COLUMNS:
            value = str(fields.get(name) or "")
            table = self._values[name]
            self._value_ids[name].append(table.setdefault(value, len(table)) if value else -1)  # -1: no value
        self._positions.append(int(fields.get("position") or 0))
        for y in str(fields.get("years") or "").split():
            if y.isdigit():
                self._year_docs.append(self.docnum)
                self._year_values.append(int(y))

    def add_document(self, **fields: object) -> None:
        """Add one document (stored fields and ID terms as SegmentWriter.add_document; no boosts or vectors)."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        perdoc = self.perdocwriter
        names = sorted(fields)
        if any(name.startswith("_") for name in names):
            raise ValueError("FastSegmentWriter does not support boosts or custom stored values")
        self._check_fields(schema, names)
        # One jieba pass over the paragraph text; a lead that is a prefix cut alike reuses its first words.
        doc_spans: dict[str, list[tuple[str, int, int]]] = {}
        folded: dict[str, str] = {}
        text = fields.get("text")
        if isinstance(text, str) and self._kinds.get("text") == WORDS:
            spans = doc_spans[text] = self._index_spans("text", self._normal(text, folded))
            lead = fields.get("lead")
            if (isinstance(lead, str) and lead and self._kinds.get("lead") == WORDS and text.startswith(lead)
                    and prefix_cuts_alike(self._normal(text, folded), len(lead))):
                doc_spans[lead] = [s for s in spans if s[2] <= len(lead)]
        perdoc.start_doc(docnum)
        for name, tokens in self._tokens.items():  # every document gets a (maybe empty) entry in every field
            value = fields.get(name)
            text_value = value if isinstance(value, str) else ""
            if isinstance(tokens, WordTokens):
                tokens.add(self._word_terms(name, text_value, doc_spans, folded) if text_value else [])
            else:
                tokens.add(self._normal(text_value, folded) if text_value else "")
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            if field.indexed:
                # Whoosh's own field.index (the ID fields): cached, since report ids repeat across paragraphs
                key = (name, value)
                items = self._cache.get(key)
                if items is None:
                    if len(self._cache) >= _CACHE_LIMIT:
                        self._cache.clear()
                    items = self._cache[key] = list(field.index(value))
                postings = self._postings.setdefault(name, {})
                for term, _freq, weight, vbytes in items:
                    known = postings.get(term)
                    if known is None:
                        postings[term] = [(docnum, weight, vbytes, 0)]
                    else:
                        known.append((docnum, weight, vbytes, 0))
            perdoc.add_field(name, field, value if field.stored else None, 0)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self._columns(fields)
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        write_field_postings(self.codec, self.fieldwriter, self.schema, self._postings)
        folder = Path(self.storage.folder)
        segment = self.newsegment.segment_id()
        totals = {}
        arrays = SegmentArraysWriter(folder, segment)
        try:
            for name, tokens in self._tokens.items():
                postings = tokens.finish()
                arrays.field(name, postings)
                totals[name] = postings.total_length
                del postings  # one field's postings alive at a time
            arrays.columns(
                self.docnum, {k: list(v) for k, v in self._values.items()},
                {k: np.frombuffer(v, dtype=np.int32) for k, v in self._value_ids.items()},
                np.frombuffer(self._positions, dtype=np.int32), np.frombuffer(self._year_docs, dtype=np.int32),
                np.frombuffer(self._year_values, dtype=np.int16), totals, self._jieba_blocks,
            )
        finally:
            arrays.close()
        self._postings = {}


def _split(sizes: Sequence[int], parts: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) ranges of the items, `parts` of them, with about equal total size."""
    total = sum(sizes)
    bounds: list[tuple[int, int]] = []
    acc, start = 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if len(bounds) < parts - 1 and acc >= total * (len(bounds) + 1) / parts:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(sizes)))
    return [b for b in bounds if b[1] > b[0]] or [(0, 0)]


# Memory a writer takes per character of paragraph text, at its peak (finishing a segment's posting
# arrays: code points, bigram keys, docnums, positions and the sort's index, ~8 bytes each, a few of each
# alive at once). A process starts a new segment before it would outgrow limitmb, so memory stays
# bounded at any corpus size.
_BYTES_PER_CHAR = 128


def write_segments(
    index,  # noqa: ANN001 - a whoosh FileIndex, freshly created and empty
    docs: Sequence[dict],
    *,
    procs: int = 1,
    weight: Callable[[dict], int] = lambda doc: len(doc.get("text") or ""),
    limitmb: int = 1024,
    on_started: Callable[[], None] = lambda: None,
    on_docs: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
    alongside: Alongside | None = None,
) -> int:
    """Write docs into the empty index, in order, and commit; returns the count.

    procs processes (forked when > 1; they share the parent's memory: parsed reports, loaded jieba) each
    take a contiguous slice and write it as one segment per ~limitmb of postings; each reports its
    segment descriptors through a pipe, then waits until the parent has read every result (so workers
    live exactly as long as the writing phase); the parent commits all segments as one generation.
    on_started is called once writing is under way (in the parent, with the workers running);
    on_docs(n) after every n documents written, in the process that wrote them (progress display);
    alongside: more work each writer does over its documents (see Alongside).
    """
    segments = write_new_segments(index, docs, procs=procs, weight=weight, limitmb=limitmb,
                                  on_started=on_started, on_docs=on_docs, weights=weights, alongside=alongside)
    commit_new(index, segments)
    return sum(s.doc_count_all() for s in segments)


def write_new_segments(
    index,  # noqa: ANN001 - a whoosh FileIndex
    docs: Sequence[dict],
    *,
    procs: int = 1,
    weight: Callable[[dict], int] = lambda doc: len(doc.get("text") or ""),
    limitmb: int = 1024,
    on_started: Callable[[], None] = lambda: None,
    on_docs: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
    alongside: Alongside | None = None,
) -> list:
    """Write docs as new segments of index, in order, without committing them (see write_segments).

    docs may be a lazy sequence (build.DocumentSequence): only one segment's documents are made at a
    time, in the process writing them; weights (each document's text length) then come precomputed."""
    weights = [weight(d) for d in docs] if weights is None else weights
    for field in index.schema:
        if _array_kind(field) == WORDS:
            field.analyzer.items[0].warm_index()  # once here, not once per forked writer
    budget = max(1, limitmb * 2**20 // _BYTES_PER_CHAR)
    ranges = _split(weights, max(1, procs))
    if len(ranges) == 1:
        on_started()
        segments = _write_range(index, docs, weights, (0, len(docs)), budget, on_docs)
        if alongside is not None:
            alongside.collect([alongside.run(0, len(docs))])
        return segments
    return _write_forked(index, docs, weights, budget, ranges, on_started, on_docs, alongside)


def _write_range(index, docs: Sequence[dict], weights: Sequence[int], bounds: tuple[int, int], budget: int,  # noqa: ANN001
                 on_docs: Callable[[int], None] | None = None) -> list:
    """Segments for docs[lo:hi] in order, each at most ~budget characters of text and all about the same
    size (no small tail segment: every segment costs each query a term lookup)."""
    lo, hi = bounds
    mine = weights[lo:hi]
    parts = max(1, -(-sum(mine) // max(1, budget)))
    segments = []
    for start, end in _split(mine, parts):
        if end > start:
            writer = _write_one(index, docs[lo + start : lo + end], on_docs)
            segments.append(finalize_segment(writer))
    return segments


def commit_new(index, segments: list) -> None:  # noqa: ANN001
    """Commit exactly `segments` (in docnum order) as the index's next generation; other segment files go."""
    names = [s.segment_id() for s in segments]
    if len(set(names)) != len(names):
        raise SegmentBuildError(f"writer processes produced clashing segment names {names}")
    commit_segments(index, segments)


_PROGRESS_EVERY = 256  # documents between on_docs calls


def _write_one(index, docs: Sequence[dict], on_docs: Callable[[int], None] | None = None):  # noqa: ANN001, ANN202
    # No cancel() on failure: it deletes the temp folder other workers still write to; the caller
    # removes the whole build directory when writing fails.
    writer = FastSegmentWriter(index, _lk=False)
    for n, doc in enumerate(docs, 1):
        writer.add_document(**doc)
        if on_docs is not None and n % _PROGRESS_EVERY == 0:
            on_docs(_PROGRESS_EVERY)
    if on_docs is not None and len(docs) % _PROGRESS_EVERY:
        on_docs(len(docs) % _PROGRESS_EVERY)
    return writer


def _write_forked(index, docs: Sequence[dict], weights: Sequence[int], budget: int,  # noqa: ANN001
                  ranges: list[tuple[int, int]], on_started: Callable[[], None],
                  on_docs: Callable[[int], None] | None = None, alongside: Alongside | None = None) -> list:
    def write(bounds: tuple[int, int]) -> tuple[list, object]:
        segments = _write_range(index, docs, weights, bounds, budget, on_docs)
        return segments, alongside.run(*bounds) if alongside is not None else None

    try:
        results = fork_map(write, ranges, while_running=on_started, hold_until_read=True)
    except WorkerError as e:
        raise SegmentBuildError(str(e)) from e
    if alongside is not None:
        alongside.collect([extra for _, extra in results])
    return [segment for segments, _ in results for segment in segments]
