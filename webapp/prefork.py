"""Serving with several processes: listening sockets bound before forking, served by N waitress servers.

Why: search is pure Python, so one process answers on one core however many threads it has (the GIL).
Each worker is a forked copy of the started app: what the supervisor made before forking (the build's word cut
with rjieba's dictionary, the converters: webapp/cli.py warm_before_fork; frozen for the collector) is shared
by every worker, also one started later to replace another; and the build's files are memory-mapped
read-only (indexer/index/arrays.py, whoosh_compat.MappedStorage, the suggestion data), so workers share the
index through the page cache instead of holding copies. Each worker opens the index itself, after the
fork: Whoosh readers seek shared file objects, which processes must not share.

Recycling: a worker that retires (webapp/server.py: after N requests or past a heap bound) finishes what it
has received and exits with RETIRED_EXIT; the supervisor starts its replacement at once, without counting
it as a failure. The listening sockets stay open here meanwhile, so connections queue and none is refused.

Signals: the supervisor keeps SIGTERM, SIGINT and SIGCHLD blocked and takes them with sigwaitinfo, so no
handler ever runs in the middle of a fork or of its own bookkeeping; a child inherits the mask, installs
its stop handler, then unblocks, so a signal can never run supervisor code in a worker.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from types import FrameType

RESTART_PAUSE = 1.0  # seconds between restarts of a worker that keeps dying, so a crash loop cannot spin
QUICK_DEATH = 5.0  # a worker that exits sooner than this after starting counts as failing to start
MAX_QUICK_DEATHS = 3
STOP_TIMEOUT = 10.0  # seconds workers get to finish on stop before SIGKILL
_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
_WATCHED = _STOP_SIGNALS | {signal.SIGCHLD}
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_M_ARENA_MAX = -8  # glibc's malloc.h
# glibc gives each thread that allocates its own malloc arena (up to 8 per core), and an arena keeps the memory
# its thread freed: with waitress's 8 threads a worker held ≈ 30 MB more at 100k paragraphs than with 2 arenas.
MALLOC_ARENAS = 2
RETIRED_EXIT = 75  # a worker's exit code when it retired on purpose (EX_TEMPFAIL: "start another")


class Retired(Exception):
    """Raised out of a worker's serve_one() when it has retired (the message says why)."""


def default_workers() -> int:
    """One worker per CPU, at most 4 (each holds its own Python heap and jieba's dictionary)."""
    return max(1, min(4, os.cpu_count() or 1))


def listening_sockets(host: str, port: int, backlog: int = 1024) -> list[socket.socket]:
    """Bound, listening, non-blocking TCP sockets on every address host resolves to (port 0: a free port)."""
    socks: list[socket.socket] = []
    seen: set[tuple] = set()
    try:
        for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            key = (family, address[:2])
            if key in seen:
                continue
            seen.add(key)
            if socks and port == 0:  # the other families listen on the port the first one got
                address = (address[0], socks[0].getsockname()[1], *address[2:])
            sock = socket.socket(family, kind, proto)
            socks.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)  # IPv4 gets its own socket
            sock.bind(address)
            sock.listen(backlog)
            sock.setblocking(False)
    except OSError:
        for sock in socks:
            sock.close()
        raise
    return socks


def _stop_on(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop is enough: a second signal must not interrupt it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt  # server.run() ends and the worker closes its server


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this worker when the supervisor dies (even by SIGKILL): no orphan keeps the port."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the supervisor's own stop still applies
        pass


def _fewer_malloc_arenas() -> None:
    """Let this process's threads share MALLOC_ARENAS glibc malloc arenas (no-op elsewhere)."""
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc: its own allocator's defaults apply
        pass


def _start_worker(serve_one: Callable[[], None], parent: int) -> int:
    pid = os.fork()  # with the watched signals blocked (Supervisor.run), so none is handled mid-fork
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, _stop_on)
        signal.signal(signal.SIGINT, _stop_on)
        _die_with_parent()
        _fewer_malloc_arenas()  # before serve_one starts the threads
        if os.getppid() != parent:  # the supervisor died before prctl took effect
            raise KeyboardInterrupt
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _WATCHED)
        serve_one()
    except KeyboardInterrupt:
        pass
    except Retired:
        code = RETIRED_EXIT
    except BaseException as exc:  # noqa: BLE001 - a worker must never return into the parent's code
        print(f"reportsearch worker {os.getpid()} stopped: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)  # nothing may interrupt the exit below
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return 0  # unreachable: os._exit above


class Supervisor:
    """Keeps `workers` forked processes running serve_one() until stopped (SIGTERM/SIGINT to this process)."""

    def __init__(self, serve_one: Callable[[], None], workers: int, log: Callable[[str], None]) -> None:
        self.serve_one, self.workers, self.log = serve_one, workers, log
        self.started: dict[int, float] = {}
        self.quick_deaths = 0

    def run(self) -> int:
        """Start the workers and restart any that dies; on a stop signal, stop them all. The exit code."""
        # What this process holds now is the workers' shared start: the collector must not write into those
        # objects in every worker (copy-on-write would copy their pages; ≈ 20 MB less PSS at 100k paragraphs).
        gc.collect()
        gc.freeze()
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
        try:
            for _ in range(self.workers):
                self._start()
            return self._watch()
        finally:
            self._stop_all()
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def _start(self) -> None:
        self.started[_start_worker(self.serve_one, os.getpid())] = time.monotonic()

    def _watch(self) -> int:
        while True:
            info = signal.sigwaitinfo(_WATCHED)
            if info.si_signo in _STOP_SIGNALS:
                return 0
            for pid, status in self._reap():
                lived = time.monotonic() - self.started.pop(pid)
                if os.WIFEXITED(status) and os.WEXITSTATUS(status) == RETIRED_EXIT:
                    self.log(f"worker {pid} retired after {lived:.1f}s: starting another")
                    self._start()
                    continue
                self.log(f"worker {pid} exited ({_describe(status)}) after {lived:.1f}s: starting another")
                self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH else 0
                if self.quick_deaths >= MAX_QUICK_DEATHS:
                    self.log(f"workers keep exiting right after start ({MAX_QUICK_DEATHS} in a row): stopping the server")
                    return 1
                if self.quick_deaths:
                    time.sleep(RESTART_PAUSE)
                self._start()

    def _reap(self) -> list[tuple[int, int]]:
        """The workers that have exited (one SIGCHLD may stand for several), reaped."""
        out = []
        while self.started:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
            if pid in self.started:
                out.append((pid, status))
        return out

    def _stop_all(self) -> None:
        for pid in list(self.started):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_TIMEOUT
        while self.started and time.monotonic() < deadline:
            for pid, _ in self._reap():
                self.started.pop(pid, None)
            if self.started:
                time.sleep(0.05)
        for pid in list(self.started):  # did not stop in time
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.started.pop(pid, None)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
