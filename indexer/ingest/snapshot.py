"""The corpus folder read once per command: its candidate report files (walked) and its catalog (parsed).

A full build, an incremental reindex, `add` and `remove` each take a CorpusSnapshot under the writers' locks
and pass it down: the fingerprints (indexer/index/fingerprint.py), the loader (indexer/ingest/corpus.py) and
add/remove (indexer/collection.py) read the same file list and the same catalog entries, so the catalog is
parsed once per command (add and remove read back what they write, and that read is the next snapshot's).
The walk: files under the folder, recursively and sorted, of a supported type; hidden files and folders,
README*, catalog.toml files below the top and symlinks leading out of the folder are left out, each
problem reported by name (Skipped, warnings). Only a corpus folder that cannot be read raises CorpusError.
"""

from __future__ import annotations

import functools
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest.catalog import CATALOG, CatalogEntry, CatalogRead, read_catalog
from indexer.ingest.formats.base import SUPPORTED_SUFFIXES, is_supported


class CorpusError(Exception):
    """The corpus folder as a whole cannot be read."""


@dataclass
class Skipped:
    """A file (or catalog entry) that was not indexed, and why."""

    file: str
    reason: str


@dataclass(frozen=True)
class CorpusSnapshot:
    """The corpus folder at one moment: candidate report files, the catalog, and what the walk reported."""

    root: Path
    files: tuple[tuple[str, Path], ...] = ()  # (path relative to root, NFC; path), sorted
    catalog: CatalogRead | None = None  # None: the folder has no catalog.toml
    warnings: tuple[str, ...] = ()  # from the walk (files ignored, folders not followed)
    skipped: tuple[Skipped, ...] = ()  # from the walk (unreadable files and folders, broken symlinks)

    @functools.cached_property
    def entries(self) -> dict[str, CatalogEntry]:
        """The catalog's usable entries by file (NFC), {} without a catalog."""
        return {unicodedata.normalize("NFC", e.file): e for e in self.catalog.entries} if self.catalog else {}

    @property
    def catalog_broken(self) -> bool:
        """The catalog has problems and not one usable entry: every file's metadata is detected."""
        return self.catalog is not None and bool(self.catalog.errors) and not self.catalog.entries


def take_snapshot(corpus_dir: Path, *, catalog: CatalogRead | None = None) -> CorpusSnapshot:
    """Walk the corpus folder and read its catalog; CorpusError when the folder cannot be read.

    catalog: the catalog as add/remove just wrote and read it back (or read it before an edit that wrote
    nothing), taken as it is instead of parsing the file again.
    """
    root = Path(corpus_dir)
    walked = _Walked()
    files = _walk(root, walked)
    if catalog is None and (root / CATALOG).is_file():
        catalog = read_catalog(root / CATALOG)
    return CorpusSnapshot(root, tuple(files), catalog, tuple(walked.warnings), tuple(walked.skipped))


@dataclass
class _Walked:
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _walk(root: Path, load: _Walked) -> list[tuple[str, Path]]:
    """Candidate report files (rel path, path), sorted; hidden files, README*, catalog.toml and escapes excluded."""
    real_root = root.resolve()
    found: list[tuple[str, Path]] = []

    def visit(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if not prefix:
                raise CorpusError(f"cannot read the corpus folder {root}: {exc.strerror or exc}") from None
            load.skipped.append(Skipped(prefix.rstrip("/"), f"folder cannot be read ({exc.strerror or exc})"))
            return
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith(".") or entry.name.upper().startswith("README"):
                continue
            if entry.name == CATALOG:
                if prefix:
                    load.warnings.append(f"{rel}: not read; only the top-level {CATALOG} describes reports")
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not target.exists():
                    load.skipped.append(Skipped(rel, "broken symlink"))
                    continue
                if not target.is_relative_to(real_root):
                    load.skipped.append(Skipped(rel, f"symlink to {target}, outside the corpus folder; not followed"))
                    continue
                if target.is_dir():
                    load.warnings.append(f"{rel}: symlinked folder not followed (its files are read where they are)")
                    continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                load.skipped.append(Skipped(rel, f"cannot be read ({exc.strerror or exc})"))
                continue
            if stat.S_ISDIR(mode):
                visit(path, rel + "/")
            elif stat.S_ISREG(mode):
                if is_supported(entry.name):
                    found.append((unicodedata.normalize("NFC", rel), path))
                else:
                    load.warnings.append(f"{rel}: ignored, not a report file type ({' '.join(SUPPORTED_SUFFIXES)})")
            else:
                load.skipped.append(Skipped(rel, "not a regular file"))

    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist or is not a folder")
    visit(root, "")
    return sorted(found)
