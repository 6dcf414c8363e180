"""Slow clients against the embedded default server (issue 8, finding 4):
with a hundred and more connections trickling their headers or bodies,
``darasa serve`` keeps answering everyone else at once — slow clients hold a
socket each, never one of its threads."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx

from tests.e2e.conftest import Server, sign_up

SLOW_CLIENTS = 120


def _trickling(server: Server, stack: ExitStack, head: bytes) -> Iterator[socket.socket]:
    port = int(server.url.rsplit(":", 1)[1])
    for _ in range(SLOW_CLIENTS):
        sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
        sock.sendall(head)  # and then nothing more, for now
        yield sock


def test_slow_clients_never_stop_the_server_for_others(server: Server, client: httpx.Client) -> None:
    account = sign_up(client, "Wanjiru")
    heads = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n",  # headers that never end
        b"POST /actions/listJobInfos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{",  # a body that never comes
    ]
    for head in heads:
        with ExitStack() as stack:
            slow = list(_trickling(server, stack, head))
            time.sleep(0.5)
            for sock in slow[:10]:
                sock.sendall(b" ")  # still there, still slow
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            listed = client.post("/actions/listJobInfos", json={}, headers=account.bearer)
            assert listed.status_code == 200 and listed.json()["error"] is False
            assert time.monotonic() - started < 2.0
