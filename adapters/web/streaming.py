"""Server-sent events for actions whose answer is streamed: each piece of
text as a ``delta`` event as it is produced, then one ``result`` event that
carries the normal envelope (success, or the failure that cut it short)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from flask import Request, Response, stream_with_context

from adapters.web.envelope import body_of
from core.errors import DEFAULT_MESSAGES, ActionFailed, ErrorCode, Failure
from core.pipeline import Result, Streaming, Success

log = logging.getLogger(__name__)


def wants_events(request: Request) -> bool:
    """The client asked for events over JSON (``*/*`` alone means JSON)."""
    accepts = request.accept_mimetypes
    return accepts["text/event-stream"] > accepts["application/json"]


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _events(streaming: Streaming[Any]) -> Iterator[str]:
    parts: list[str] = []
    result: Result
    try:
        for chunk in streaming.chunks:
            parts.append(chunk)
            yield _event("delta", {"text": chunk})
        result = Success(streaming.finish("".join(parts)))
    except ActionFailed as failed:
        result = failed.failure()
    except Exception:  # noqa: BLE001 - the stream has begun: report, never crash the worker
        log.exception("streamed action failed")
        result = Failure(ErrorCode.INTERNAL, DEFAULT_MESSAGES[ErrorCode.INTERNAL])
    yield _event("result", body_of(result))


def event_stream(streaming: Streaming[Any]) -> Response:
    response = Response(stream_with_context(_events(streaming)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response
