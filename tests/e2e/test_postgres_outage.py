"""PostgreSQL going away under a running server (issue 8, finding 5): a
PostgreSQL of the test's own, on a spare port, is killed and frozen
(SIGSTOP of all its processes) while ``darasa serve`` uses it. Every request
is answered quickly — 503 UNAVAILABLE with Retry-After, or served correctly
— never a 500 or a hang; ``/livez`` stays 200 and ``/healthz`` names the
database; every write answered as done is there afterwards and none
answered as failed is; once the database is back the same server serves
again, without a restart. The CI's own PostgreSQL is never touched."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import Server, running_server, timed
from tests.own_services import PG_BIN, OwnPostgres, own_postgres

pytestmark = pytest.mark.skipif(
    PG_BIN is None and os.environ.get("DARASA_REQUIRE_SERVICES") != "1",
    reason="needs PostgreSQL's server binaries to start a PostgreSQL of the test's own",
)
QUICK = 1.5
"""Seconds: how long any answer may take while the database is down (under
one by design — a call waits 0.25 s, then the server's probe goes unanswered
for 0.4 s —, with some slack for a shared machine)."""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, OwnPostgres]]:
    with own_postgres() as postgres:
        instance = tmp_path_factory.mktemp("instance")
        with running_server(instance, DATABASE_URL=postgres.url) as server:
            yield server, postgres


def _unavailable(response: httpx.Response) -> bool:
    if response.status_code != 503:
        return False
    assert response.json()["code"] == "UNAVAILABLE", response.text
    assert response.headers["Retry-After"]
    return True


def _names(http: httpx.Client, bearer: dict[str, str]) -> set[str]:
    listed = http.post("/actions/listJobInfos", json={}, headers=bearer)
    assert listed.status_code == 200, listed.text
    return {j["name"] for j in listed.json()["jobInfos"]}


def _until_healthy(http: httpx.Client) -> None:
    deadline = time.monotonic() + 30
    while http.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "the server did not recover"
        time.sleep(0.2)


def test_a_dead_or_frozen_database_costs_a_quick_503_and_recovers(setup: tuple[Server, OwnPostgres]) -> None:
    server, postgres = setup
    acknowledged: set[str] = set()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        signed = http.post("/auth/sign-up", json={"email": "ada@example.com", "password": "correct horse battery",
                                                   "name": "Ada"})
        assert signed.status_code == 200, signed.text
        bearer = {"Authorization": f"Bearer {signed.json()['token']}"}

        def create(name: str) -> httpx.Response:
            response = timed(http, QUICK, "POST", "/actions/createJobInfo", headers=bearer, json={
                "name": name, "title": None, "experienceLevel": "junior", "description": "d"})
            if response.status_code == 200:
                acknowledged.add(name)
            else:
                assert _unavailable(response), response.text
            return response

        assert create("Before the outage").status_code == 200
        for fault in (signal.SIGKILL, signal.SIGSTOP):
            postgres.signal(fault)
            time.sleep(0.2)
            assert timed(http, QUICK, "GET", "/livez").status_code == 200
            for attempt in range(6):
                health = timed(http, QUICK, "GET", "/healthz")
                assert health.status_code == 503 and _unavailable(health)
                assert health.json()["backends"] == {"database": "down"}
                assert create(f"Written while the database was {fault.name} ({attempt})").status_code == 503
                listed = timed(http, QUICK, "POST", "/actions/listJobInfos", json={}, headers=bearer)
                assert listed.status_code == 200 or _unavailable(listed), listed.text
                page = timed(http, QUICK, "GET", "/app", headers=bearer)
                assert page.status_code in (200, 302, 303, 503), page.text[:500]
            if fault is signal.SIGKILL:
                postgres.start()
            else:
                postgres.signal(signal.SIGCONT)
            _until_healthy(http)
            # The same server serves again: reads, and writes that last.
            assert create(f"Written after the database was {fault.name}").status_code == 200
            assert _names(http, bearer) == acknowledged

    assert "Traceback" not in server.log_text()
