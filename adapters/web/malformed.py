"""Malformed requests answered with the JSON envelope, whoever notices them
(issue 8, findings 8 and 11): the app, when a body turns out to be malformed
while it reads it (gunicorn decodes a chunked body as the app reads it), and
the HTTP servers themselves, whose own error pages are plain text (waitress)
or HTML (gunicorn) — ``use_json_error_pages`` replaces them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.exceptions import BadRequest

from core.errors import ErrorCode

_CODES = {403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND, 413: ErrorCode.PAYLOAD_TOO_LARGE}


def envelope(status: int, message: str) -> bytes:
    """The failure envelope of a request the app never saw whole."""
    code = _CODES.get(status, ErrorCode.VALIDATION if status < 500 else ErrorCode.INTERNAL)
    return json.dumps({"error": True, "code": code.value, "message": message}).encode()


class _GuardedInput:
    """``wsgi.input`` whose read errors (a malformed chunk, a body cut short)
    are the client's: 400, not the INTERNAL envelope."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _guard(self, read: Callable[..., Any], *args: Any) -> Any:
        try:
            return read(*args)
        except BadRequest:
            raise
        except Exception as error:  # noqa: BLE001 - whatever the server raises about the body
            raise BadRequest(f"Malformed request body: {error}") from error

    def read(self, *args: Any) -> bytes:
        return self._guard(self._stream.read, *args)

    def readline(self, *args: Any) -> bytes:
        return self._guard(self._stream.readline, *args)

    def readlines(self, *args: Any) -> list[bytes]:
        return self._guard(self._stream.readlines, *args)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def guard_input(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """WSGI middleware: the request body's read errors become 400."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if "wsgi.input" in environ:
            environ["wsgi.input"] = _GuardedInput(environ["wsgi.input"])
        return app(environ, start_response)

    return guarded


def use_json_error_pages() -> None:
    """Make waitress and gunicorn answer what they refuse themselves (a
    malformed request line, header or body, headers too large) with the
    envelope. Both keep their own status codes and reasons."""
    import gunicorn.util
    import waitress.channel
    import waitress.task

    class JsonErrorTask(waitress.task.ErrorTask):
        def execute(self) -> None:
            error = self.request.error
            self.status = f"{error.code} {error.reason}"
            self.response_headers.append(("Content-Type", "application/json"))
            body = envelope(error.code, f"{error.reason}: {error.body}")
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
        body = envelope(status_int, f"{reason}: {mesg}" if mesg else reason)
        head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("latin1")
        gunicorn.util.write_nonblock(sock, head + body)

    waitress.channel.HTTPChannel.error_task_class = JsonErrorTask
    gunicorn.util.write_error = write_error
