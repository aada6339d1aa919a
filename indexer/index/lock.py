"""The reindex lock: one writer per index root, an flock the kernel releases when its holder dies.

Forked children (parallel parse and segment writers) close the lock's descriptor and die with the
reindex process, so a SIGKILLed reindex never leaves a stale lock behind.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import sys
from pathlib import Path

from indexer.index.store import LOCK, ReindexRunning


def _die_with_parent(parent_pid: int) -> None:
    """In a forked Whoosh writer process: exit when the reindex process dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


class ReindexLock:
    """flock on root/reindex.lock, non-blocking; the holder's pid is written into the file."""

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK
        self.fd: int | None = None
        self.owner_pid = os.getpid()

    def __enter__(self) -> ReindexLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise ReindexRunning(
                f"another reindex is running (pid {holder}) on {self.path.parent}; wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd
        self.owner_pid = os.getpid()
        # Whoosh's procs>1 writer forks worker processes, which would inherit this flock and, if we are
        # SIGKILLed, block forever on their job queue holding it: a stale lock. In forked children, close
        # our descriptor and ask the kernel to kill them when we die.
        os.register_at_fork(after_in_child=self._in_child)
        return self

    def _in_child(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
            _die_with_parent(self.owner_pid)

    def __exit__(self, *exc: object) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
