"""``core.ports.SpeechToText``: any OpenAI-compatible transcription API
(``POST {STT_BASE_URL}/audio/transcriptions``, multipart ``file`` and
``model``, as OpenAI, Groq, faster-whisper-server, whisper.cpp's server,
LocalAI and vLLM serve it), or none.

Short timeouts; 429, 5xx and transport errors are retried with backoff
(``adapters.ai.http``); anything else, or an answer without text, is
``AiFailed``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import NoReturn

import httpx

from adapters.ai.http import ApiClient, Retries, api_url, bearer_headers, send
from core.errors import AiFailed
from core.speech import AudioFormat

log = logging.getLogger(__name__)

TRANSCRIBE_FAILED = "Failed to transcribe the recording"
NOT_CONFIGURED = "Speech to text is not set up on this server"
TEXT_MAX = 20_000
"""The most text a transcript may hold (5 minutes of speech is far less)."""


def _failed(reason: str, cause: BaseException | None = None) -> NoReturn:
    log.warning("Speech to text failed: %s", reason)
    raise AiFailed(TRANSCRIBE_FAILED) from cause


class OpenAiTranscription(ApiClient):
    """Transcribes with ``model`` at ``base_url`` (``/v1`` is added to a
    bare server address), sending ``api_key`` as a bearer token when set."""

    available = True

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout: float = 30.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            retries=Retries(max_retries, backoff, sleep),
            headers=bearer_headers("application/json", api_key),
            http=http,
        )
        self._url = api_url(base_url, "/audio/transcriptions")
        self._model = model

    def transcribe(self, data: bytes, audio_format: AudioFormat) -> str:
        request = self._http.build_request(
            "POST",
            self._url,
            files={"file": (f"answer.{audio_format.value}", data, audio_format.media_type)},
            data={"model": self._model, "response_format": "json"},
            headers=self._headers,
            timeout=self._timeout,
        )
        response = send(self._http, request, self._retries, _failed)
        try:
            text = response.json()["text"]
        except (ValueError, KeyError, TypeError) as exc:
            _failed(f"unusable answer: {response.text[:200]!r}", exc)
        if not isinstance(text, str):
            _failed(f"text is a {type(text).__name__}")
        if len(text) > TEXT_MAX:
            _failed(f"{len(text)} characters of text")
        return text.strip()


class NoTranscription:
    """No speech to text on this server (the default)."""

    available = False

    def transcribe(self, data: bytes, audio_format: AudioFormat) -> str:
        raise AiFailed(NOT_CONFIGURED)
