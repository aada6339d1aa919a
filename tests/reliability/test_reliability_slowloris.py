"""Slowloris at small scale: clients that send their headers a line at a time cannot starve a normal client."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from indexer.limits import CONNECTION_LIMIT
from tests.helpers.reliability import start_server, stop_server

pytestmark = pytest.mark.slow  # floods a running server with slow clients (over 20 s)

SLOW_CLIENTS = CONNECTION_LIMIT + 50  # more than one worker may hold: the rest wait in the listening queue
LINE_EVERY_S = 1.0  # each slow client sends one more header line this often, forever
PATIENCE_S = 90  # generous: on a server without a bound on header time the normal client is never answered


class SlowClients:
    """Sockets that each sent a request line and now trickle header lines; counts those the server closed."""

    def __init__(self, port: int, count: int) -> None:
        self.socks = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /api/overview HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.socks.append(sock)
        self.closed: set[int] = set()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        while not self.stopping.is_set():
            for n, sock in enumerate(self.socks):
                if n in self.closed:
                    continue
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:  # reset or broken pipe: the server closed it
                    self.closed.add(n)
            self.stopping.wait(LINE_EVERY_S)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)
        for sock in self.socks:
            sock.close()


def test_slow_header_clients_are_cut_off_and_a_normal_client_is_answered(tmp_path: Path, index_a: Path,
                                                                         corpus_a: Path) -> None:
    server = start_server(index_a, corpus_a, tmp_path / "serve.log", "--workers", "1")
    slow = None
    try:
        assert server.api_search("诉源治理")["total"] > 0
        slow = SlowClients(server.port, SLOW_CLIENTS)
        time.sleep(2 * LINE_EVERY_S)  # the worker is full of slow clients now
        started = time.monotonic()
        status, body, _ = server.get("/api/search?q=%E6%89%A7%E8%A1%8C", timeout=PATIENCE_S)
        waited = time.monotonic() - started
        assert status == 200 and b'"total"' in body
        print(f"\nnormal client answered after {waited:.1f} s behind {SLOW_CLIENTS} slow clients")
        # Every slow client is cut off by the server, however steadily it trickles.
        deadline = time.monotonic() + PATIENCE_S
        while len(slow.closed) < SLOW_CLIENTS and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(slow.closed) == SLOW_CLIENTS, f"{SLOW_CLIENTS - len(slow.closed)} slow clients still connected"
        assert server.alive()
    finally:
        if slow is not None:
            slow.close()
        stop_server(server.proc)
    assert "Traceback" not in server.log.read_text("utf-8", "replace")
