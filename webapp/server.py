"""The waitress servers `serve` runs: a bound on the time to receive a request, and workers that retire.

Why subclasses of waitress: waitress closes a connection after `channel_timeout` seconds *without a byte*,
so a client that sends one header line every few seconds (slowloris) keeps its connection, and with
`connection_limit` of them a process stops accepting anyone. Here a request's line, headers and body must
all arrive within REQUEST_RECEIVE_SECONDS of its first byte (a new connection's first request within
that time of connecting), else the connection is closed; the check runs in waitress's own maintenance
pass, every CLEANUP_INTERVAL seconds, in the event loop's thread (no lock, no extra thread).

Retiring (webapp/prefork.py replaces the worker): after `max_requests` requests (plus up to 10 % jitter,
so workers do not all restart together) or once its heap (RssAnon: not the shared pages of the mapped
index) is past `max_heap_mib`, a worker stops accepting, answers what it has received with
`Connection: close`, closes keep-alive connections idle for RETIRE_IDLE_SECONDS and exits with Retired;
the listening socket stays open in the supervisor, so new connections wait in its queue for the other
workers or the replacement and no request fails.
"""

from __future__ import annotations

import random
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from socket import socket
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher, WSGITask

from indexer.limits import CONNECTION_LIMIT, IDLE_CONNECTION_SECONDS, REQUEST_RECEIVE_SECONDS
from webapp.prefork import Retired

SERVER_THREADS = 8
CLEANUP_INTERVAL = 1  # seconds between maintenance passes (idle and slow connections); each is O(connections)
RETIRE_GRACE_SECONDS = 30.0  # a retiring worker closes what is still open after this (a client that reads slowly)
# A retiring worker closes a keep-alive connection once it has been idle this long: a client in the middle of a
# series of requests sends its next one first, which is answered with Connection: close (no race with it).
RETIRE_IDLE_SECONDS = 2.0
JITTER = 0.1


def waitress_settings(header_bytes: int, body_bytes: int) -> dict[str, Any]:
    """The waitress adjustments of `serve` (documented in docs/reliability.md)."""
    return dict(
        threads=SERVER_THREADS,
        max_request_header_size=header_bytes,
        max_request_body_size=body_bytes,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_CONNECTION_SECONDS,
        cleanup_interval=CLEANUP_INTERVAL,
        expose_tracebacks=False,
        ident="reportsearch",
        # poll(), not select(): select() fails on a descriptor numbered 1,024 or more, and a process holding a
        # large index's mapped files and a few hundred connections gets there
        asyncore_use_poll=True,
    )


@dataclass(frozen=True)
class Recycling:
    """When a worker retires: after max_requests requests, or past max_heap_mib MiB of heap (0: never)."""

    max_requests: int = 0
    max_heap_mib: int = 0


def heap_mib() -> float | None:
    """This process's anonymous resident memory (RssAnon) in MiB; None where /proc does not tell."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    found = re.search(r"^RssAnon:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else None


class Lifecycle:
    """One worker's request count and retirement, shared by its servers (event loop) and its WSGI threads."""

    def __init__(self, recycling: Recycling, log: Callable[[str], None],
                 heap: Callable[[], float | None] = heap_mib, rng: random.Random | None = None) -> None:
        self.recycling, self.log, self.heap = recycling, log, heap
        jitter = int(recycling.max_requests * JITTER)
        self.request_limit = recycling.max_requests + (rng or random.Random()).randint(0, jitter)
        self.memory_checked = recycling.max_heap_mib > 0
        self.served = 0
        self.reason = ""
        self.since = 0.0
        self.servers: list[GuardedServer] = []
        self._lock = threading.Lock()

    @property
    def retiring(self) -> bool:
        """True once the worker has decided to retire (it serves what it has, accepts nothing new)."""
        return bool(self.reason)

    def retire(self, reason: str) -> None:
        """Start retiring (once): stop accepting, finish, exit."""
        with self._lock:
            if self.reason:
                return
            self.reason, self.since = reason, time.monotonic()
        self.log(f"retiring: {reason}; finishing its connections")
        for server in self.servers:
            server.pull_trigger()  # wake the event loop now rather than at its next timeout

    def on_request(self) -> None:
        """Count a request (called as it starts) and retire when a bound is reached."""
        with self._lock:
            self.served += 1
            served = self.served
        if self.recycling.max_requests and served >= self.request_limit:
            self.retire(f"served {served} requests (--max-requests {self.recycling.max_requests})")
        elif self.memory_checked and served >= 2:  # the first request opened the index: measure after it
            self._check_heap(served)

    def _check_heap(self, served: int) -> None:
        used = self.heap()
        if used is None or used <= self.recycling.max_heap_mib:
            return
        if served == 2:  # already over after one request: retiring would only repeat, each cold
            self.memory_checked = False
            self.log(f"warning: {used:.0f} MiB of heap after the first request, over --max-worker-memory "
                     f"{self.recycling.max_heap_mib}; raise it to recycle on growth (not checked for this worker)")
            return
        self.retire(f"heap {used:.0f} MiB is over --max-worker-memory {self.recycling.max_heap_mib}")

    def wrap(self, app: Callable) -> Callable:
        """app, counting each request in this lifecycle."""

        def counted(environ: dict, start_response: Callable) -> Iterable[bytes]:
            self.on_request()
            return app(environ, start_response)

        return counted


class TimedParser(HTTPRequestParser):
    """waitress's request parser, remembering when the request's first byte came."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.time()  # waitress's maintenance clock


class ClosingTask(WSGITask):
    """A response that says `Connection: close` once its worker is retiring."""

    def build_response_header(self) -> bytes:
        """The response's header, with Connection: close when the worker retires."""
        if self.channel.server.lifecycle.retiring:
            self.set_close_on_finish()
        return super().build_response_header()


class GuardedChannel(HTTPChannel):
    """A connection whose requests are timed from their first byte."""

    parser_class = TimedParser
    task_class = ClosingTask
    got_bytes = False

    def received(self, data: bytes) -> bool:
        """waitress's receive, noting that the client has sent something."""
        self.got_bytes = self.got_bytes or bool(data)
        return super().received(data)

    def receiving_since(self) -> float | None:
        """When the request being received began (its first byte; for a silent new connection, the
        connect); None while a request is being answered or the connection waits between requests."""
        if self.requests:
            return None
        if self.request is not None:
            return self.request.started
        return None if self.got_bytes else self.creation_time

    def idle(self) -> bool:
        """A keep-alive connection between requests (answered, nothing received since, nothing left to send).
        A new connection that has not sent its request yet is not idle: its request is on its way."""
        return self.got_bytes and not (self.requests or self.request is not None or self.total_outbufs_len)


class GuardedServer(TcpWSGIServer):
    """A waitress server on one listening socket that closes slow requests and retires with its worker."""

    channel_class = GuardedChannel
    lifecycle: Lifecycle
    receive_seconds: float = REQUEST_RECEIVE_SECONDS

    def maintenance(self, now: float) -> None:
        """waitress's idle timeout, plus: close a connection whose request has taken too long to arrive."""
        super().maintenance(now)
        cutoff = now - self.receive_seconds
        for channel in list(self.active_channels.values()):
            since = channel.receiving_since()
            if since is not None and since < cutoff:
                channel.will_close = True

    def readable(self) -> bool:
        """Accept while not retiring; when retiring, close idle connections and end once all are gone."""
        accepting = super().readable()  # runs maintenance when due, and waitress's connection limit
        life = self.lifecycle
        if not life.retiring:
            return accepting
        idle_since = time.time() - RETIRE_IDLE_SECONDS  # waitress's clock for last_activity
        for channel in list(self.active_channels.values()):
            if channel.idle() and channel.last_activity < idle_since:
                channel.will_close = True
        overdue = time.monotonic() - life.since > RETIRE_GRACE_SECONDS
        if overdue or not any(server.active_channels for server in life.servers):
            raise Retired(life.reason)
        return False


def make_server(app: Callable, sockets: list[socket], settings: dict[str, Any], lifecycle: Lifecycle,
                receive_seconds: float = REQUEST_RECEIVE_SECONDS) -> MultiSocketServer:
    """A server for app on the bound, listening sockets, as waitress.create_server(sockets=…) makes one,
    with GuardedServer for each socket; .run() serves until stopped (or raises Retired), .close() ends it."""
    adj = Adjustments(sockets=sockets, **settings)
    socket_map: dict = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    wrapped = lifecycle.wrap(app)
    for sock in sockets:
        server = GuardedServer(wrapped, socket_map, True, sock, dispatcher=dispatcher, adj=adj, bind_socket=False,
                               sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()))
        server.lifecycle, server.receive_seconds = lifecycle, receive_seconds
        lifecycle.servers.append(server)
    listen = [(s.effective_host, s.effective_port) for s in lifecycle.servers]
    return MultiSocketServer(socket_map, adj, listen, dispatcher, log_info=lambda *_: None)


def log_stderr(message: str) -> None:
    """A worker's log line (stderr, where the supervisor's go too)."""
    print(message, file=sys.stderr, flush=True)
