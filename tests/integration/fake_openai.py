"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

It is a real HTTP server on an ephemeral port, in a background thread, that
answers ``POST /v1/chat/completions`` both plainly and as a server-sent-event
stream (when the request says ``"stream": true``). Each request takes the next
scripted behaviour, or the default reply when the script is empty, and every
request is recorded::

    with FakeOpenAi() as fake:
        fake.script(Status(500), Reply("Hello"))
        coach = OpenAiCoach(fake.base_url, "key", "fake-model")
        ...
        assert fake.requests[-1].body["stream"] is True

The default reply is ``DEFAULT_TEXT`` (shaped like answer feedback), or
``SAMPLE_ANALYSIS`` for requests that ask for JSON-schema output; pass
``responder`` to choose another default from the request body.
"""

from __future__ import annotations

import collections
import json
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any

from attrs import field, frozen

from tests.served import Served

DEFAULT_TEXT = """## Feedback (Rating: 7/10)
A clear answer that covers the main points; say more about trade-offs.

---

## Correct Answer
A complete answer names the trade-offs and gives an example."""

_CATEGORY = {
    "score": 7,
    "summary": "Solid, with room to improve.",
    "feedback": [
        {"type": "strength", "name": "Clear structure", "message": "Your sections are easy to scan."},
        {"type": "minor-improvement", "name": "Metrics", "message": "Quantify your results."},
    ],
}
SAMPLE_ANALYSIS: dict[str, Any] = {
    "overallScore": 7,
    "ats": _CATEGORY,
    "jobMatch": _CATEGORY,
    "writingAndFormatting": _CATEGORY,
    "keywordCoverage": _CATEGORY,
    "other": _CATEGORY,
}

_WAIT_LIMIT = 10.0
"""The longest the server waits on a gate before it drops the stream, so a
client that does not stream fails instead of hanging."""


# --- behaviours ---------------------------------------------------------------


@frozen
class Reply:
    """A successful completion. ``content`` is the whole text (the default
    reply when None); a stream sends it in ``chunks`` (by default word by
    word). With a ``gate``, the stream pauses after its first chunk until
    the test sets the event (and is dropped if it never does)."""

    content: str | None = None
    chunks: Sequence[str] | None = None
    finish_reason: str = "stop"
    done: bool = True
    """Whether a stream ends with ``data: [DONE]``."""
    gate: threading.Event | None = None


@frozen
class Slow:
    """Wait ``seconds`` before answering as ``then`` would."""

    seconds: float
    then: Reply = Reply()


@frozen
class Status:
    """An error status with a JSON error body, e.g. ``Status(429, {"Retry-After": "2"})``."""

    code: int
    headers: Mapping[str, str] = field(factory=dict)


@frozen
class MalformedBody:
    """A 200 whose body is not JSON."""


@frozen
class MalformedSse:
    """A stream that sends ``chunks`` and then an event that is not JSON."""

    chunks: Sequence[str] = ("Partial ",)


@frozen
class CutOff:
    """A stream that sends ``chunks`` and then ends without a finish reason
    or ``[DONE]``: abruptly (the connection dropped mid-body) or cleanly."""

    chunks: Sequence[str] = ("Partial ",)
    abrupt: bool = True


Behaviour = Reply | Slow | Status | MalformedBody | MalformedSse | CutOff


@frozen
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: Any
    """The parsed JSON body, or the raw text when it is not JSON."""

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    @property
    def prompt(self) -> str:
        """Every message's content, joined, for assertions on what was sent."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


def default_responder(body: Any) -> str:
    response_format = body.get("response_format") if isinstance(body, dict) else None
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        return json.dumps(SAMPLE_ANALYSIS)
    return DEFAULT_TEXT


# --- the server ---------------------------------------------------------------


class FakeOpenAi(Served):
    """The fake server as a context manager; see the module docstring."""

    def __init__(self, responder: Callable[[Any], str] = default_responder) -> None:
        self._responder = responder
        self._script: collections.deque[Behaviour] = collections.deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._serve(_handler_for(self))

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in ``/v1``."""
        return f"{self.origin}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, in order."""
        with self._lock:
            self._script.extend(behaviours)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()  # slow answers stop waiting
        super().__exit__(exc_type, exc, tb)

    def _next(self, request: RecordedRequest) -> Behaviour:
        with self._lock:
            self._requests.append(request)
            return self._script.popleft() if self._script else Reply()

    def _content(self, reply: Reply, body: Any) -> str:
        return reply.content if reply.content is not None else self._responder(body)


def _handler_for(fake: FakeOpenAi) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        owner = fake

    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: FakeOpenAi

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Keep test output quiet."""

    def do_POST(self) -> None:  # noqa: N802 - the base class's naming
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request = RecordedRequest(
            "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        if self.path.split("?")[0] != "/v1/chat/completions":
            self._json(404, {"error": {"message": "Not found", "type": "invalid_request_error"}})
            return
        behaviour = self.owner._next(request)
        try:
            self._behave(behaviour, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing left to say

    def _behave(self, behaviour: Behaviour, body: Any) -> None:
        streaming = isinstance(body, dict) and body.get("stream") is True
        model = body.get("model", "fake-model") if isinstance(body, dict) else "fake-model"
        match behaviour:
            case Slow(seconds=seconds, then=then):
                if self.owner._stopping.wait(seconds):
                    return
                self._behave(then, body)
            case Status(code=code, headers=headers):
                error = {"message": f"Fake error {code}", "type": "server_error", "code": code}
                self._json(code, {"error": error}, headers)
            case MalformedBody():
                self._send_body(200, b'{"choices": [{"message": ', "application/json")
            case MalformedSse(chunks=chunks):
                self._start_stream()
                for text in chunks:
                    self._event(_chunk(model, {"content": text}, None))
                self._write_chunk(b"data: {not json\n\n")
                self._end_chunks()
            case CutOff(chunks=chunks, abrupt=abrupt):
                self._start_stream()
                for text in chunks:
                    self._event(_chunk(model, {"content": text}, None))
                if abrupt:
                    self._drop()
                else:
                    self._end_chunks()
            case Reply() as reply if streaming:
                self._stream(reply, self.owner._content(reply, body), model)
            case Reply() as reply:
                self._json(200, _completion(model, self.owner._content(reply, body), reply))

    def _stream(self, reply: Reply, content: str, model: str) -> None:
        chunks = list(reply.chunks) if reply.chunks is not None else _words(content)
        self._start_stream()
        self._event(_chunk(model, {"role": "assistant", "content": ""}, None))
        for n, text in enumerate(chunks):
            self._event(_chunk(model, {"content": text}, None))
            if n == 0 and reply.gate is not None and not reply.gate.wait(_WAIT_LIMIT):
                self._drop()  # never opened: the client was not reading as it came
                return
        self._event(_chunk(model, {}, reply.finish_reason))
        if reply.done:
            self._write_chunk(b"data: [DONE]\n\n")
        self._end_chunks()

    # --- wire helpers ---------------------------------------------------------

    def _json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        self._send_body(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_body(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _event(self, payload: Any) -> None:
        self._write_chunk(b"data: " + json.dumps(payload).encode() + b"\n\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the connection in the middle of the body."""
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _words(content: str) -> list[str]:
    """Split text into chunks that join back to exactly the text."""
    parts = content.split(" ")
    return [part + " " for part in parts[:-1]] + [parts[-1]]


def _chunk(model: str, delta: dict[str, str], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _completion(model: str, content: str, reply: Reply) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
