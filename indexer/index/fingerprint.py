"""Fingerprints that decide what an incremental reindex must re-parse: a report is reused from the previous
build only when its file bytes, its catalog entry, the user dictionary and the themes are all unchanged.

A build records them in build.json (`fingerprint` per report, `dictionary_fingerprint` and
`themes_fingerprint` for the build); any doubt (a missing or different value) means "parse it again".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from indexer.ingest.catalog import CatalogEntry
from indexer.ingest.snapshot import CorpusSnapshot
from indexer.ingest.themes import DEFAULT_TAXONOMY

_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def corpus_digests(snapshot: CorpusSnapshot) -> dict[str, str]:
    """sha256 of every candidate report file of the corpus, by path relative to it (unreadable ones left out)."""
    out: dict[str, str] = {}
    for rel, path in snapshot.files:
        try:
            out[rel] = file_digest(path)
        except OSError:
            continue
    return out


def themes_fingerprint(path: Path = DEFAULT_TAXONOMY) -> str:
    """sha256 of the themes taxonomy file."""
    return file_digest(Path(path))


def report_fingerprint(file_sha: str | None, entry: CatalogEntry | None, dictionary_fp: str, themes_fp: str) -> str | None:
    """One report's fingerprint: its bytes, its catalog entry (or none), the dictionary and the themes."""
    if file_sha is None:
        return None
    described = json.dumps(dataclasses.asdict(entry) if entry is not None else None, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256("\n".join((file_sha, described, dictionary_fp, themes_fp)).encode("utf-8")).hexdigest()
