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
import struct
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from operator import sub
from pickle import dumps

from whoosh.analysis import CompositeAnalyzer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.formats import Positions
from whoosh.index import TOC, clean_files
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.analysis import (
    BigramTokenizer,
    JiebaTokenizer,
    bigram_terms,
    normalize,
    prefix_cuts_alike,
)
from indexer.forking import WorkerError, fork_map

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

    def __init__(self, ix, **kwargs) -> None:  # noqa: ANN001 - a whoosh Index
        super().__init__(ix, **kwargs)
        self._postings: dict[str, dict[bytes, list[tuple[int, float, bytes, int]]]] = {}
        self._kinds = {name: _fast_kind(field) for name, field in self.schema.items()}
        self._cache: dict[tuple[str, str], list] = {}
        self._single: dict[int, bytes] = {}
        stored = getattr(self.perdocwriter, "_colwriters", {}).get("_stored")
        if hasattr(getattr(stored, "_child", None), "_compress"):
            stored._child._compress = _deflate  # stored fields: same zlib format, cheaper set-up per document

    def _word_spans(self, field, value: str) -> list[tuple[str, int, int]]:  # noqa: ANN001
        return field.analyzer.items[0].spans(normalize(value))

    def _terms(self, name: str, field, value: str, doc_spans: dict) -> list[str]:  # noqa: ANN001
        """The token texts of a value of one of our TEXT fields, in position order."""
        if self._kinds[name] == BIGRAMS:
            return bigram_terms(normalize(value))
        spans = doc_spans.get(value)
        if spans is None:
            spans = self._word_spans(field, value)
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
        text = fields.get("text")
        if isinstance(text, str) and self._kinds.get("text") == WORDS:
            spans = doc_spans[text] = self._word_spans(schema["text"], text)
            lead = fields.get("lead")
            if (isinstance(lead, str) and lead and self._kinds.get("lead") == WORDS and text.startswith(lead)
                    and prefix_cuts_alike(normalize(text), len(lead))):
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
                            terms = self._cache[key] = self._terms(name, field, value, doc_spans)
                    else:
                        terms = self._terms(name, field, value, doc_spans)
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
        fw = self.fieldwriter
        blocklimit = self.codec._blocklimit
        posts = _Appender(fw._postfile)
        terms_out = _TermTable(fw._tindex)
        for name in sorted(self._postings):
            terms = self._postings[name]
            fw.start_field(name, self.schema[name])
            prefix = pack_ushort(fw._fieldid)
            fixed = self.schema[name].format.fixed_value_size()
            for term in sorted(terms):
                tbytes = term if isinstance(term, bytes) else term.encode("utf-8")
                terms_out.add(prefix + tbytes, _write_postings(posts, terms[term], blocklimit, fixed))
            fw.finish_field()
        posts.flush()
        terms_out.flush()
        self._postings = {}
        fw.close()


class _Appender:
    """Buffered appends to a Whoosh StructFile with the offset tracked here (its tell() is a syscall)."""

    def __init__(self, dbfile) -> None:  # noqa: ANN001 - a whoosh StructFile
        self.dbfile = dbfile
        self.pos = dbfile.tell()
        self.parts: list[bytes] = []
        self.pending = 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.pos += len(data)
        self.pending += len(data)
        if self.pending >= 1 << 20:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.dbfile.write(b"".join(self.parts))
            self.parts, self.pending = [], 0


class _TermTable(_Appender):
    """OrderedHashWriter.add (the term index), with the file offset tracked instead of asked for."""

    def __init__(self, writer) -> None:  # noqa: ANN001 - a whoosh OrderedHashWriter
        super().__init__(writer.dbfile)
        self.writer = writer

    def add(self, key: bytes, value: bytes) -> None:
        writer = self.writer
        if key <= writer.lastkey:
            raise ValueError(f"Keys must increase: {writer.lastkey!r}..{key!r}")
        pos = self.pos
        writer.index.append(pos)
        self.write(_LENGTHS.pack(len(key), len(value)) + key + value)
        h = writer.hashfn(key)
        writer.buckets[h & 255].append((h, pos))
        writer.lastkey = key


# Blocks smaller than this are stored uncompressed (the block header says so; readers honour it): zlib
# costs more time than it saves bytes on the tiny posting lists most bigram and rare-word terms have.
_COMPRESS_MIN_BYTES = 1024
_COMPRESS_LEVEL = 3  # Whoosh's default (level 1 measured no faster here)


def _deflate(data: bytes, level: int) -> bytes:
    """zlib.compress(data, level) with an 8 KB window and less hash memory: any zlib.decompress reads it.

    Why: zlib.compress sets up 256 KB of state per call, ~70 µs — more than compressing a 1 KB posting
    block or paragraph takes; these settings halve that at the same output size for such small inputs.
    """
    compressor = zlib.compressobj(level, zlib.DEFLATED, 13, 4)
    return compressor.compress(data) + compressor.flush()
_TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo._struct
_LENGTHS = struct.Struct("!ii")  # filetables._lengths


def _write_postings(postfile: _Appender, postings: list[tuple[int, float, bytes, int]], blocklimit: int,
                    fixed: int | None) -> bytes:
    """Write one term's posting list as W3 blocks (W3PostingsWriter's format); returns its W3TermInfo bytes."""
    start = postfile.pos
    if len(postings) == 1:  # most terms (rare bigrams and words): one block of one posting
        doc, weight, value, length = postings[0]
        if weight != 1.0:
            weight = array("f", (weight,))[0]
        if fixed is None or fixed < 0:
            mini_values = (value,) if value else ()
        else:
            mini_values = None if fixed == 0 else value
        data = dumps(((doc,), None if weight == 1.0 else weight, mini_values), 2)
        lbyte = length_to_byte(length or None)
        bweight = max(0, weight)
        info = dumps((1, doc, bweight, 0, lbyte, lbyte), 2)
        postfile.write(WHOOSH3_HEADER_MAGIC + pack_int(-(len(info) + len(data))) + info + data)
        return (_TERMINFO.pack(False, weight, 1, lbyte, lbyte, bweight, doc, doc)
                + pack_long(start) + pack_int(postfile.pos - start))
    postfile.write(WHOOSH3_HEADER_MAGIC)
    total_weight = 0.0
    minlength: int | None = None
    maxlength = 0
    maxweight: float = 0
    n = len(postings)
    for first in range(0, n, blocklimit):
        block = postings[first : first + blocklimit] if n > blocklimit else postings
        docs, weights, values, lengths = zip(*block)
        w32 = array("f", weights)
        count = len(docs)
        total_weight += sum(w32)
        deltas = tuple(map(sub, docs, (0, *docs[:-1])))  # delta_encode, from 0 in every block
        if w32.count(1.0) == count:
            mini_weights = None
        elif w32.count(w32[0]) == count:
            mini_weights = w32[0]
        else:
            mini_weights = tuple(w32)
        if fixed is None or fixed < 0:
            mini_values = values if all(values) else tuple(v for v in values if v)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(values)
        data = dumps((deltas, mini_weights, mini_values), 2)
        comp = 0
        if len(data) >= _COMPRESS_MIN_BYTES:
            comp = _COMPRESS_LEVEL
            data = _deflate(data, comp)
        positive = lengths if all(lengths) else [x for x in lengths if x]
        bmin = min(positive) if positive else None
        bmax = max(positive) if positive else 0
        bweight = max(0, max(weights))
        info = dumps((len(docs), docs[-1], bweight, comp, length_to_byte(bmin), length_to_byte(bmax)), 2)
        size = len(info) + len(data)
        postfile.write(pack_int(-size if first + blocklimit >= n else size) + info + data)
        if minlength is None:
            minlength = bmin
        elif bmin is not None:
            minlength = min(minlength, bmin)
        maxlength = max(maxlength, bmax)
        maxweight = max(maxweight, bweight)
    head = _TERMINFO.pack(False, total_weight, n, 0 if minlength is None else length_to_byte(minlength),
                          length_to_byte(maxlength), maxweight, postings[0][0], postings[-1][0])
    return head + pack_long(start) + pack_int(postfile.pos - start)


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
) -> int:
    """Write docs into the empty index, in order, and commit; returns the count.

    procs processes (forked when > 1; they share the parent's memory: parsed reports, loaded jieba) each
    take a contiguous slice and write it as one segment per ~limitmb of postings; each reports its
    segment descriptors through a pipe, then waits until the parent has read every result (so workers
    live exactly as long as the writing phase); the parent commits all segments as one generation.
    on_started is called once writing is under way (in the parent, with the workers running).
    """
    weights = [weight(d) for d in docs]
    budget = max(1, limitmb * 2**20 // _BYTES_PER_CHAR)
    ranges = _split(weights, max(1, procs))
    if len(ranges) == 1:
        on_started()
        segments = _write_range(index, docs, weights, budget)
    else:
        segments = _write_forked(index, docs, weights, budget, ranges, on_started)
    _commit(index, segments)
    return sum(s.doc_count_all() for s in segments)


def _write_range(index, docs: Sequence[dict], weights: Sequence[int], budget: int) -> list:  # noqa: ANN001
    """Segments for docs in order, a new one whenever the text written reaches budget characters."""
    segments = []
    start = 0
    while start < len(docs):
        end, total = start, 0
        while end < len(docs) and (end == start or total + weights[end] <= budget):
            total += weights[end]
            end += 1
        writer = _write_one(index, docs[start:end])
        segments.append(writer._finalize_segment())
        start = end
    return segments


def _commit(index, segments: list) -> None:  # noqa: ANN001
    names = [s.segment_id() for s in segments]
    if len(set(names)) != len(names):
        raise SegmentBuildError(f"writer processes produced clashing segment names {names}")
    storage = index.storage
    generation = index.latest_generation() + 1
    TOC(index.schema, segments, generation).write(storage, index.indexname)
    clean_files(storage, index.indexname, generation, segments)
    storage.temp_storage(f"{index.indexname}.tmp").destroy()


def _write_one(index, docs: Sequence[dict]):  # noqa: ANN001, ANN202 - whoosh objects
    # No cancel() on failure: it deletes the temp folder other workers still write to; the caller
    # removes the whole build directory when writing fails.
    writer = FastSegmentWriter(index, _lk=False)
    for doc in docs:
        writer.add_document(**doc)
    return writer


def _write_forked(index, docs: Sequence[dict], weights: Sequence[int], budget: int,  # noqa: ANN001
                  ranges: list[tuple[int, int]], on_started: Callable[[], None]) -> list:
    def write(bounds: tuple[int, int]) -> list:
        start, end = bounds
        return _write_range(index, docs[start:end], weights[start:end], budget)

    try:
        results = fork_map(write, ranges, while_running=on_started, hold_until_read=True)
    except WorkerError as e:
        raise SegmentBuildError(str(e)) from e
    return [segment for result in results for segment in result]
