"""The Hume transcript reader against a fake EVI chat-events API on 127.0.0.1."""

from __future__ import annotations

import json
import math
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.ai.hume import HumeTranscripts
from core.domain import Speaker, TranscriptEntry
from core.errors import AiFailed
from tests.served import Served, send_json

API_KEY = "hume-test-key"
START_MS = 1_716_244_940_762


class FakeHume(Served):
    """Serves ``GET /v0/evi/chats/{id}`` from ``chats`` with Hume's paging;
    ``bodies`` overrides the raw answer for a chat id."""

    def __init__(self) -> None:
        self.chats: dict[str, list[dict[str, Any]]] = {}
        self.bodies: dict[str, tuple[int, bytes]] = {}
        self.failures: list[int] = []
        """Statuses to answer first, one a request, whatever is asked."""
        self.requests: list[tuple[str, dict[str, list[str]], str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                """Quiet."""

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                fake.requests.append((url.path, query, self.headers.get("X-Hume-Api-Key")))
                chat_id = url.path.removeprefix("/v0/evi/chats/")
                if fake.failures:
                    send_json(self, fake.failures.pop(0), b'{"message": "Try again"}')
                elif self.headers.get("X-Hume-Api-Key") != API_KEY:
                    send_json(self, 401, b'{"message": "Invalid API key"}')
                elif chat_id in fake.bodies:
                    send_json(self, *fake.bodies[chat_id])
                elif chat_id in fake.chats:
                    send_json(self, 200, fake.page(chat_id, query))
                else:
                    send_json(self, 404, b'{"message": "Chat not found"}')

        self._serve(Handler)

    @property
    def base_url(self) -> str:
        return self.origin

    def page(self, chat_id: str, query: dict[str, list[str]]) -> bytes:
        events = self.chats[chat_id]
        number, size = int(query["page_number"][0]), int(query["page_size"][0])
        return json.dumps(
            {
                "id": chat_id,
                "chat_group_id": "group-1",
                "status": "USER_ENDED",
                "start_timestamp": START_MS,
                "pagination_direction": "ASC",
                "events_page": events[number * size : (number + 1) * size],
                "page_number": number,
                "page_size": size,
                "total_pages": math.ceil(len(events) / size),
            }
        ).encode()



def event(n: int, kind: str, role: str, text: str) -> dict[str, Any]:
    return {
        "id": f"event-{n}",
        "chat_id": "chat-1",
        "timestamp": START_MS + n * 1000,
        "role": role,
        "type": kind,
        "message_text": text,
        "emotion_features": "{}",
        "metadata": "",
    }


def conversation(turns: int) -> list[dict[str, Any]]:
    """A system prompt, then alternating agent and user messages with an
    interruption and a tool call now and then."""
    events = [event(0, "SYSTEM_PROMPT", "SYSTEM", "You are an interviewer.")]
    for n in range(1, turns + 1):
        if n % 2:
            events.append(event(n, "AGENT_MESSAGE", "AGENT", f"Question {n}?"))
        else:
            events.append(event(n, "USER_MESSAGE", "USER", f"Answer {n}."))
        if n % 37 == 0:
            events.append(event(n, "USER_INTERRUPTION", "USER", ""))
        if n % 53 == 0:
            events.append(event(n, "FUNCTION_CALL", "TOOL", '{"name": "lookup"}'))
    return events


@pytest.fixture
def hume() -> Iterator[FakeHume]:
    with FakeHume() as server:
        yield server


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def reader(hume: FakeHume, waits: list[float]) -> Iterator[HumeTranscripts]:
    r = HumeTranscripts(API_KEY, base_url=hume.base_url, sleep=waits.append)
    yield r
    r.close()


def test_reads_every_page_of_a_chat_in_order(hume: FakeHume, reader: HumeTranscripts) -> None:
    hume.chats["chat-1"] = conversation(240)  # with the other events: 3 pages of 100

    transcript = reader.transcript("chat-1")

    assert [path for path, _, _ in hume.requests] == ["/v0/evi/chats/chat-1"] * 3
    assert [q["page_number"] for _, q, _ in hume.requests] == [["0"], ["1"], ["2"]]
    assert all(q["page_size"] == ["100"] for _, q, _ in hume.requests)
    assert len(transcript) == 240
    assert transcript[0] == TranscriptEntry(
        Speaker.INTERVIEWER, "Question 1?", datetime.fromtimestamp((START_MS + 1000) / 1000, UTC)
    )
    assert transcript[1].speaker is Speaker.CANDIDATE
    assert transcript[1].text == "Answer 2."
    assert transcript[-1].text == "Answer 240."
    assert [entry.at for entry in transcript] == sorted(entry.at for entry in transcript)
    assert transcript[-1].at == datetime(2024, 5, 20, 22, 46, 20, 762000, tzinfo=UTC)


def test_a_page_that_fails_for_a_while_is_asked_again_with_backoff(
    hume: FakeHume, reader: HumeTranscripts, waits: list[float]
) -> None:
    hume.chats["chat-1"] = conversation(150)
    reader.transcript("chat-1")  # page 0 and page 1
    hume.requests.clear()
    hume.failures = [503, 429, 500]

    transcript = reader.transcript("chat-1")

    assert len(transcript) == 150
    assert [q["page_number"] for _, q, _ in hume.requests] == [["0"]] * 4 + [["1"]]
    assert waits == [0.5, 1.0, 2.0]


def test_a_chat_that_keeps_failing_gives_up(
    hume: FakeHume, reader: HumeTranscripts, waits: list[float]
) -> None:
    hume.chats["chat-1"] = conversation(4)
    hume.failures = [500] * 4

    with pytest.raises(AiFailed, match="^Failed to read the interview transcript$"):
        reader.transcript("chat-1")
    assert len(hume.requests) == 4
    assert len(waits) == 3


def test_a_chat_without_events_has_an_empty_transcript(
    hume: FakeHume, reader: HumeTranscripts
) -> None:
    hume.chats["quiet"] = []

    assert reader.transcript("quiet") == []


def test_a_chat_id_cannot_reach_another_path(hume: FakeHume, reader: HumeTranscripts) -> None:
    with pytest.raises(AiFailed):
        reader.transcript("../configs")

    assert hume.requests[0][0] == "/v0/evi/chats/..%2Fconfigs"


def test_an_unknown_chat_fails(reader: HumeTranscripts) -> None:
    with pytest.raises(AiFailed, match="^Failed to read the interview transcript$"):
        reader.transcript("no-such-chat")


def test_a_wrong_api_key_fails(hume: FakeHume) -> None:
    hume.chats["chat-1"] = conversation(4)
    reader = HumeTranscripts("wrong-key", base_url=hume.base_url)

    with pytest.raises(AiFailed, match="^Failed to read the interview transcript$"):
        reader.transcript("chat-1")
    reader.close()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"message": "Internal error"}'),
        (200, b"<html>not json</html>"),
        (200, b'{"events_page": "nope", "total_pages": 1}'),
        (200, b'{"events_page": []}'),
        (200, json.dumps({"events_page": [event(1, "USER_MESSAGE", "USER", None)],
                          "total_pages": 1}).encode()),
        (200, json.dumps({"events_page": [event(1, "AGENT_MESSAGE", "ROBOT", "hi")],
                          "total_pages": 1}).encode()),
    ],
    ids=["server-error", "not-json", "events-not-a-list", "no-total-pages", "message-without-text",
         "unknown-role"],
)
def test_an_unusable_answer_fails(
    hume: FakeHume, reader: HumeTranscripts, status: int, body: bytes
) -> None:
    hume.bodies["broken"] = (status, body)

    with pytest.raises(AiFailed, match="^Failed to read the interview transcript$"):
        reader.transcript("broken")


def test_an_unreachable_server_fails() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once it is closed
    reader = HumeTranscripts(API_KEY, base_url=f"http://127.0.0.1:{port}", sleep=lambda _: None)

    with pytest.raises(AiFailed, match="^Failed to read the interview transcript$"):
        reader.transcript("chat-1")
    reader.close()
