"""A fake OpenAI-compatible speech server on 127.0.0.1, for tests.

A real HTTP server (werkzeug, in a background thread) on an ephemeral port
that answers ``POST /v1/audio/transcriptions`` (speech to text) and
``POST /v1/audio/speech`` (text to speech). Each request takes the next
scripted behaviour; when the script is empty a transcription answers the
next of ``texts`` (the last one again once they run out) and speech answers
``voice`` (MP3). Every request is recorded::

    with FakeSpeech(texts=["Hello there"]) as fake:
        fake.script(Status(429), Slow(2.0))
        stt = OpenAiTranscription(fake.base_url, "key", "whisper-1")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence

from attrs import field, frozen
from flask import Flask, Response, jsonify, request

from tests.audio_files import encoded, tone
from tests.served import Served

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
    """One transcription request as the server received it."""

    model: str | None
    filename: str | None
    content_type: str | None
    size: int
    authorization: str | None


@frozen
class Asked:
    """One speech request as the server received it."""

    body: object
    authorization: str | None


class FakeSpeech(Served):
    def __init__(self, texts: Sequence[str] = (DEFAULT_TEXT,)) -> None:
        self.texts = list(texts)
        self.voice = encoded(tone(0.5), "mp3")
        self.requests: list[Heard] = []
        self.spoken: list[Asked] = []
        self._script: list[Behaviour] = []
        self._answered = 0
        self._lock = threading.Lock()
        app = Flask("fake_stt")
        app.add_url_rule("/v1/audio/transcriptions", view_func=self._transcribe, methods=["POST"])
        app.add_url_rule("/v1/audio/speech", view_func=self._speak, methods=["POST"])
        self._serve(app)

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def _next(self) -> Behaviour | None:
        with self._lock:
            return self._script.pop(0) if self._script else None

    def _misbehave(self, behaviour: Behaviour | None) -> Response | tuple[Response, int, Mapping[str, str]] | None:
        """The answer a scripted misbehaviour gives, if it gives one."""
        if isinstance(behaviour, Status):
            return jsonify(error={"message": "scripted"}), behaviour.code, dict(behaviour.headers)
        if isinstance(behaviour, Malformed):
            return Response(behaviour.body, 200, content_type="application/json")
        if isinstance(behaviour, Slow):
            time.sleep(behaviour.seconds)
        return None

    def _speak(self) -> Response | tuple[Response, int, Mapping[str, str]]:
        with self._lock:
            self.spoken.append(Asked(request.get_json(silent=True), request.headers.get("Authorization")))
        answer = self._misbehave(self._next())
        if answer is not None:
            return answer
        return Response(self.voice, 200, content_type="audio/mpeg")

    def _transcribe(self) -> Response | tuple[Response, int, Mapping[str, str]]:
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        with self._lock:
            self.requests.append(
                Heard(request.form.get("model"), upload.filename if upload else None,
                      upload.mimetype if upload else None, len(data),
                      request.headers.get("Authorization"))
            )
        answer = self._misbehave(self._next())
        if answer is not None:
            return answer
        if upload is None or not request.form.get("model"):
            return jsonify(error={"message": "file and model are required"}), 400, {}
        with self._lock:
            text = self.texts[min(self._answered, len(self.texts) - 1)]
            self._answered += 1
        return jsonify(text=text)

