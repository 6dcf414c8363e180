"""A fake OpenAI-compatible transcription server on 127.0.0.1, for tests.

A real HTTP server (werkzeug, in a background thread) on an ephemeral port
that answers ``POST /v1/audio/transcriptions``. Each request takes the next
scripted behaviour, or, when the script is empty, answers the next of
``texts`` (the last one again once they run out); every request is recorded::

    with FakeStt(texts=["Hello there"]) as fake:
        fake.script(Status(429), Slow(2.0))
        stt = OpenAiTranscription(fake.base_url, "key", "whisper-1")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Self

from attrs import field, frozen
from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

DEFAULT_TEXT = "I have built Django services for six years, um, mostly payments."


@frozen
class Slow:
    """Wait ``seconds`` before answering the next text."""

    seconds: float


@frozen
class Status:
    """An error status with a JSON error body."""

    code: int
    headers: Mapping[str, str] = field(factory=dict)


@frozen
class Malformed:
    """A 200 whose body is ``body`` (by default not JSON at all)."""

    body: str = "<html>oops</html>"


Behaviour = Slow | Status | Malformed


@frozen
class Heard:
    """One request as the server received it."""

    model: str | None
    filename: str | None
    content_type: str | None
    size: int
    authorization: str | None


class FakeStt:
    def __init__(self, texts: Sequence[str] = (DEFAULT_TEXT,)) -> None:
        self.texts = list(texts)
        self.requests: list[Heard] = []
        self._script: list[Behaviour] = []
        self._answered = 0
        self._lock = threading.Lock()
        app = Flask("fake_stt")
        app.add_url_rule("/v1/audio/transcriptions", view_func=self._transcribe, methods=["POST"])
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def _transcribe(self) -> Response | tuple[Response, int, Mapping[str, str]]:
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        with self._lock:
            self.requests.append(
                Heard(request.form.get("model"), upload.filename if upload else None,
                      upload.mimetype if upload else None, len(data),
                      request.headers.get("Authorization"))
            )
            behaviour = self._script.pop(0) if self._script else None
        if isinstance(behaviour, Status):
            return jsonify(error={"message": "scripted"}), behaviour.code, dict(behaviour.headers)
        if isinstance(behaviour, Malformed):
            return Response(behaviour.body, 200, content_type="application/json")
        if isinstance(behaviour, Slow):
            time.sleep(behaviour.seconds)
        if upload is None or not request.form.get("model"):
            return jsonify(error={"message": "file and model are required"}), 400, {}
        with self._lock:
            text = self.texts[min(self._answered, len(self.texts) - 1)]
            self._answered += 1
        return jsonify(text=text)

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
