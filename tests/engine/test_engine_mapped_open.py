"""Opening a build reads its segment files in place (memory-mapped), never copying them into memory,
and gives exactly what Whoosh's own opening gives (issue 12: lean memory, fast start). Since index format 4
Whoosh's segments hold the stored paragraphs and the ID terms (`id`, `report`); the full-text postings
are numpy arrays, mapped by np.load (indexer/index/arrays.py)."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
import whoosh.index
from whoosh import query as wq

from bench.generate import generate_corpus
from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.index.whoosh_compat import open_mapped


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("mapped")
    generate_corpus(2500, base / "corpus", seed=7)
    build_index(base / "corpus", base / "index", procs=2)  # two segments
    return next((base / "index" / "builds").iterdir())


def _segments_bytes(build: Path) -> int:
    return sum(p.stat().st_size for p in build.glob("*.seg"))


def _frequent_words(searcher: object, fieldname: str, n: int) -> list[bytes]:
    reader = searcher.reader()  # type: ignore[attr-defined]
    by_freq = sorted(reader.lexicon(fieldname), key=lambda t: -reader.doc_frequency(fieldname, t))
    return by_freq[:n]


def _everything(index: object) -> dict:
    """Stored fields of every paragraph, and Whoosh's own search of the ID terms (reports, paragraphs)."""
    with index.searcher() as s:  # type: ignore[attr-defined]
        out: dict = {"stored": [dict(fields) for _, fields in s.reader().iter_docs()]}
        for r in _frequent_words(s, "report", 12):
            out[r] = [hit.docnum for hit in s.search(wq.Term("report", r), limit=None)]
        ids = [fields["id"] for fields in out["stored"][::97]]
        out["ids"] = [[hit.docnum for hit in s.search(wq.Term("id", i))] for i in ids]
        either = wq.Or([wq.Term("report", r) for r in list(out)[1:3]])
        out["or"] = sorted(hit.docnum for hit in s.search(either, limit=None))
        return out


def test_mapped_opening_reads_exactly_what_whoosh_reads(build_dir: Path) -> None:
    plain = _everything(whoosh.index.open_dir(str(build_dir), readonly=True))
    mapped = _everything(open_mapped(str(build_dir)))
    assert len(plain["stored"]) >= 2400
    assert plain["or"]
    assert mapped == plain


def _peak_while_reading(index: object, words: list[bytes]) -> int:
    """Peak Python allocation (bytes) while a searcher opens, reads all postings of the given report terms
    and the stored fields of every 50th paragraph (the stored-fields column is most of a segment)."""
    tracemalloc.start()
    try:
        with index.searcher() as s:  # type: ignore[attr-defined]
            for w in words:
                s.reader().postings("report", w).all_ids()
            for d in range(0, s.doc_count_all(), 50):
                s.stored_fields(d)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_opening_a_build_does_not_copy_its_segments_into_memory(build_dir: Path) -> None:
    size = _segments_bytes(build_dir)
    assert size > 1_500_000  # 2.5 MB with the benchmark prose, 1.9 MB with a fresh clone's fallback pool
    plain = whoosh.index.open_dir(str(build_dir), readonly=True)
    with plain.searcher() as s:
        words = _frequent_words(s, "report", 5)
    copied = _peak_while_reading(plain, words)
    mapped = _peak_while_reading(open_mapped(str(build_dir)), words)
    assert copied > 0.5 * size  # the baseline: Whoosh's BufferFile copies the files it opens
    assert mapped < 0.1 * size, (mapped, size, copied)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_closing_a_searcher_releases_its_maps(build_dir: Path) -> None:
    index = open_mapped(str(build_dir))
    with index.searcher() as s:
        s.doc_count()
    before = _open_fds()
    for _ in range(20):
        with index.searcher() as s:
            _frequent_words(s, "report", 3)
    assert _open_fds() <= before


def test_the_store_serves_through_mapped_segments(build_dir: Path) -> None:
    store = Store(build_dir.parent.parent)
    opened = store.current()
    assert opened.index.storage.__class__.__name__ == "MappedStorage"
    with opened.searcher() as s:
        assert s.doc_count() >= 2400
    store.close()


def test_a_mapped_sub_file_reads_only_its_own_bytes(tmp_path: Path) -> None:
    from indexer.index.whoosh_compat import MappedStorage

    (tmp_path / "x.seg").write_bytes(b"abcdefgh\nij")
    whole = MappedStorage(str(tmp_path)).open_file("x.seg")
    sub = whole.subset(2, 3)  # b"cde", as CompoundStorage opens a file inside a segment
    assert sub.get(0, 10) == b"cde"  # never into the next file
    assert sub.read() == b"cde" and sub.tell() == 3
    sub.seek(1)
    assert sub.read(1) == b"d" and sub.tell() == 2
    sub.seek(0, 2)
    assert sub.tell() == 3 and sub.read(5) == b""
    tail = whole.subset(4, 7)  # b"efgh\nij"
    assert tail.readline() == b"efgh\n" and tail.readline() == b"ij"
    whole.close()


def test_a_segments_arrays_hold_one_descriptor(build_dir: Path) -> None:
    """A mapping keeps a file descriptor open while it lives (CPython's mmap holds a duplicate): the posting
    arrays of a segment are one file, so a build of a million paragraphs (22 segments) holds 22 for its
    arrays, not ~40 per segment (924), past select()'s and many systems' default limit of 1,024."""
    import whoosh.index

    from indexer.index.arrays import SegmentArrays
    from indexer.index.whoosh_compat import toc_segments

    segments = [s.segment_id() for s in toc_segments(whoosh.index.open_dir(str(build_dir)))]
    assert len(segments) == 2
    before = _open_fds()
    opened = [SegmentArrays(build_dir, s) for s in segments]
    assert _open_fds() - before == len(segments)
    assert all(len(a.fields["text"].terms) and a.columns["institution"].shape == (a.size,) for a in opened)
    del opened
    assert _open_fds() == before
