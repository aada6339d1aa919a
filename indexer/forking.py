"""Run work in forked child processes and collect their pickled results (used to parse reports on both CPUs).

Why fork and not a multiprocessing pool: the children see the parent's memory as it is (loaded jieba,
taxonomy, the corpus file list) and only results cross a pipe. The reindex lock's fork hook
(indexer/build.py) makes children close the lock and die with the parent, so a killed reindex leaves
no workers behind.
"""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(Exception):
    """A forked worker failed or died; the message carries its traceback or exit status."""


def fork_map(func: Callable[[T], R], items: Sequence[T], *, while_running: Callable[[], None] = lambda: None) -> list[R]:
    """[func(item) for item in items], each call in its own forked process; while_running runs in the parent meanwhile."""
    children: list[tuple[int, int]] = []
    try:
        for item in items:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read_fd)
                _child(func, item, write_fd)
            os.close(write_fd)
            children.append((pid, read_fd))
        while_running()
        return [_result(pid, fd) for pid, fd in children]
    except BaseException:
        for pid, _ in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        raise
    finally:
        for pid, fd in children:
            try:
                os.close(fd)
            except OSError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _child(func: Callable, item: object, write_fd: int) -> None:
    code = 0
    try:
        payload = pickle.dumps(("ok", func(item)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        payload = pickle.dumps(("error", traceback.format_exc()))
        code = 1
    try:
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
    finally:
        os._exit(code)


def _result(pid: int, fd: int):  # noqa: ANN202 - whatever func returned
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    if not chunks:
        _, status = os.waitpid(pid, 0)
        raise WorkerError(f"worker process {pid} died without a result (status {status})")
    status, value = pickle.loads(b"".join(chunks))
    if status != "ok":
        raise WorkerError(f"worker process {pid} failed:\n{value}")
    return value
