"""A fake Clerk on 127.0.0.1, for tests: a real HTTP server in a background
thread that serves a JWKS (``GET /.well-known/jwks.json``, replaceable
mid-test for key rotation) and the Backend API's ``GET /v1/users/{id}``
(for the secret key ``SECRET_KEY`` only). It counts the requests it gets::

    with FakeClerk(jwks=[issuer.jwk]) as clerk:
        keys = JwksKeys(clerk.jwks_url, clock)
        ...
        assert clerk.hits["jwks"] == 1
"""

from __future__ import annotations

import collections
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote

SECRET_KEY = "sk_test_darasa_fake"


class FakeClerk:
    def __init__(
        self, jwks: list[dict[str, Any]] | None = None, users: dict[str, Any] | None = None
    ) -> None:
        self.jwks_body: bytes = json.dumps({"keys": jwks or []}).encode()
        self.users: dict[str, Any] = dict(users or {})
        self.delay = 0.0
        self.hits: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                fake._answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.jwks_url = f"{self.base_url}/.well-known/jwks.json"
        self.api_url = f"{self.base_url}/v1"

    def serve_keys(self, *jwks: dict[str, Any]) -> None:
        """From now on the JWKS holds these keys (a rotation)."""
        self.jwks_body = json.dumps({"keys": list(jwks)}).encode()

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        if request.path == "/.well-known/jwks.json":
            with self._lock:
                self.hits["jwks"] += 1
            self._send(request, 200, self.jwks_body)
        elif request.path.startswith("/v1/users/"):
            with self._lock:
                self.hits["users"] += 1
            if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                self._send(request, 401, b'{"errors": [{"code": "authentication_invalid"}]}')
                return
            user = self.users.get(unquote(request.path.removeprefix("/v1/users/")))
            if user is None:
                self._send(request, 404, b'{"errors": [{"code": "resource_not_found"}]}')
            else:
                self._send(request, 200, json.dumps(user).encode())
        else:
            self._send(request, 404, b"{}")

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except OSError:
            pass  # the client gave up (a timeout test)

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
