"""Reading the index: which build is current, opening it read-only, noticing when a reindex switched it.

Layout of an index root (see indexer/index/build.py for how it is written):
    root/CURRENT                the id of the serving build, one line; replaced atomically by reindex
    root/builds/<id>/           one complete Whoosh index + build.json + COMPLETE
    root/reindex.lock           flock held by the running reindex (holds its pid)
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import whoosh.index
import whoosh.searching

from indexer.analysis import (
    DEFAULT_DICTIONARY,
    dictionary_fingerprint,
)
from indexer.errors import Conflict, Unavailable
from indexer.index.version import INDEX_FORMAT_VERSION
from indexer.index.whoosh_compat import open_mapped

CURRENT = "CURRENT"
BUILDS = "builds"
COMPLETE = "COMPLETE"
META = "build.json"
LOCK = "reindex.lock"

T = TypeVar("T")


class IndexMissing(Unavailable):
    """There is no complete index at the given root."""


class IndexStale(Unavailable):
    """The index was built with another user dictionary or index format: reindex."""


class ReindexRunning(Conflict):
    """Another reindex holds the lock on this index root."""


@dataclass
class OpenIndex:
    """One complete build, opened read-only.

    It also carries the build's long-lived objects (the served searcher and caches derived from it) in
    named slots. Requests `hold()` the build while they use them; `close()` (called by Store when
    CURRENT moves on) releases them at once if no request holds the build, else when the last one lets
    go. A request that arrives after close() still works: slots are made again and released on its exit.
    """

    build_id: str
    path: Path
    meta: dict  # build.json: reports' metadata, counts, dictionary fingerprint, built_at, warnings, skipped
    index: whoosh.index.Index = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _slots: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    _holders: int = field(default=0, repr=False, compare=False)
    _retired: bool = field(default=False, repr=False, compare=False)

    def searcher(self) -> whoosh.searching.Searcher:
        """A new searcher on this build; use it as a context manager so its files are closed."""
        return self.index.searcher()

    @contextmanager
    def hold(self) -> Iterator["OpenIndex"]:
        """Use this build's slots for one request: close() will not release them until it ends."""
        with self._lock:
            self._holders += 1
        try:
            yield self
        finally:
            with self._lock:
                self._holders -= 1
                release = self._retired and self._holders == 0
            if release:
                self._release()

    def slot(self, name: str, make: Callable[[], T]) -> T:
        """The build's long-lived object called name, made by make() on first use (call inside hold())."""
        with self._lock:
            got = self._slots.get(name)
            if got is None:
                got = self._slots[name] = make()
            return got  # type: ignore[return-value]

    def close(self) -> None:
        """Release the slots (closing those with close()) now, or when the last request holding it ends."""
        with self._lock:
            self._retired = True
            release = self._holders == 0
        if release:
            self._release()

    def _release(self) -> None:
        with self._lock:
            if self._holders:  # a request arrived meanwhile: it releases on exit
                return
            slots = list(self._slots.values())
            self._slots.clear()
        for obj in slots:
            closer = getattr(obj, "close", None)
            if callable(closer):
                closer()


# What Whoosh 2.7.4's open_dir raises on missing or damaged files (a truncated or overwritten TOC: struct,
# pickle, EOF, value/size errors). Anything else is a bug and must surface as one, not as a 503 "reindex".
DAMAGED_BUILD = (OSError, EOFError, ValueError, MemoryError, struct.error, pickle.UnpicklingError,
                 whoosh.index.IndexError)


def read_current(root: Path) -> str | None:
    """The build id CURRENT names, or None when there is no CURRENT yet."""
    try:
        build_id = (Path(root) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return build_id or None


def is_complete(build_dir: Path) -> bool:
    """True when the build finished, verified and was marked complete."""
    return (build_dir / COMPLETE).is_file() and (build_dir / META).is_file()


def serving_meta(root: Path) -> dict | None:
    """build.json of the build root/CURRENT names; None without a complete, readable one (read, not opened)."""
    current = read_current(root)
    if current is None or not is_complete(root / BUILDS / current):
        return None
    try:
        return json.loads((root / BUILDS / current / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def open_build(root: Path, build_id: str, dictionary: Path = DEFAULT_DICTIONARY) -> OpenIndex:
    """Open one complete build read-only; IndexMissing / IndexStale say what to do."""
    root = Path(root)
    path = root / BUILDS / build_id
    if not is_complete(path):
        raise IndexMissing(f"no complete index at {root} (build {build_id!r} missing): run `reportsearch reindex`")
    meta = json.loads((path / META).read_text(encoding="utf-8"))
    if meta.get("format") != INDEX_FORMAT_VERSION:
        raise IndexStale(
            f"reindex required: the index at {root} has format {meta.get('format')!r}, "
            f"this version reads {INDEX_FORMAT_VERSION}; run `reportsearch reindex`"
        )
    if meta.get("dictionary_fingerprint") != dictionary_fingerprint(dictionary):
        raise IndexStale(
            f"reindex required: the user dictionary changed since the index at {root} was built "
            f"({dictionary}); run `reportsearch reindex`"
        )
    if any(toc.stat().st_size == 0 for toc in path.glob("*.toc")):  # Whoosh fails on it with a bare TypeError
        raise IndexStale(f"the index at {path} cannot be opened (its table of contents is empty); "
                         "run `reportsearch reindex`")
    try:
        index = open_mapped(str(path))  # segment files read in place, not copied into memory
    except DAMAGED_BUILD as exc:  # a damaged build: say what to do instead of a Whoosh traceback
        raise IndexStale(f"the index at {path} cannot be opened ({exc}); run `reportsearch reindex`") from exc
    return OpenIndex(build_id=build_id, path=path, meta=meta, index=index)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Store:
    """The index root: hands out the current build and follows CURRENT when a reindex switches it."""

    def __init__(self, root: Path, *, dictionary: Path = DEFAULT_DICTIONARY) -> None:
        self.root = Path(root)
        self.dictionary = Path(dictionary)
        self._lock = threading.Lock()  # a server's request threads share one Store
        self._open: OpenIndex | None = None
        self._stamp: tuple[int, int, int] | None = None

    def current(self) -> OpenIndex:
        """The build CURRENT points at; one os.stat per call, reopened only when CURRENT changed.

        A request should call this once and use the returned OpenIndex throughout, so it sees one build.
        """
        stamp = _stamp(self.root / CURRENT)
        with self._lock:
            if self._open is not None and stamp is not None and stamp == self._stamp:
                return self._open
            build_id = read_current(self.root)
            if build_id is None:
                raise IndexMissing(f"no index at {self.root}: run `reportsearch reindex`")
            retired = None
            if self._open is None or self._open.build_id != build_id:
                # The previous build's searcher and caches are released once no request holds it
                # (requests that still have it keep working: reindex keeps its files until the next switch).
                retired = self._open
                self._open = open_build(self.root, build_id, self.dictionary)
            self._stamp = stamp
            current = self._open
        if retired is not None:
            retired.close()
        return current

    def close(self) -> None:
        """Release the current build's searcher and caches (e.g. when a server shuts down)."""
        with self._lock:
            current, self._open, self._stamp = self._open, None, None
        if current is not None:
            current.close()


def pinned(source: Store | OpenIndex) -> OpenIndex:
    """The one build a call works on: an OpenIndex as given, else the Store's current build (asked once)."""
    return source if isinstance(source, OpenIndex) else source.current()
