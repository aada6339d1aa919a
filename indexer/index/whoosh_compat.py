"""Every use of Whoosh internals, in one place, for exactly Whoosh 2.7.4 (checked at import).

What counts as *internal*: anything below Whoosh's documented API — the codec (`whoosh.codec.whoosh3`:
block and term-info layouts, the lengths column), `whoosh.matching` classes built by hand, `whoosh.system`
packers, `whoosh.util.numeric` length quantisation, `whoosh.formats`, `whoosh.writing.SegmentWriter`
(subclassed by indexer/index/segments.py), `whoosh.index.TOC` / `clean_files`, the BM25F weighting's
per-field parameters, and every private attribute (`obj._x`) of a Whoosh object. Those change without
notice between Whoosh versions, so the rest of the project imports them from here only, and this module
refuses to load on another version.

*Public* API may be used anywhere: `whoosh.fields`, `whoosh.query`, `whoosh.analysis` base classes,
`whoosh.index.create_in` / `open_dir`, searchers and readers through their documented methods
(`search`, `postings`, `lexicon`, `stored_fields`, `column_reader`, `leaf_searchers`…).

The one other place that knows Whoosh's insides is FastSegmentWriter (indexer/index/segments.py): it
subclasses SegmentWriter (imported from here, so the version check guards it) and fills the posting
lists of the ID fields that `write_field_postings` below writes in Whoosh 3's on-disk format, byte for
byte. Searching never reads Whoosh's postings (indexer/index/arrays.py): only stored fields, the TOC's
segments and their deletions, and the `id`/`report` terms that updates delete by.
"""

from __future__ import annotations

import mmap
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping
from operator import sub
from pickle import dumps
from typing import Any

import whoosh

REQUIRED_VERSION = (2, 7, 4)


def check_version(found: tuple) -> None:
    """ImportError unless found is REQUIRED_VERSION: the internals used below exist only there."""
    if tuple(found[:3]) != REQUIRED_VERSION:
        want = ".".join(map(str, REQUIRED_VERSION))
        got = ".".join(map(str, found))
        raise ImportError(
            f"reportsearch needs Whoosh {want} exactly (it uses Whoosh internals, see "
            f"indexer/index/whoosh_compat.py), but Whoosh {got} is installed: run `pip install Whoosh=={want}`"
        )


check_version(whoosh.__version__)  # before importing internals that may not exist elsewhere

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo  # noqa: E402
from whoosh.filedb import filetables  # noqa: E402
from whoosh.filedb.filestore import FileStorage  # noqa: E402
from whoosh.filedb.structfile import StructFile  # noqa: E402
from whoosh.index import TOC, clean_files  # noqa: E402
from whoosh.scoring import BM25F  # noqa: E402
from whoosh.system import pack_int, pack_long, pack_ushort  # noqa: E402
from whoosh.util.numeric import byte_to_length, length_to_byte  # noqa: E402
from whoosh.writing import SegmentWriter  # noqa: E402

__all__ = [
    "SegmentWriter", "bm25f_defaults", "byte_to_length", "check_version", "commit_segments", "deleted_docs",
    "finalize_segment", "length_to_byte", "open_mapped", "segment_id", "segment_reader", "toc_segments",
    "use_stored_compressor", "with_deletions", "write_field_postings",
]



# ---------------------------------------------------------------- reading (search/evaluation/context.py)


def segment_id(reader: object) -> str | None:
    """The id of the segment a leaf reader reads (names its files), or None for another kind of reader."""
    segment = getattr(reader, "segment", None)
    return segment().segment_id() if callable(segment) else None


def bm25f_defaults() -> tuple[float, float]:
    """(B, K1) of Whoosh's default weighting (BM25F()), which every search of a build scores with."""
    weighting = BM25F()
    return weighting.B, weighting.K1


def deleted_docs(segment: object) -> Iterable[int]:
    """The segment-local docnums a TOC's segment marks deleted."""
    return segment.deleted_docs()  # type: ignore[attr-defined]


# ---------------------------------------------------------------- writing (index/segments.py)


def use_stored_compressor(perdocwriter: object) -> None:
    """Compress stored fields with _deflate (same zlib format, cheaper set-up per document) when possible."""
    stored = getattr(perdocwriter, "_colwriters", {}).get("_stored")
    if hasattr(getattr(stored, "_child", None), "_compress"):
        stored._child._compress = _deflate  # type: ignore[union-attr]


def finalize_segment(writer: SegmentWriter) -> object:
    """Finish a writer's segment without committing it (the parent commits every segment at once)."""
    return writer._finalize_segment()


def commit_segments(index: object, segments: list) -> None:
    """Write segments as the index's next generation (its TOC) and remove the files no generation uses."""
    storage = index.storage  # type: ignore[attr-defined]
    generation = index.latest_generation() + 1  # type: ignore[attr-defined]
    TOC(index.schema, segments, generation).write(storage, index.indexname)  # type: ignore[attr-defined]
    clean_files(storage, index.indexname, generation, segments)  # type: ignore[attr-defined]
    storage.temp_storage(f"{index.indexname}.tmp").destroy()  # type: ignore[attr-defined]


def toc_segments(index: object) -> list:
    """The segments an index's current TOC lists, in docnum order (reads the TOC only, opens no segment)."""
    return list(index._segments())  # type: ignore[attr-defined]


def with_deletions(segment: object, docnums: Iterable[int]) -> object:
    """A copy of segment with docnums (segment-local) marked deleted: Whoosh keeps deletions in the TOC."""
    import copy

    segment = copy.deepcopy(segment)
    for docnum in docnums:
        segment.delete_document(docnum)  # type: ignore[attr-defined]
    return segment


def segment_reader(index: object, segment: object) -> Any:  # a whoosh SegmentReader (Whoosh ships no types)
    """A reader of one segment of index alone (segment-local docnums; its deletions honoured)."""
    from whoosh.reading import SegmentReader

    return SegmentReader(index.storage, index.schema, segment)  # type: ignore[attr-defined]


def write_field_postings(codec: object, fieldwriter: object, schema: object,
                         postings: Mapping[str, Mapping[bytes | str, list[tuple[int, float, bytes, int]]]]) -> None:
    """Write in-memory posting lists (field → term → [(docnum, weight, value, length)]) and close the writer."""
    fw = fieldwriter
    blocklimit = codec._blocklimit  # type: ignore[attr-defined]
    posts = PostingFile(fw._postfile)  # type: ignore[attr-defined]
    terms_out = _TermTable(fw._tindex)  # type: ignore[attr-defined]
    for name in sorted(postings):
        terms = postings[name]
        fw.start_field(name, schema[name])  # type: ignore[attr-defined, index]
        prefix = pack_ushort(fw._fieldid)  # type: ignore[attr-defined]
        fixed = schema[name].format.fixed_value_size()  # type: ignore[index]
        for term in sorted(terms):
            tbytes = term if isinstance(term, bytes) else term.encode("utf-8")
            terms_out.add(prefix + tbytes, _write_postings(posts, terms[term], blocklimit, fixed))
        fw.finish_field()  # type: ignore[attr-defined]
    posts.flush()
    terms_out.flush()
    fw.close()  # type: ignore[attr-defined]


class PostingFile:
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


class _TermTable(PostingFile):
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
_TERMINFO: struct.Struct = W3TermInfo._struct  # the term info layout
_LENGTHS: struct.Struct = filetables._lengths  # key and value lengths of a hash-table entry


def _write_postings(postfile: PostingFile, postings: list[tuple[int, float, bytes, int]], blocklimit: int,
                    fixed: int | None) -> bytes:
    """Write one term's posting list as W3 blocks (W3PostingsWriter's format); returns its W3TermInfo bytes."""
    start = postfile.pos
    mini_values: tuple[bytes, ...] | bytes | None  # Whoosh's block values: per posting, fixed-size joined, or none
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


# ---------------------------------------------------------------- opening a build without copying it (store.py)


class _Window:
    """A read-only file over [start, end) of a shared mmap, with its own position: slicing the map reads the
    pages in place (Whoosh's BufferFile wraps the region in a BytesIO, which copies all of it first)."""

    __slots__ = ("_map", "_start", "_end", "_pos")

    def __init__(self, source: mmap.mmap, start: int, length: int) -> None:
        self._map, self._start, self._end, self._pos = source, start, start + length, start

    def read(self, n: int | None = -1) -> bytes:
        pos = self._pos
        end = self._end if n is None or n < 0 else min(pos + n, self._end)
        self._pos = end
        return self._map[pos:end]

    def readline(self, n: int | None = -1) -> bytes:  # pickle.load reads with read() and readline()
        pos = self._pos
        end = self._end if n is None or n < 0 else min(pos + n, self._end)
        nl = self._map.find(b"\n", pos, end)
        return self.read((nl + 1 if nl >= 0 else end) - pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = self._start if whence == 0 else self._pos if whence == 1 else self._end
        self._pos = min(max(base + offset, self._start), self._end)
        return self._pos - self._start

    def tell(self) -> int:
        return self._pos - self._start

    def close(self) -> None:
        pass  # the map belongs to the segment file (MappedFile below), closed with it


class MappedFile(StructFile):
    """A Whoosh StructFile over a region of a memory-mapped segment file; subsets share the map."""

    def __init__(self, source: mmap.mmap, start: int, length: int, name: str | None = None, owner: bool = False) -> None:
        super().__init__(_Window(source, start, length), name=name)
        self._map, self._start, self._end, self._owner = source, start, start + length, owner

    def subset(self, position: int, length: int, name: str | None = None) -> "MappedFile":
        """A sub-file (CompoundStorage calls this for each file inside a .seg) without copying it."""
        return MappedFile(self._map, self._start + position, length, name=name or self._name)

    def get(self, position: int, length: int) -> bytes:
        at = self._start + position
        return self._map[at:min(at + length, self._end)]  # never past this file, into the next one

    def get_array(self, position: int, typecode: str, length: int) -> array:
        a = array(typecode)
        a.frombytes(self.get(position, length * a.itemsize))
        if sys.byteorder == "little":
            a.byteswap()  # Whoosh writes arrays big-endian
        return a

    def close(self) -> None:
        if self.is_closed:  # type: ignore[has-type]
            return
        self.is_closed = True
        if self.onclose:
            self.onclose(self)
        if self._owner:
            self._map.close()


class MappedStorage(FileStorage):
    """A read-only FileStorage whose compound segment files are memory-mapped and read in place.

    Whoosh's own mmap path copies each file inside a segment into memory when a reader opens it (a whole
    posting file per segment: gigabytes at a million paragraphs, seconds at start-up). Here CompoundStorage
    gets a file without a fileno, so it takes the `subset` path, and each subset reads the shared map.
    Processes serving the same build share those pages through the page cache.
    """

    supports_mmap = False  # CompoundStorage must not map (and copy) the file itself

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False, readonly=True)

    def open_file(self, name: str, **kwargs: object) -> StructFile:
        """A segment (.seg) as a MappedFile; any other file as Whoosh opens it."""
        if not name.endswith(".seg"):
            return super().open_file(name, **kwargs)
        with open(self._fpath(name), "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if not size:
                return super().open_file(name, **kwargs)
            source = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return MappedFile(source, 0, size, name=name, owner=True)


def open_mapped(path: str) -> Any:  # a whoosh FileIndex (Whoosh ships no types)
    """whoosh.index.open_dir(path, readonly=True), reading segment files in place through MappedStorage."""
    return MappedStorage(path).open_index()
