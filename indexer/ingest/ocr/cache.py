"""OCR'd pages cached by the file's content, under the index folder: a scan is read by OCR once.

Key: SHA-256 of the file's bytes, the engine's name and version, and CACHE_VERSION (raised when what a page
holds changes: deskew, ink sizes, engine settings). Value: the OcrPages read (page index → boxes, size, dpi),
as JSON, one file per key, written atomically (a temporary file renamed). Only the parent process reads and
writes it (corpus.py): the parsing child receives the cached pages with the file's bytes and returns the new
ones. A cache file that cannot be read is a miss; deleting the folder only costs OCR time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from indexer.ingest.ocr import OcrBox, OcrPage

CACHE_DIR = "ocr-cache"  # under the index root
CACHE_VERSION = 1


def cache_key(data: bytes, engine_id: str) -> str:
    """The cache key of a file's bytes read by the engine `engine_id` ("rapidocr 1.4.4")."""
    digest = hashlib.sha256(data).hexdigest()
    engine = hashlib.sha256(f"{engine_id}\n{CACHE_VERSION}".encode()).hexdigest()[:16]
    return f"{digest}-{engine}"


def _path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


def load_pages(cache_dir: Path, key: str) -> dict[int, OcrPage] | None:
    """The cached pages of `key` (page index → OcrPage), or None when there are none (or they cannot be read)."""
    path = _path(cache_dir, key)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        pages = {
            int(index): OcrPage(tuple(OcrBox(*box) for box in page["boxes"]), int(page["width"]), int(page["height"]),
                                float(page["dpi"]))
            for index, page in record["pages"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    with contextlib.suppress(OSError):  # a cache we may read but not touch (read-only, another user's) still serves
        os.utime(path)  # used now: prune_pages keeps what was used lately
    return pages


def store_pages(cache_dir: Path, key: str, pages: dict[int, OcrPage]) -> None:
    """Keep the pages under `key` (replacing what was there); a cache that cannot be written is left alone."""
    record = {
        "version": CACHE_VERSION,
        "pages": {
            str(index): {
                "width": page.width, "height": page.height, "dpi": page.dpi,
                "boxes": [[b.x0, b.y0, b.x1, b.y1, b.text, b.confidence, b.size] for b in page.boxes],
            }
            for index, page in sorted(pages.items())
        },
    }
    path = _path(cache_dir, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full disk: the pages are OCR'd again next time, nothing is lost


def prune_pages(cache_dir: Path, keep: set[str], older_than: float) -> int:
    """Delete the cached pages of files whose bytes (their sha256) are none of `keep` — the corpus's files after a
    reindex — and that were neither written nor used in the last `older_than` seconds (pages of removed or edited
    scans would otherwise stay forever); the number of files deleted. A reindex calls it holding the lock: it is
    the cache's only writer then (a temporary file is a killed write's leftover). What cannot be deleted stays."""
    removed = 0
    cutoff = time.time() - older_than
    try:
        shards = [p for p in cache_dir.iterdir() if p.is_dir()]
    except OSError:
        return 0
    for shard in shards:
        for path in shard.iterdir():
            digest = path.name.split("-", 1)[0]
            try:
                if (path.name.startswith(".tmp-") or digest not in keep) and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
        try:
            shard.rmdir()  # only when it is empty now
        except OSError:
            pass
    return removed
