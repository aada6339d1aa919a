"""The tail every build shares (a full build, an incremental one): publish a written build folder crash-safely.

publish_build: write build.json, verify, write COMPLETE, fsync the folder's files and folders, switch
root/CURRENT atomically, delete old builds except the new one and the previous one (readers may still have
it open). Until the switch the previous build is untouched and CURRENT names it, so a crash anywhere leaves it
serving; a build that fails before the switch is deleted, never one that may already be CURRENT.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from indexer.fsutil import fsync_path, write_atomic, write_synced
from indexer.index.store import BUILDS, COMPLETE, CURRENT, META, is_complete, read_current
from indexer.index.version import INDEX_FORMAT_VERSION

Checkpoint = Callable[[str], None]  # called with a phase name: locked, loaded, writing, committed, verified, before-switch, switched


def no_checkpoint(_phase: str) -> None:
    """The default checkpoint: nothing to do at any phase."""


def new_build_id() -> str:
    """A fresh, time-ordered build directory name."""
    now = dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%S%f}-{os.getpid()}"


def clean_leftovers(root: Path) -> list[str]:
    """Delete what killed reindexes left behind (incomplete builds, CURRENT temp files); caller holds the lock."""
    removed: list[str] = []
    current = read_current(root)
    builds = root / BUILDS
    if builds.is_dir():
        for build_dir in builds.iterdir():
            if build_dir.name != current and not is_complete(build_dir):
                shutil.rmtree(build_dir, ignore_errors=True)
                removed.append(build_dir.name)
    for tmp in root.glob(f"{CURRENT}.*.tmp"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    return removed


def switch_current(root: Path, build_id: str) -> None:
    """Atomically point root/CURRENT at build_id (temp file + fsync + os.replace + fsync dir)."""
    # the temp file's name is the one clean_leftovers looks for
    write_atomic(root / CURRENT, f"{build_id}\n".encode("ascii"), tmp=root / f"{CURRENT}.{os.getpid()}.tmp")


def _fsync_tree(directory: Path) -> None:
    for item in directory.iterdir():
        if item.is_file():
            fsync_path(item)
        elif item.is_dir():  # arrays/ (indexer/index/arrays.py) is switched with the build too
            _fsync_tree(item)
    fsync_path(directory)


def _remove_old_builds(root: Path, keep: set[str]) -> None:
    for build_dir in (root / BUILDS).iterdir():
        if build_dir.name not in keep:
            shutil.rmtree(build_dir, ignore_errors=True)


def publish_build(root: Path, build_dir: Path, meta: dict, verify: Callable[[], None],
                  checkpoint: Checkpoint = no_checkpoint) -> None:
    """Write meta (after build_id, format and built_at) as build.json, verify(), mark COMPLETE, sync, switch
    CURRENT to the build and delete builds older than the previous one. Caller holds the index's lock."""
    build_id = build_dir.name
    try:
        stamp = {"build_id": build_id, "format": INDEX_FORMAT_VERSION,
                 "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        write_synced(build_dir / META, json.dumps(stamp | meta, ensure_ascii=False, indent=1).encode("utf-8"))
        verify()
        checkpoint("verified")
        write_synced(build_dir / COMPLETE, f"{build_id}\n".encode("ascii"))
        _fsync_tree(build_dir)
        fsync_path(root / BUILDS)
        checkpoint("before-switch")
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    # Past this point the new build may be CURRENT: it must never be deleted here.
    previous = read_current(root)
    switch_current(root, build_id)
    checkpoint("switched")
    _remove_old_builds(root, keep={build_id} | ({previous} if previous else set()))
