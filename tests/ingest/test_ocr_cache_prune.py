"""The OCR page cache is pruned by a reindex: pages of files the corpus no longer has go once unused for
OCR_CACHE_KEEP_DAYS; pages of the corpus's files, and recent ones (a scan `add` refused, to be added again with
--institution), stay; a hit renews an entry."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from indexer.index.update import update_index
from indexer.ingest.ocr import OcrBox, OcrPage
from indexer.ingest.ocr.cache import CACHE_DIR, _path, cache_key, load_pages, prune_pages, store_pages
from indexer.limits import OCR_CACHE_KEEP_DAYS
from tests.helpers.adding import new_report

PAGES = {0: OcrPage((OcrBox(1, 2, 30, 12, "审结案件1件", 0.99, 10),), 100, 200, 200.0)}
OLD = time.time() - (OCR_CACHE_KEEP_DAYS + 1) * 86_400


def entry(cache: Path, data: bytes, *, old: bool) -> Path:
    key = cache_key(data, "rapidocr 1.4.4")
    store_pages(cache, key, PAGES)
    path = _path(cache, key)
    if old:
        os.utime(path, (OLD, OLD))
    return path


def test_prune_deletes_old_pages_of_files_not_kept(tmp_path: Path) -> None:
    cache = tmp_path / CACHE_DIR
    kept_old = entry(cache, b"in the corpus", old=True)
    gone = entry(cache, b"removed from the corpus", old=True)
    recent = entry(cache, b"refused by add yesterday", old=False)
    leftover = kept_old.parent / ".tmp-abc.json"
    leftover.write_text("{", encoding="utf-8")
    os.utime(leftover, (OLD, OLD))
    keep = {hashlib.sha256(b"in the corpus").hexdigest()}
    assert prune_pages(cache, keep, OCR_CACHE_KEEP_DAYS * 86_400) == 2
    assert kept_old.exists() and recent.exists() and not gone.exists() and not leftover.exists()
    assert not gone.parent.exists() or any(gone.parent.iterdir())  # an emptied shard folder goes too
    assert prune_pages(tmp_path / "no-cache-yet", keep, 0) == 0


def test_a_hit_renews_an_entry(tmp_path: Path) -> None:
    cache = tmp_path / CACHE_DIR
    path = entry(cache, b"a scan", old=True)
    assert load_pages(cache, cache_key(b"a scan", "rapidocr 1.4.4")) == PAGES
    assert path.stat().st_mtime > OLD + 86_400
    assert prune_pages(cache, set(), OCR_CACHE_KEEP_DAYS * 86_400) == 0 and path.exists()


def test_full_and_incremental_reindexes_prune_the_cache(tmp_path: Path, repo_corpus: Path) -> None:
    corpus = Path(shutil.copytree(repo_corpus, tmp_path / "corpus"))
    index = tmp_path / "index"
    cache = index / CACHE_DIR
    kept = entry(cache, (corpus / "pinghu-court-2023.txt").read_bytes(), old=True)
    gone = entry(cache, b"a scan removed long ago", old=True)
    assert update_index(corpus, index).mode == "full"
    assert kept.exists() and not gone.exists()
    gone = entry(cache, b"another scan removed long ago", old=True)
    new_report(repo_corpus, corpus, "haiyan-court-2024.txt")
    assert update_index(corpus, index).mode == "incremental"
    assert kept.exists() and not gone.exists()
    (corpus / "pinghu-court-2023.txt").rename(tmp_path / "aside.txt")  # removed: its pages are no longer kept
    os.utime(kept, (OLD, OLD))
    update_index(corpus, index)
    assert not kept.exists()


def test_a_hit_that_cannot_be_renewed_still_serves(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / CACHE_DIR
    path = entry(cache, b"on a read-only cache", old=False)

    def refuse(*_args: object, **_kw: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)  # a cache shared read-only, or another user's files
    assert load_pages(cache, path.stem) == PAGES
