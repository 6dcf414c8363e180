"""The wire envelope: how a result or a failure becomes an HTTP response."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

from adapters.web.converter import unstructure
from core.errors import DEFAULT_MESSAGES, ErrorCode, Failure
from core.pipeline import Success

STATUS: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.VALIDATION: 422,
    ErrorCode.PLAN_LIMIT: 403,
    ErrorCode.RATE_LIMIT: 429,
    ErrorCode.NOT_COMPLETED: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA: 415,
    ErrorCode.AI_FAILED: 502,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.CONFLICT: 409,
    ErrorCode.INTERNAL: 500,
}


def success_body(data: object = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": False}
    if data is not None:
        body.update(unstructure(data))
    return body


def failure_body(failed: Failure) -> dict[str, Any]:
    body: dict[str, Any] = {"error": True, "code": failed.code.value, "message": failed.message}
    body.update(failed.extra)
    if failed.code is ErrorCode.INTERNAL:
        body["requestId"] = g.get("request_id", "")
    return body


def body_of(result: Success[Any] | Failure) -> dict[str, Any]:
    return failure_body(result) if isinstance(result, Failure) else success_body(result.data)


def success(data: object = None) -> Response:
    return jsonify(success_body(data))


def failure(failed: Failure) -> Response:
    response = jsonify(failure_body(failed))
    response.status_code = STATUS[failed.code]
    if failed.code is ErrorCode.RATE_LIMIT and "retryAfter" in failed.extra:
        response.headers["Retry-After"] = str(failed.extra["retryAfter"])
    return response


def refuse(code: ErrorCode, message: str | None = None, **extra: object) -> Response:
    return failure(Failure(code, message or DEFAULT_MESSAGES[code], extra))


def render(result: Success[Any] | Failure) -> Response:
    return failure(result) if isinstance(result, Failure) else success(result.data)
