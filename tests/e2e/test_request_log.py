"""The request log of a real ``darasa serve``: each request's line, held
for at most ``LOG_FLUSH_MS``, reaches the log while the server runs, and
the lines still held when it is stopped (SIGTERM) are written as it exits;
in one process (waitress) and with several workers (gunicorn)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import running_server


def _line_of(log: str, request_id: str) -> dict[str, object] | None:
    for line in log.splitlines():
        if f'"requestId": "{request_id}"' in line:
            return json.loads(line[line.index("{"):])
    return None


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_request_is_logged_while_serving_and_when_stopped(tmp_path: Path, workers: str) -> None:
    with running_server(tmp_path, WEB_CONCURRENCY=workers, LOG_FLUSH_MS="200") as server:
        seen = uuid.uuid4().hex
        assert httpx.get(f"{server.url}/healthz", headers={"X-Request-Id": seen}).status_code == 200
        deadline = time.monotonic() + 10  # within LOG_FLUSH_MS, on a loaded machine within this
        while _line_of(server.log_text(), seen) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        line = _line_of(server.log_text(), seen)
        assert line is not None, "the request's line is not in the log while the server runs"
        assert isinstance(line.pop("ms"), int | float)
        assert line == {"requestId": seen, "method": "GET", "path": "/healthz", "status": 200, "ip": "127.0.0.1"}
        last = [uuid.uuid4().hex for _ in range(20)]
        with httpx.Client(base_url=server.url) as client:
            for request_id in last:
                client.post("/actions/getJobInfo", json={}, headers={"X-Request-Id": request_id})
    # stopped (SIGTERM) right after its last answers: nothing held is lost
    log = server.log_text()
    assert [(_line_of(log, r) or {}).get("status") for r in last] == [401] * 20
