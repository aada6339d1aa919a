"""The writers' locks: one per index root and one per corpus, flocks the kernel releases when their holder dies.

`reindex`, `add` and `remove` (and `serve` building a missing index) take both, the index root's first:
two writers of one index, or of any two indexes built from one corpus, never interleave, and the second
is refused at once (exit 2, naming the holder's pid) rather than waiting. The corpus lock is an flock on
the corpus folder itself, so nothing is written into the corpus (it may be read-only, and the bundled
one is kept byte for byte).

Forked children (parallel parse and segment writers) close the locks' descriptors and die with the
process that holds them, so a SIGKILLed writer never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import sys
from collections.abc import Iterator
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


class _Flock:
    """An exclusive non-blocking flock held on one descriptor, which forked children close."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.owner_pid = os.getpid()

    def _acquire(self, fd: int) -> bool:
        """Lock fd (kept open while held); False, with fd left open, when another process holds it.
        OSError when the file system cannot lock it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.fd = fd
        self.owner_pid = os.getpid()
        # Whoosh's procs>1 writer and the parallel parse fork worker processes, which would inherit this
        # flock and, if we are SIGKILLed, could keep it: a stale lock. In forked children, close our
        # descriptor and ask the kernel to kill them when we die.
        os.register_at_fork(after_in_child=self._in_child)
        return True

    def _in_child(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
            _die_with_parent(self.owner_pid)

    def _release(self) -> int | None:
        fd, self.fd = self.fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return fd


class ReindexLock(_Flock):
    """flock on root/reindex.lock, non-blocking; the holder's pid is written into the file."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.path = root / LOCK

    def __enter__(self) -> ReindexLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        if not self._acquire(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise ReindexRunning(
                f"another reindex is running (pid {holder}) on {self.path.parent}; wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
        self._release()


class CorpusLock(_Flock):
    """flock on the corpus folder itself, non-blocking. A folder that cannot be opened is not locked:
    reading it fails next with the corpus's own message, and nobody can be changing it through us. Nor is
    one whose file system cannot flock a folder (some network file systems): the index's lock still holds."""

    def __init__(self, corpus_dir: Path) -> None:
        super().__init__()
        self.path = Path(corpus_dir)

    def __enter__(self) -> CorpusLock:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return self
        try:
            acquired = self._acquire(fd)
        except OSError:  # EBADF/ENOLCK/EOPNOTSUPP: this file system does not lock folders
            os.close(fd)
            return self
        if not acquired:
            holder = _flock_holder(fd)
            os.close(fd)
            raise ReindexRunning(
                f"another reindex, add or remove is running (pid {holder}) on the corpus {self.path} "
                "(with another index folder); wait for it to finish"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._release()


def _flock_holder(fd: int) -> str:
    """The pid holding an flock on fd's file, from /proc/locks (Linux); 'unknown' elsewhere."""
    st = os.fstat(fd)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return "unknown"
    for line in lines:
        fields = line.split()
        if "FLOCK" in fields and "->" not in fields and key in fields:
            return fields[fields.index(key) - 1]
    return "unknown"


@contextlib.contextmanager
def writer_locks(corpus_dir: Path, root: Path) -> Iterator[None]:
    """Both locks a writer of root built from corpus_dir needs: the index root's, then the corpus's."""
    with ReindexLock(root), CorpusLock(corpus_dir):
        yield
