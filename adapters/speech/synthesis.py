"""``core.ports.SpeechSynthesis``: the interviewer's voice from any
OpenAI-compatible speech API (``POST {TTS_BASE_URL}/audio/speech`` with
``model``, ``input`` and ``voice``, answered with MP3), or none — the
browser's own speech synthesis then speaks.

Short timeouts, retries with backoff on 429/5xx (``adapters.ai.http``); an
answer that is not MP3, or is larger than ``AUDIO_MAX_BYTES``, is
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

log = logging.getLogger(__name__)

SPEAK_FAILED = "Failed to give the interviewer a voice"
AUDIO_MAX_BYTES = 5 * 1024 * 1024


def _failed(reason: str, cause: BaseException | None = None) -> NoReturn:
    log.warning("Text to speech failed: %s", reason)
    raise AiFailed(SPEAK_FAILED) from cause


def _is_mp3(data: bytes) -> bool:
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


class OpenAiSpeech(ApiClient):
    """Speaks with ``model`` and ``voice`` at ``base_url``."""

    available = True

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        voice: str,
        timeout: float = 20.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            retries=Retries(max_retries, backoff, sleep),
            headers=bearer_headers("audio/mpeg", api_key),
            http=http,
        )
        self._url = api_url(base_url, "/audio/speech")
        self._model = model
        self._voice = voice

    def speak(self, text: str) -> bytes:
        body = {"model": self._model, "input": text, "voice": self._voice, "response_format": "mp3"}
        request = self._http.build_request(
            "POST", self._url, json=body, headers=self._headers, timeout=self._timeout
        )
        response = send(self._http, request, self._retries, _failed, stream=True)
        try:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > AUDIO_MAX_BYTES:
                    _failed(f"more than {AUDIO_MAX_BYTES} bytes of audio")
                chunks.append(chunk)
        except httpx.HTTPError as exc:
            _failed(f"audio cut off: {type(exc).__name__}", exc)
        finally:
            response.close()
        audio = b"".join(chunks)
        if not _is_mp3(audio):
            _failed(f"not MP3: {audio[:40]!r}")
        return audio


class NoSpeech:
    """No server voice (the default): the browser speaks."""

    available = False

    def speak(self, text: str) -> bytes:
        raise AiFailed(SPEAK_FAILED)
