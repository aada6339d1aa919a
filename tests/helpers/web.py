"""Web test helpers: a live waitress server for an app, in a background thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """app served by a real waitress server on 127.0.0.1:<free port>, in a background thread: its base URL."""
    import waitress
    from waitress import wasyncore

    from webapp.cli import MAX_REQUEST_HEADER_BYTES

    server = waitress.create_server(
        app, host="127.0.0.1", port=0, threads=4, max_request_header_size=MAX_REQUEST_HEADER_BYTES,
        expose_tracebacks=False, ident="reportsearch", asyncore_use_poll=True,
    )
    stopping = threading.Event()

    def run() -> None:
        # server.run() cannot be stopped from another thread without racing its select(); poll a flag instead.
        while not stopping.is_set():
            # poll(), as `serve` does: a test session holding many indexes' files open has descriptors past
            # select()'s limit of 1,024
            wasyncore.loop(timeout=0.1, map=server._map, use_poll=True, count=1)
        server.task_dispatcher.shutdown()
        # a channel whose client has gone but that the loop has not serviced yet still holds its output
        # buffers (a temp file for a large page): close them, not just the sockets (else a ResourceWarning)
        for channel in list(server.active_channels.values()):
            channel.handle_close()
        wasyncore.close_all(server._map)

    thread = threading.Thread(target=run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        thread.join(timeout=30)
