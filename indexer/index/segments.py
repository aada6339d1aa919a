"""Fast segment writing: the same Whoosh segment files, without Whoosh's per-token and per-posting machinery.

Why: profiling a reindex showed Whoosh's SegmentWriter spending most of its time outside jieba — a Token
object per token per field, the PostingPool pickling every posting to temporary run files and back for
an external sort, and a column lookup (with a stat() call) for the field length of every posting.
This writer produces the same segment (same codec, same posting values, byte for byte):

- our TEXT fields are indexed from plain lists: one jieba pass per paragraph for ``text`` (``lead`` is
  taken from it when the lead is a prefix that segments alike, see analysis.prefix_cuts_alike), bigrams
  by string slicing for ``text_bi``, and a per-writer cache for values that repeat (section headings);
- postings are collected in memory per field and term (documents arrive in order, so each posting list
  is already sorted) and written block by block straight into Whoosh's W3 postings writer;
- other fields (ID, KEYWORD, NUMERIC, STORED) go through Whoosh's own ``field.index``.

``write_segments`` runs such writers in `procs` processes over contiguous slices of the documents
(forked, so the loaded jieba and the parsed reports are shared, nothing is pickled but the finished
segments' descriptors), each process starting a new segment whenever its in-memory postings reach
``limitmb``, and commits all segments, in document order, as one index generation.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from pickle import dumps

from whoosh.analysis import CompositeAnalyzer

from indexer.analysis import (
    BigramTokenizer,
    JiebaTokenizer,
    bigram_terms,
    normalize,
    prefix_cuts_alike,
)
from indexer.forking import WorkerError, fork_map
from indexer.index.arrays import write_arrays
from indexer.index.whoosh_compat import (
    Positions,
    SegmentWriter,
    byte_to_length,
    commit_segments,
    finalize_segment,
    length_to_byte,
    pack_uint,
    use_stored_compressor,
    write_field_postings,
)

WORDS, BIGRAMS = "words", "bigrams"
_CACHE_LIMIT = 8192  # distinct cached field values (section headings, ids, numbers) per writer


class SegmentBuildError(Exception):
    """A worker process failed to write its segment."""


def _fast_kind(field) -> str | None:  # noqa: ANN001 - a whoosh FieldType
    """WORDS / BIGRAMS for a positions TEXT field on one of our tokenizers, else None (Whoosh indexes it)."""
    analyzer = getattr(field, "analyzer", None)
    fmt = getattr(field, "format", None)
    if not isinstance(analyzer, CompositeAnalyzer) or len(analyzer.items) != 1:
        return None
    if type(fmt) is not Positions or fmt.field_boost != 1.0 or field.vector or field.separate_spelling():
        return None
    tokenizer = analyzer.items[0]
    if isinstance(tokenizer, JiebaTokenizer):
        return WORDS
    if isinstance(tokenizer, BigramTokenizer):
        return BIGRAMS
    return None


@functools.lru_cache(maxsize=4096)
def _stored_length(length: int) -> int:
    """The field length a posting carries: what Whoosh reads back from the (byte-quantised) lengths column."""
    return byte_to_length(length_to_byte(length)) if length else 0


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter that indexes our analyzers' fields directly and keeps postings in memory."""

    def __init__(self, ix, **kwargs: object) -> None:  # noqa: ANN001 - a whoosh Index; kwargs are SegmentWriter's
        super().__init__(ix, **kwargs)
        self._postings: dict[str, dict[bytes, list[tuple[int, float, bytes, int]]]] = {}
        self._kinds = {name: _fast_kind(field) for name, field in self.schema.items()}
        self._cache: dict[tuple[str, str], list] = {}
        self._single: dict[int, bytes] = {}
        use_stored_compressor(self.perdocwriter)  # stored fields: same zlib format, cheaper set-up per document

    @staticmethod
    def _normal(value: str, folded: dict[str, str]) -> str:
        """normalize(value), once per document: text, its bigrams and its lead's check share one folding."""
        got = folded.get(value)
        if got is None:
            got = folded[value] = normalize(value)
        return got

    def _word_spans(self, field, value: str, folded: dict[str, str]) -> list[tuple[str, int, int]]:  # noqa: ANN001
        return field.analyzer.items[0].index_spans(self._normal(value, folded))

    def _terms(self, name: str, field, value: str, doc_spans: dict, folded: dict[str, str]) -> list[str]:  # noqa: ANN001
        """The token texts of a value of one of our TEXT fields, in position order."""
        if self._kinds[name] == BIGRAMS:
            return bigram_terms(self._normal(value, folded))
        spans = doc_spans.get(value)
        if spans is None:
            spans = self._word_spans(field, value, folded)
        return [w for w, _, _ in spans]

    def _add_positions(self, name: str, terms: list[str], docnum: int) -> int:
        """Post each distinct term of one field value (Positions format) for docnum; returns the token count."""
        n = len(terms)
        stored_length = _stored_length(n)
        postings = self._postings.get(name)
        if postings is None:
            postings = self._postings[name] = {}
        get = postings.get
        last = dict(zip(terms, range(n)))  # C-level; a term's LAST position
        if len(last) != n:  # some terms repeat: collect their positions (few)
            repeated: dict[str, list[int]] = {t: [] for t, k in Counter(terms).items() if k > 1}
            for pos, term in enumerate(terms):
                plist = repeated.get(term)
                if plist is not None:
                    plist.append(pos)
            for term, plist in repeated.items():
                del last[term]
                deltas = [plist[0]] + [b - a for a, b in zip(plist, plist[1:])]
                posting = (docnum, float(len(plist)), pack_uint(len(deltas)) + dumps(deltas, 2), stored_length)
                known = get(term)
                if known is None:
                    postings[term] = [posting]
                else:
                    known.append(posting)
        single = self._single
        single_get = single.get
        for term, pos in last.items():
            value = single_get(pos)
            if value is None:
                value = single[pos] = pack_uint(1) + dumps([pos], 2)
            known = get(term)
            if known is None:
                postings[term] = [(docnum, 1.0, value, stored_length)]
            else:
                known.append((docnum, 1.0, value, stored_length))
        return n

    def add_document(self, **fields: object) -> None:
        """Add one document (same result as SegmentWriter.add_document; no boosts, vectors or spelling)."""
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
            spans = doc_spans[text] = self._word_spans(schema["text"], text, folded)
            lead = fields.get("lead")
            if (isinstance(lead, str) and lead and self._kinds.get("lead") == WORDS and text.startswith(lead)
                    and prefix_cuts_alike(self._normal(text, folded), len(lead))):
                doc_spans[lead] = [s for s in spans if s[2] <= len(lead)]
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                kind = self._kinds[name]
                if kind is not None:
                    if kind == WORDS and value not in doc_spans:
                        # Values that repeat across paragraphs (section headings) are segmented once.
                        key = (name, value)
                        terms = self._cache.get(key)
                        if terms is None:
                            if len(self._cache) >= _CACHE_LIMIT:
                                self._cache.clear()
                            terms = self._cache[key] = self._terms(name, field, value, doc_spans, folded)
                    else:
                        terms = self._terms(name, field, value, doc_spans, folded)
                    length = self._add_positions(name, terms, docnum)
                else:
                    # Whoosh's own field.index (ID, KEYWORD, NUMERIC): cached, since institution, report,
                    # theme, years and positions repeat across paragraphs.
                    key = (name, value)
                    items = self._cache.get(key)
                    if items is None:
                        if len(self._cache) >= _CACHE_LIMIT:
                            self._cache.clear()
                        items = self._cache[key] = list(field.index(value))
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    stored_length = _stored_length(length)
                    postings = self._postings.get(name)
                    if postings is None:
                        postings = self._postings[name] = {}
                    for term, _freq, weight, vbytes in items:
                        known = postings.get(term)
                        if known is None:
                            postings[term] = [(docnum, weight, vbytes, stored_length)]
                        else:
                            known.append((docnum, weight, vbytes, stored_length))
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        write_field_postings(self.codec, self.fieldwriter, self.schema, self._postings)
        # the same postings as numpy arrays beside the segment, for array-speed hit sets (index/arrays.py)
        write_arrays(Path(self.storage.folder), self.newsegment.segment_id(), self._postings)
        self._postings = {}


def _split(sizes: Sequence[int], parts: int) -> list[tuple[int, int]]:
    """Contiguous [start, end) ranges of the items, `parts` of them, with about equal total size."""
    total = sum(sizes)
    bounds, acc, start = [], 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if len(bounds) < parts - 1 and acc >= total * (len(bounds) + 1) / parts:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(sizes)))
    return [b for b in bounds if b[1] > b[0]] or [(0, 0)]


# Memory the in-memory postings take per character of paragraph text (measured: ~1.6 GB peak for a
# process writing 50,000 paragraphs, ~13.5 M characters). A process starts a new segment before its
# postings would outgrow limitmb, so memory stays bounded at any corpus size.
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
) -> int:
    """Write docs into the empty index, in order, and commit; returns the count.

    procs processes (forked when > 1; they share the parent's memory: parsed reports, loaded jieba) each
    take a contiguous slice and write it as one segment per ~limitmb of postings; each reports its
    segment descriptors through a pipe, then waits until the parent has read every result (so workers
    live exactly as long as the writing phase); the parent commits all segments as one generation.
    on_started is called once writing is under way (in the parent, with the workers running);
    on_docs(n) after every n documents written, in the process that wrote them (progress display).
    """
    segments = write_new_segments(index, docs, procs=procs, weight=weight, limitmb=limitmb,
                                  on_started=on_started, on_docs=on_docs)
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
) -> list:
    """Write docs as new segments of index, in order, without committing them (see write_segments)."""
    weights = [weight(d) for d in docs]
    for field in index.schema:
        if _fast_kind(field) == WORDS:
            field.analyzer.items[0].warm_index()  # once here, not once per forked writer
    budget = max(1, limitmb * 2**20 // _BYTES_PER_CHAR)
    ranges = _split(weights, max(1, procs))
    if len(ranges) == 1:
        on_started()
        return _write_range(index, docs, weights, budget, on_docs)
    return _write_forked(index, docs, weights, budget, ranges, on_started, on_docs)


def _write_range(index, docs: Sequence[dict], weights: Sequence[int], budget: int,  # noqa: ANN001
                 on_docs: Callable[[int], None] | None = None) -> list:
    """Segments for docs in order, a new one whenever the text written reaches budget characters."""
    segments = []
    start = 0
    while start < len(docs):
        end, total = start, 0
        while end < len(docs) and (end == start or total + weights[end] <= budget):
            total += weights[end]
            end += 1
        writer = _write_one(index, docs[start:end], on_docs)
        segments.append(finalize_segment(writer))
        start = end
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
                  on_docs: Callable[[int], None] | None = None) -> list:
    def write(bounds: tuple[int, int]) -> list:
        start, end = bounds
        return _write_range(index, docs[start:end], weights[start:end], budget, on_docs)

    try:
        results = fork_map(write, ranges, while_running=on_started, hold_until_read=True)
    except WorkerError as e:
        raise SegmentBuildError(str(e)) from e
    return [segment for result in results for segment in result]
