"""A serving process may hold more than 1,024 descriptors (a large index's mapped files, many connections):
the server's event loop must still answer, which select() cannot (it fails on a descriptor numbered 1,024
or more; waitress uses it unless told to poll)."""

from __future__ import annotations

import os
import resource
import threading
import urllib.request
from urllib.parse import quote

import pytest

from indexer.limits import MAX_REQUEST_BODY_BYTES, MAX_REQUEST_HEADER_BYTES
from webapp.prefork import Retired, listening_sockets
from webapp.server import Lifecycle, Recycling, make_server, waitress_settings

HELD = 1100  # descriptors opened before serving: the server's own sockets are numbered above 1,024


@pytest.fixture()
def many_descriptors():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < HELD + 200:  # a low soft limit is raised as far as the hard one allows (any process may)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, HELD + 400), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(HELD)]
    try:
        yield held
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_server_answers_with_descriptors_past_1024(app, many_descriptors) -> None:
    socks = listening_sockets("127.0.0.1", 0)
    assert max(s.fileno() for s in socks) > 1024
    life = Lifecycle(Recycling(), lambda message: None)
    server = make_server(app, socks, waitress_settings(MAX_REQUEST_HEADER_BYTES, MAX_REQUEST_BODY_BYTES), life)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run()
        except Retired:
            pass
        except BaseException as exc:  # noqa: BLE001 - the test reports what stopped the loop
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        port = socks[0].getsockname()[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={quote('法院')}", timeout=30) as reply:
            assert reply.status == 200 and b'"total"' in reply.read()
        assert not failure
    finally:
        life.retire("test over")
        thread.join(timeout=30)
        server.close()
        for sock in socks:
            sock.close()
    assert not thread.is_alive() and not failure
