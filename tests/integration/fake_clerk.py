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
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.served import Served, send_json

SECRET_KEY = "sk_test_darasa_fake"


class FakeClerk(Served):
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

        self._serve(Handler)
        self.base_url = self.origin
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
            send_json(request, 200, self.jwks_body)
        elif request.path.startswith("/v1/users/"):
            with self._lock:
                self.hits["users"] += 1
            if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                send_json(request, 401, b'{"errors": [{"code": "authentication_invalid"}]}')
                return
            user = self.users.get(unquote(request.path.removeprefix("/v1/users/")))
            if user is None:
                send_json(request, 404, b'{"errors": [{"code": "resource_not_found"}]}')
            else:
                send_json(request, 200, json.dumps(user).encode())
        else:
            send_json(request, 404, b"{}")

