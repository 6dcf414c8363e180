"""Reads a mock interview's transcript from Hume's EVI chat history.

A voice interview runs in the browser against Hume's Empathic Voice
Interface; afterwards its chat id is all darasa keeps. This adapter lists the
chat's events (``GET /v0/evi/chats/{id}``, zero-based ``page_number``, up to
100 events a page, oldest first) and keeps what was said: user messages as
the candidate's, agent messages as the interviewer's. A page that fails with
429, a 5xx status or a transport error is asked again with backoff
(``adapters.ai.http.Retries``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import quote

import httpx

from adapters.ai.http import ApiClient, Retries, send
from core.domain import Speaker, TranscriptEntry
from core.errors import AiFailed

log = logging.getLogger(__name__)

TRANSCRIPT_FAILED = "Failed to read the interview transcript"
PAGE_SIZE = 100

_SPOKEN = {"USER_MESSAGE", "AGENT_MESSAGE"}
_SPEAKERS = {"USER": Speaker.CANDIDATE, "AGENT": Speaker.INTERVIEWER}


def _failed(reason: str, cause: BaseException | None = None) -> NoReturn:
    log.warning("Hume transcript unavailable: %s", reason)
    raise AiFailed(TRANSCRIPT_FAILED) from cause


class HumeTranscripts(ApiClient):
    """Transcripts of Hume EVI chats, read with the account's API key."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "https://api.hume.ai",
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            timeout=httpx.Timeout(timeout),
            retries=Retries(max_retries, backoff, sleep),
            headers={"X-Hume-Api-Key": api_key, "Accept": "application/json"},
            http=http,
        )
        self._base_url = base_url.rstrip("/")

    def transcript(self, chat_id: str) -> list[TranscriptEntry]:
        """What was said in the chat, in order, across every page of events.
        Raises AiFailed when the chat cannot be read."""
        if not chat_id:
            _failed("no chat id")
        url = f"{self._base_url}/v0/evi/chats/{quote(chat_id, safe='')}"
        entries: list[TranscriptEntry] = []
        page, total_pages = 0, 1
        while page < total_pages:
            events, total_pages = self._page(url, page)
            entries.extend(entry for event in events if (entry := _entry(event)) is not None)
            page += 1
        return entries

    def _page(self, url: str, page: int) -> tuple[list[Any], int]:
        params: dict[str, str | int] = {"page_number": page, "page_size": PAGE_SIZE, "ascending_order": "true"}
        request = self._http.build_request(
            "GET", url, params=params, headers=self._headers, timeout=self._timeout
        )
        response = send(
            self._http, request, self._retries, lambda reason: _failed(f"page {page}: {reason}")
        )
        try:
            data = response.json()
        except ValueError as exc:
            _failed(f"page {page} is not JSON", exc)
        if not isinstance(data, dict) or not isinstance(data.get("events_page"), list):
            _failed(f"page {page} has no events_page list")
        total_pages = data.get("total_pages")
        if type(total_pages) is not int or total_pages < 0:
            _failed(f"page {page} has a bad total_pages: {total_pages!r}")
        return data["events_page"], total_pages


def _entry(event: Any) -> TranscriptEntry | None:
    """The spoken line an event carries, or None for other kinds of event."""
    if not isinstance(event, dict) or event.get("type") not in _SPOKEN:
        return None
    speaker = _SPEAKERS.get(event.get("role"))  # type: ignore[arg-type]
    text = event.get("message_text")
    timestamp = event.get("timestamp")
    if speaker is None or not isinstance(text, str) or type(timestamp) is not int:
        _failed(f"malformed message event {str(event)[:200]}")
    if not text.strip():
        return None
    return TranscriptEntry(speaker, text, datetime.fromtimestamp(timestamp / 1000, UTC))
