"""Request ids, one structured log line per request, and the last line of
defence: a backend outage becomes ``503 UNAVAILABLE`` with ``Retry-After``;
anything else unexpected becomes the INTERNAL envelope, logged with the
request id and never shown to the client."""

from __future__ import annotations

import logging
import random
import re
import time
from json.encoder import encode_basestring_ascii

from flask import Flask, Response, g
from werkzeug.exceptions import HTTPException

from adapters.web.current import current_g, current_request
from adapters.web.envelope import refuse
from adapters.web.outages import DATABASE_OUTAGES, RETRY_AFTER_SECONDS, backend_of, outages
from core.errors import ErrorCode

log = logging.getLogger("darasa.requests")

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID_KEY = "HTTP_X_REQUEST_ID"
"""The header's key in the WSGI environ."""
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_json = encode_basestring_ascii  # what json.dumps does with a str

_HTTP_CODES = {
    400: ErrorCode.VALIDATION,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA,
    429: ErrorCode.RATE_LIMIT,
    503: ErrorCode.UNAVAILABLE,
}


def _start() -> None:
    offered = current_request().environ.get(_REQUEST_ID_KEY, "")  # request.headers.get, without its lookups
    # a correlation id, not a secret: the random module's generator (reseeded
    # in every forked worker) asks the kernel for nothing, as urandom would
    here = current_g()
    here.request_id = offered if _SAFE_ID.fullmatch(offered) else f"{random.getrandbits(128):032x}"
    here.started = time.perf_counter()


def _finish(response: Response) -> Response:
    here = current_g()
    request_id = getattr(here, "request_id", "")
    response.headers[REQUEST_ID_HEADER] = request_id
    if log.isEnabledFor(logging.INFO):
        # The same JSON as json.dumps of the fields, built directly: the id
        # is [A-Za-z0-9._-], status and ms are numbers, the rest escaped.
        now = time.perf_counter()
        ms = round((now - getattr(here, "started", now)) * 1000, 2)
        served = current_request()
        ip = served.remote_addr
        log.info(
            f'{{"requestId": "{request_id}", "method": {_json(served.method)}, '
            f'"path": {_json(served.path)}, "status": {response.status_code}, "ms": {ms}, '
            f'"ip": {"null" if ip is None else _json(ip)}}}'
        )
    return response


_MESSAGES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
}


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    fallback = ErrorCode.NOT_FOUND if status == 405 else ErrorCode.INTERNAL
    response = refuse(_HTTP_CODES.get(status, fallback), _MESSAGES.get(status))
    response.status_code = status
    return response


def outage(error: Exception) -> Response:
    """A backend that is down or too slow: a quick 503 the client may retry."""
    log.warning(
        "backend unavailable, requestId=%s backend=%s error=%s",
        g.get("request_id"), backend_of(error), type(error).__name__,
    )
    return refuse(ErrorCode.UNAVAILABLE, retry_after=RETRY_AFTER_SECONDS)


def unexpected(error: Exception) -> Response:
    if isinstance(error, outages()):  # Redis's: registered by type it would import its client
        return outage(error)
    log.exception("unhandled error, requestId=%s", g.get("request_id"))
    return refuse(ErrorCode.INTERNAL)


def install(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.register_error_handler(HTTPException, http_error)
    for kind in DATABASE_OUTAGES:
        app.register_error_handler(kind, outage)
    app.register_error_handler(Exception, unexpected)
