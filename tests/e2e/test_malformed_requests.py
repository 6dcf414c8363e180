"""Malformed requests sent over raw sockets (issue 8, findings 8 and 11) to
both servers ``darasa serve`` runs — waitress (one process) and gunicorn
(``--workers N``): a malformed chunked body, request line or header is 400
with the JSON envelope, never a 500, a plain-text or an HTML page, and the
server goes on serving."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import Server, running_server

CHUNKED = (b"POST /actions/listJobInfos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n")
MALFORMED = {
    "chunk size not hexadecimal": CHUNKED + b"ZZ\r\n{}\r\n0\r\n\r\n",
    "chunk longer than its size": CHUNKED + b"2\r\n{}xx\r\n0\r\n\r\n",
    "request line": b"GARBAGE\r\n\r\n",
    "header without a colon": b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
}


@pytest.fixture(scope="module", params=["waitress", "gunicorn"])
def any_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workers = "1" if request.param == "waitress" else "2"
    with running_server(tmp_path_factory.mktemp(request.param), WEB_CONCURRENCY=workers) as server:
        yield server


def _exchange(server: Server, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while part := sock.recv(65536):
            answer += part
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    if headers.get("transfer-encoding") == "chunked":
        body = body.split(b"\r\n", 1)[1].rsplit(b"\r\n0\r\n", 1)[0]
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_request_is_400_with_the_envelope(any_server: Server, case: str) -> None:
    status, headers, body = _exchange(any_server, MALFORMED[case])
    assert status == 400, body
    assert headers["content-type"].startswith("application/json")
    failure = json.loads(body)
    assert failure["error"] is True and failure["code"] == "VALIDATION"
    assert httpx.get(f"{any_server.url}/healthz").status_code == 200
    assert "Traceback" not in any_server.log_text()
