"""Redis going away under a running server (issue 8, findings 1, 5 and 6): a
Redis server of the test's own, on a spare port, is frozen and killed while
``darasa serve`` uses it for rate limits and the cache. Every request is
answered within a second — served correctly from the database, or 503
UNAVAILABLE with Retry-After where Redis is needed (the interview bucket),
never a 500 or a hang; a write made during the outage is answered as done and
is there afterwards, and no read after recovery returns what it replaced; the
per-IP limit lets requests through; the liveness route does not care; the
health check names Redis. The CI's own Redis is never touched."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Server, running_server
from tests.server_process import free_port

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None and os.environ.get("DARASA_REQUIRE_SERVICES") != "1",
    reason="needs redis-server to start a Redis of the test's own",
)
QUICK = 1.0
"""Seconds: how long any answer may take while Redis is down."""


class OwnRedis:
    """A throwaway redis-server on a spare port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None, "redis-server is not installed"
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def own_redis(folder: Path) -> Iterator[OwnRedis]:
    redis = OwnRedis(folder)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, OwnRedis]]:
    with own_redis(tmp_path_factory.mktemp("redis")) as redis:
        instance = tmp_path_factory.mktemp("instance")
        with running_server(instance, REDIS_URL=redis.url, IP_RATE_LIMIT="100/minute") as server:
            yield server, redis


def _timed(http: httpx.Client, method: str, path: str, **kwargs: object) -> httpx.Response:
    started = time.monotonic()
    response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - started < QUICK, f"{method} {path} took too long"
    return response


def test_a_dead_or_frozen_redis_costs_a_quick_503_and_recovers(setup: tuple[Server, OwnRedis]) -> None:
    server, redis = setup
    with httpx.Client(base_url=server.url, timeout=10) as http:
        signed = http.post("/auth/sign-up", json={"email": "ada@example.com", "password": "correct horse battery",
                                                   "name": "Ada"})
        assert signed.status_code == 200, signed.text
        bearer = {"Authorization": f"Bearer {signed.json()['token']}"}
        assert http.post("/actions/listJobInfos", json={}, headers=bearer).status_code == 200

        for fault in (signal.SIGSTOP, signal.SIGKILL):
            redis.signal(fault)
            time.sleep(0.2)
            assert _timed(http, "GET", "/livez").status_code == 200
            health = _timed(http, "GET", "/healthz")
            assert health.status_code == 503
            assert health.json()["backends"] == {"database": "ok", "redis": "down"}
            assert health.headers["Retry-After"]
            name = f"Written while Redis was {fault.name}"
            created = _timed(http, "POST", "/actions/createJobInfo", headers=bearer, json={
                "name": name, "title": None, "experienceLevel": "junior", "description": "d"})
            assert created.status_code == 200, created.text  # it committed: never answered as failed
            for _ in range(3):
                listed = _timed(http, "POST", "/actions/listJobInfos", json={}, headers=bearer)
                assert listed.status_code == 200, listed.text  # read through, from the database
                assert name in [j["name"] for j in listed.json()["jobInfos"]]
            limited = _timed(http, "POST", "/actions/createInterview", headers=bearer,
                             json={"jobInfoId": created.json()["id"]})
            assert limited.status_code == 503, limited.text  # its token bucket lives in Redis
            assert (limited.json()["code"], limited.headers["Retry-After"]) == ("UNAVAILABLE", "5")
            if fault is signal.SIGSTOP:
                redis.stop()
            redis.start()
            time.sleep(2.5)  # the circuit breaker's cool-down
            assert http.get("/healthz").status_code == 200
            # Sessions live in the database: the token still works, and nothing stale is read.
            listed = http.post("/actions/listJobInfos", json={}, headers=bearer)
            assert listed.status_code == 200 and name in [j["name"] for j in listed.json()["jobInfos"]]

    assert "Traceback" not in server.log_text()
