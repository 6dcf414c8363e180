"""Round trips counted on the wire: a TCP proxy on 127.0.0.1 between a client
and its server (PostgreSQL, Redis, anything) that counts how many times the
client speaks after the server has answered.

A round trip is a turn of the conversation: the client sends (one or several
packets), the server answers. Counting turns rather than statements shows
what a driver really costs — a pool's pre-ping, BEGIN and COMMIT, and a
pipelined batch sent in one go counted once.

    with RoundTripProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
        ...
        before = proxy.round_trips
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Self

BUFFER = 65_536


class _Conversation:
    """One client connection: whose turn it was last."""

    def __init__(self, proxy: RoundTripProxy) -> None:
        self.proxy = proxy
        self.client_spoke_last = False
        self.lock = threading.Lock()

    def client_sent(self) -> None:
        with self.lock:
            if not self.client_spoke_last:
                self.client_spoke_last = True
                self.proxy.count()

    def server_sent(self) -> None:
        with self.lock:
            self.client_spoke_last = False


class RoundTripProxy:
    """Forwards every connection made to ``127.0.0.1:port`` to
    ``host:upstream_port`` and counts the client's turns in ``round_trips``."""

    def __init__(self, host: str, upstream_port: int) -> None:
        self._upstream = (host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._round_trips = 0
        self._closed = False
        self._sockets: list[socket.socket] = []

    @property
    def round_trips(self) -> int:
        with self._lock:
            return self._round_trips

    def count(self) -> None:
        with self._lock:
            self._round_trips += 1

    def __enter__(self) -> Self:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closed = True
        self._listener.close()
        for sock in list(self._sockets):
            sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._upstream)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._sockets.append(sock)
            conversation = _Conversation(self)
            threading.Thread(
                target=self._pump, args=(client, server, conversation.client_sent), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(server, client, conversation.server_sent), daemon=True
            ).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket, heard: object) -> None:
        assert callable(heard)
        try:
            while data := source.recv(BUFFER):
                heard()
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
