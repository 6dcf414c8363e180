"""What the tests' fakes of outside services (OpenAI-compatible chat and
speech, Clerk, Hume) share: a real HTTP server on 127.0.0.1, on an
ephemeral port, served from a background thread while the fake is used as a
context manager."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from werkzeug.serving import make_server


class Served:
    """Base of a fake server. Its ``__init__`` calls ``_serve`` with a
    ``BaseHTTPRequestHandler`` class or a WSGI app; ``with fake:`` serves it
    and, on the way out, shuts the server down and closes its socket."""

    _server: HTTPServer
    _thread: threading.Thread

    def _serve(self, handler: type[BaseHTTPRequestHandler] | Any) -> None:
        if isinstance(handler, type):
            self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            self._server.daemon_threads = True
        else:
            self._server = make_server("127.0.0.1", 0, handler, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def send_json(request: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    """Answer ``request`` with ``body`` as JSON; a client that gave up (a
    timeout test) is no error."""
    try:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
    except OSError:
        pass
