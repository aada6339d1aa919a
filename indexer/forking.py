"""Run work in forked child processes and collect their pickled results (parsing reports, writing segments).

Why fork and not a multiprocessing pool: the children see the parent's memory as it is (loaded jieba,
taxonomy, the corpus file list, the parsed documents) and only results cross a pipe. The reindex lock's
fork hook (indexer/index/build.py) makes children close the lock and die with the parent, so a killed reindex
leaves no workers behind.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import select
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(Exception):
    """A forked worker failed or died; the message carries its traceback or exit status."""


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    while_running: Callable[[], None] = lambda: None,
    hold_until_read: bool = False,
) -> list[R]:
    """[func(item) for item in items], each call in its own forked process; while_running runs in the parent meanwhile.

    Every worker's result is read; if any failed, one WorkerError names them all. With hold_until_read,
    each worker stays alive after sending its result until the parent has read every result (or died),
    so the workers live exactly as long as the whole map.
    """
    # Workers wait for EOF on release_r: the parent closes release_w when done reading, or dies.
    release_r, release_w = os.pipe() if hold_until_read else (-1, -1)
    children: list[tuple[int, int]] = []  # (pid, result read fd)
    # The parent's objects (a million parsed paragraphs at scale) go to the collector's permanent generation
    # while the children are forked: a child's collections then never write to their headers, so the
    # pages stay shared instead of being copied into every child (the fork advice of the gc module's docs).
    trim_heap()
    gc.freeze()
    try:
        for item in items:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read_fd)
                _close(release_w)
                _child(func, item, write_fd, release_r)
            os.close(write_fd)
            children.append((pid, read_fd))
        gc.unfreeze()  # the parent's own collections see them again
        release_r = _close(release_r)
        while_running()
        results = [_result(pid, fd) for pid, fd in children]
        failures = [error for error, _ in results if error]
        if failures:
            raise WorkerError("\n".join(failures))
        return [cast(R, value) for _, value in results]  # each is what func returned, unpickled
    except BaseException:
        for pid, _ in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        raise
    finally:
        gc.unfreeze()  # (again, if a fork failed)
        _close(release_r)
        _close(release_w)  # before reaping: held workers exit on this
        for pid, fd in children:
            _close(fd)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def trim_heap() -> None:
    """Give the C heap's free pages back to the OS (glibc's malloc_trim; nothing elsewhere).

    Unpickling the parsed corpus from the parse workers leaves ~20 % of the parent's heap free but resident;
    returned before a fork, it is not counted in the parent (nor shared with every child) for the whole build."""
    try:
        ctypes.CDLL(None).malloc_trim(0)  # the process's own C library, as lock.py and webapp/prefork.py call it
    except (OSError, AttributeError):  # not glibc
        pass


def _close(fd: int) -> int:
    """Close fd if it is one (>= 0) and still open; returns -1 (no descriptor)."""
    if fd >= 0:
        try:
            os.close(fd)
        except OSError:
            pass
    return -1


def _child(func: Callable, item: object, write_fd: int, release_fd: int) -> None:
    code = 0
    try:
        payload = pickle.dumps(("ok", func(item)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        payload = pickle.dumps(("error", traceback.format_exc()))
        code = 1
    try:
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
        if release_fd >= 0:
            select.select([release_fd], [], [])  # readable (EOF) once the parent closes its end or dies
    finally:
        os._exit(code)


def _result(pid: int, fd: int) -> tuple[str, object]:
    """(error message or "", what func returned) of one worker, read to the end of its pipe."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    if not chunks:
        _, status = os.waitpid(pid, 0)
        return f"worker process {pid} died without a result (status {status})", None
    status, value = pickle.loads(b"".join(chunks))
    if status != "ok":
        return f"worker process {pid} failed:\n{value}", None
    return "", value
