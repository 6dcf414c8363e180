"""An action's JSON body read straight from ``wsgi.input`` when its
``Content-Length`` is plain and within the limit (``adapters.web.actions``)
gives what reading ``request.stream`` gives, as the servers present bodies
(waitress and gunicorn terminate the stream, the test client does not),
errors included; every other body still takes ``request.stream``: over
1 MB is refused, a chunked body is read to its end or refused past the
limit. ``is_multipart`` agrees with ``request.mimetype``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import ClientDisconnected
from werkzeug.test import EnvironBuilder

from adapters.web.actions import JSON_BODY_LIMIT, _declared_body, read_json_body
from adapters.web.converter import Unreadable
from adapters.web.uploads import is_multipart
from tests.unit.web_on_fakes import web_app_on_fakes

APP = Flask(__name__)
APP.config["MAX_CONTENT_LENGTH"] = 11 * 1024 * 1024


def _environ(body: bytes, *, length: str | None = None, terminated: bool = False,
             chunked: bool = False, stream: Any = None) -> dict[str, Any]:
    environ = EnvironBuilder(method="POST", data=body, content_type="application/json").get_environ()
    environ["wsgi.input"] = stream if stream is not None else io.BytesIO(body)
    if length is None:
        environ.pop("CONTENT_LENGTH", None)
    else:
        environ["CONTENT_LENGTH"] = length
    if terminated:
        environ["wsgi.input_terminated"] = True
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return environ


def _read(environ: dict[str, Any]) -> object:
    with APP.request_context(environ) as context:
        return read_json_body(context.request)


def _through_stream(environ: dict[str, Any]) -> bytes:
    """What Werkzeug's own stream reads of the body (the reference)."""
    with APP.request_context(environ) as context:
        return context.request.stream.read(JSON_BODY_LIMIT + 1)


def test_the_app_limit_is_above_the_json_limit(tmp_path: Path) -> None:
    """Werkzeug's 413 for a length over ``MAX_CONTENT_LENGTH`` cannot meet a
    body the direct read takes (the direct read assumes it)."""
    with web_app_on_fakes(tmp_path) as app:
        assert app.config["MAX_CONTENT_LENGTH"] >= JSON_BODY_LIMIT


@pytest.mark.parametrize("terminated", [False, True])
@pytest.mark.parametrize("body", [b'{"id": "x"}', b"", b"  ", b"[1, 2]", b"x" * JSON_BODY_LIMIT])
def test_a_declared_body_reads_as_the_stream_reads_it(body: bytes, terminated: bool) -> None:
    def environ() -> dict[str, Any]:
        return _environ(body, length=str(len(body)), terminated=terminated)

    assert _declared_body(environ()) == _through_stream(environ()) == body
    expected = json.loads(body) if body.strip() and body[0] != ord("x") else None
    read = _read(environ())
    assert read == (expected if expected is not None else {} if not body.strip()
                    else Unreadable("Body must be valid JSON"))


@pytest.mark.parametrize("terminated", [False, True])
def test_a_body_short_of_its_length_is_what_the_stream_makes_of_it(terminated: bool) -> None:
    def environ() -> dict[str, Any]:
        # a stream that ends before the 10 bytes declared
        return _environ(b"", length="10", terminated=terminated, stream=io.BytesIO())

    if terminated:  # the server's stream ends where the server says: an empty body
        assert _through_stream(environ()) == b""
        assert _read(environ()) == {}
    else:  # the client went away: 400
        with pytest.raises(ClientDisconnected):
            _through_stream(environ())
        with pytest.raises(ClientDisconnected):
            _read(environ())


def test_a_read_error_is_a_disconnect_as_the_stream_makes_it() -> None:
    class Broken(io.BytesIO):
        def read(self, *_: Any) -> bytes:
            raise OSError("connection reset")

    with pytest.raises(ClientDisconnected):
        _through_stream(_environ(b"{}", length="2", stream=Broken()))
    with pytest.raises(ClientDisconnected):
        _read(_environ(b"{}", length="2", stream=Broken()))


@pytest.mark.parametrize("terminated", [False, True])
def test_a_declared_length_over_the_limit_is_refused_unread(terminated: bool) -> None:
    body = b" " * (JSON_BODY_LIMIT + 1)
    environ = _environ(body, length=str(len(body)), terminated=terminated)
    with pytest.raises(OverflowError):
        _read(environ)
    assert environ["wsgi.input"].tell() == len(body)  # the rest discarded, for the client's sake


@pytest.mark.parametrize("length", [" 2", "+2", "2_0", "٢", "-1", "abc"])
def test_an_unusual_length_takes_the_stream(length: str) -> None:
    assert _read(_environ(b"{}", length=length, terminated=True)) == {}


def test_a_chunked_body_is_read_to_its_end_or_refused_past_the_limit() -> None:
    assert _read(_environ(b'{"a": 1}', length="3", terminated=True, chunked=True)) == {"a": 1}
    with pytest.raises(OverflowError):
        _read(_environ(b" " * (JSON_BODY_LIMIT + 1), terminated=True, chunked=True))
    # no length and a stream the server does not end: Werkzeug reads nothing of it
    assert _read(_environ(b'{"a": 1}')) == {}


@pytest.mark.parametrize("content_type", [
    "multipart/form-data; boundary=x", "Multipart/Form-Data;boundary=x", " \tmultipart/form-data \t",
    "multipart/form-data", "multipart/form-data2", "multipart/mixed; boundary=x", "application/json",
    "", "text/plain; charset=utf-8", "\nmultipart/form-data",
])
def test_is_multipart_agrees_with_the_mimetype(content_type: str) -> None:
    environ = _environ(b"")
    environ["CONTENT_TYPE"] = content_type
    with APP.request_context(environ) as context:
        assert is_multipart(context.request) == (context.request.mimetype == "multipart/form-data")
    del environ["CONTENT_TYPE"]
    with APP.request_context(environ) as context:
        assert is_multipart(context.request) is False
