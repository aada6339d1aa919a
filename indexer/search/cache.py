"""Per-build search state: one long-lived Whoosh searcher per open build, and data derived from it once
(facet bitsets, BM25F length norms, decoded long posting lists, last characters for 1-char lookups).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from whoosh.searching import Searcher

from indexer.analysis import normalize
from indexer.index.store import OpenIndex
from indexer.search.facets import FacetMaps, load_maps
from indexer.search.order import corpus_ranks
from indexer.search.ranking import Norms, TermCache


@dataclass
class BuildCache:
    """Derived data of one open build (facet maps, last characters), built on first use."""

    maps: FacetMaps
    last_char: dict[str, frozenset[int]] | None = None
    meta: dict = field(default_factory=dict)  # the build's build.json (its report list is the corpus order)
    order: dict[int, int] | None = None  # docnum → corpus-order rank (see indexer/search/order.py), on first use
    norms: Norms = field(default_factory=Norms)
    terms: TermCache = field(default_factory=TermCache)
    folder: Path | None = None  # the build directory (its posting arrays, see indexer/search/vector.py)
    arrays: object = None  # the build's vector.BuildArrays once loaded, False when it has none


@dataclass
class _Served:
    """One build's long-lived searcher and derived data; the lock serialises use of the searcher."""

    searcher: Searcher
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: BuildCache | None = None

    def close(self) -> None:
        """Close the searcher (OpenIndex calls this once no request holds the build)."""
        self.cache = None
        self.searcher.close()


SERVED_SLOT = "search.served"


@contextmanager
def searching(open_index: OpenIndex) -> Iterator[tuple[Searcher, BuildCache]]:
    """The build's searcher and cache, for one request.

    Opening a Whoosh searcher reads each segment's term tables and unpickles its schema and readers, and
    the derived data below (facet maps, norms, posting caches) takes longer still, so each build keeps
    one searcher in a slot of its OpenIndex, held for the request (so a reindex switching builds closes
    it only when no request uses it any more), and requests take turns with it: Whoosh readers seek
    shared file objects, and pure-Python search work is serialised by the GIL anyway.
    """
    with open_index.hold():
        served = open_index.slot(SERVED_SLOT, lambda: _Served(searcher=open_index.searcher()))
        with served.lock:
            if served.cache is None:
                served.cache = BuildCache(maps=load_maps(served.searcher), folder=open_index.path,
                                          meta=open_index.meta)
            yield served.searcher, served.cache


def corpus_order(cache: BuildCache, searcher: Searcher) -> dict[int, int]:
    """docnum → rank in corpus order of this build: read once."""
    if cache.order is None:
        cache.order = corpus_ranks(searcher, cache.meta)
    return cache.order


def last_chars(cache: BuildCache, searcher: Searcher) -> dict[str, frozenset[int]]:
    """docnums by the last non-space (folded) character of their text: read once, for 1-char lookups."""
    if cache.last_char is None:
        by: dict[str, set[int]] = {}
        for docnum, stored in searcher.reader().iter_docs():
            text = normalize(stored.get("text", "")).rstrip()
            if text:
                by.setdefault(text[-1], set()).add(docnum)
        cache.last_char = {k: frozenset(v) for k, v in by.items()}
    return cache.last_char
