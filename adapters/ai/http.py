"""What every HTTP client of an AI service shares: where an OpenAI-compatible
endpoint lives, its setup (``ApiClient``: timeout, retries, headers and a
connection pool it may own), and sending a request with retries.

``base_url`` rule: it is the URL an endpoint's path is appended to, e.g.
``https://api.openai.com/v1`` or ``http://localhost:11434/v1``. As a
convenience a bare server address with no path at all
(``http://localhost:11434``) gets ``/v1`` added, since that is where every
such server serves the API.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from typing import NoReturn

import httpx

from core.records import frozen

log = logging.getLogger(__name__)

MAX_RETRY_AFTER = 30.0
"""The longest a server's Retry-After is honoured, in seconds."""


def api_url(base_url: str, path: str) -> str:
    """Where ``path`` (``/chat/completions``) is, by the rule in the module
    docstring."""
    url = httpx.URL(base_url.rstrip("/"))
    if url.path in ("", "/"):
        url = url.copy_with(path="/v1")
    return str(url).rstrip("/") + path


@frozen
class Retries:
    """How a request is retried: up to ``max_retries`` more times after a
    429, a 5xx status or a transport error (refused connection, timeout),
    waiting ``backoff * 2**attempt`` seconds, or the server's Retry-After
    (capped at ``MAX_RETRY_AFTER``) when it gives one."""

    max_retries: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep


class ApiClient:
    """The base of an AI service's client: its ``timeout``, ``retries`` and
    request ``headers``, and the connection pool (``http``), which ``close``
    releases only when this client created it."""

    def __init__(
        self, *, timeout: httpx.Timeout, retries: Retries, headers: dict[str, str], http: httpx.Client | None
    ) -> None:
        self._timeout = timeout
        self._retries = retries
        self._headers = headers
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Release the connection pool, if this client created it."""
        if self._owns_http:
            self._http.close()


def bearer_headers(accept: str, api_key: str | None) -> dict[str, str]:
    """``Accept``, and the key as a bearer token when there is one."""
    headers = {"Accept": accept}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


def send(
    http: httpx.Client,
    request: httpx.Request,
    retries: Retries,
    fail: Callable[[str], NoReturn],
    *,
    stream: bool = False,
) -> httpx.Response:
    """Send until a 200 arrives, retrying what is worth retrying; any other
    outcome calls ``fail`` with the reason (for the log), which raises.
    Other statuses fail at once."""
    request.read()  # a body in memory can be sent again
    attempt = 0
    while True:
        try:
            response = http.send(request, stream=stream)
        except httpx.TransportError as exc:
            reason, delay = f"{type(exc).__name__}: {exc}", None
        else:
            status = response.status_code
            if status == 200:
                return response
            detail = error_text(response)
            if status != 429 and status < 500:
                fail(f"HTTP {status}: {detail}")
            reason, delay = f"HTTP {status}: {detail}", retry_after(response.headers)
        if attempt == retries.max_retries:
            fail(f"gave up after {attempt + 1} attempts; last: {reason}")
        wait = retries.backoff * 2**attempt if delay is None else delay
        log.info("%s: %s; retrying in %.2fs", request.url.host, reason, wait)
        retries.sleep(wait)
        attempt += 1


def error_text(response: httpx.Response) -> str:
    """The start of an error response's body, for the log; closes it."""
    try:
        return response.read()[:300].decode("utf-8", "replace")
    except httpx.HTTPError as exc:
        return f"(body unreadable: {type(exc).__name__})"
    finally:
        response.close()


def retry_after(headers: httpx.Headers) -> float | None:
    """The server's requested wait, from ``retry-after-ms`` (OpenAI) or
    ``Retry-After`` (seconds or an HTTP date), capped at MAX_RETRY_AFTER."""
    seconds: float | None = None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            seconds = float(ms) / 1000
        except ValueError:
            seconds = None
    if seconds is None and (value := headers.get("retry-after")) is not None:
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = None
    if seconds is None or seconds != seconds:  # absent, unreadable or NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
