"""Serving with several processes: one listening socket, bound before forking, served by N waitress servers.

Why: search is pure Python, so one process answers on one core however many threads it has (the GIL).
Each worker is a forked copy of the started app (jieba's dictionary loaded once, pages shared), and the
build's files are memory-mapped read-only (indexer/index/arrays.py, whoosh_compat.MappedStorage), so
workers share the index through the page cache instead of holding copies. Each worker opens the index
itself, after the fork: Whoosh readers seek shared file objects, which processes must not share.
"""

from __future__ import annotations

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


def default_workers() -> int:
    """One worker per CPU, at most 4 (each holds its own Python heap and jieba's dictionary)."""
    return max(1, min(4, os.cpu_count() or 1))


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A bound, listening, non-blocking TCP socket on host:port (port 0: any free port)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def _stop_on(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # server.run() ends and the worker closes its server


def _start_worker(serve_one: Callable[[], None]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, _stop_on)
        signal.signal(signal.SIGINT, _stop_on)
        serve_one()
    except KeyboardInterrupt:
        pass
    except BaseException as exc:  # noqa: BLE001 - a worker must never return into the parent's code
        print(f"reportsearch worker {os.getpid()} stopped: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return 0  # unreachable: os._exit above


class _Stop(Exception):
    """Raised by the supervisor's signal handler: it must interrupt a blocking waitpid (PEP 475 retries it)."""


class Supervisor:
    """Keeps `workers` forked processes running serve_one() until stopped (SIGTERM/SIGINT to this process)."""

    def __init__(self, serve_one: Callable[[], None], workers: int, log: Callable[[str], None]) -> None:
        self.serve_one, self.workers, self.log = serve_one, workers, log
        self.started: dict[int, float] = {}
        self.quick_deaths = 0

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        raise _Stop

    def run(self) -> int:
        """Start the workers and restart any that dies; on a stop signal, stop them all. The exit code."""
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for _ in range(self.workers):
                self.started[_start_worker(self.serve_one)] = time.monotonic()
            return self._watch()
        except _Stop:
            return 0
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not interrupt the shutdown
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self._stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _watch(self) -> int:
        while True:
            try:
                pid, status = os.waitpid(-1, 0)  # until a worker exits or _stop raises
            except ChildProcessError:
                return 1
            if pid not in self.started:
                continue
            lived = time.monotonic() - self.started.pop(pid)
            self.log(f"worker {pid} exited ({_describe(status)}) after {lived:.1f}s: starting another")
            self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH else 0
            if self.quick_deaths >= MAX_QUICK_DEATHS:
                self.log(f"workers keep exiting right after start ({MAX_QUICK_DEATHS} in a row): stopping the server")
                return 1
            time.sleep(RESTART_PAUSE if self.quick_deaths else 0)
            self.started[_start_worker(self.serve_one)] = time.monotonic()

    def _stop_all(self) -> None:
        for pid in list(self.started):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.started.pop(pid)
        deadline = time.monotonic() + 20
        while self.started and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                self.started.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in self.started:  # did not stop in time
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
