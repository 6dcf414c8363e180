"""A request's reads share one pooled connection (``SqlStorage.hold_reads``),
against the real app on SQLite and PostgreSQL: authentication and the
action's read check one connection out, not two; every connection is back
in the pool when the request ends, however it ends; writes keep their own
transaction; and reads outside a request open their own connection as
before."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from adapters.db.storage import SqlStorage
from entrypoints.app import create_app
from entrypoints.settings import Settings

JOB = {"name": "Backend", "title": "Engineer", "experienceLevel": "senior", "description": "Python"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    url = (request.getfixturevalue("postgres_url") if request.param == "postgresql"
           else f"sqlite:///{tmp_path / 'darasa.sqlite3'}")
    settings = Settings.from_env(
        {"DARASA_INSTANCE": str(tmp_path), "DATABASE_URL": url, "SECRET_KEY": "s",
         "IP_RATE_LIMIT": "off", "WEB_CONCURRENCY": "2"}  # nothing cached: every read reaches the database
    )
    app = create_app(settings, migrate=request.param == "sqlite")
    yield app
    app.container.engine().dispose()  # type: ignore[attr-defined]


class Checkouts:
    """Counts the pool's checkouts while it listens."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine.pool, "checkout", self._counted)

    def _counted(self, *_: Any) -> None:
        self.count += 1


def _engine(app: Flask) -> Engine:
    return app.container.engine()  # type: ignore[attr-defined,no-any-return]


def _signed_up(client: FlaskClient) -> dict[str, str]:
    answer = client.post("/auth/sign-up", json={
        "email": f"held-{uuid.uuid4().hex[:10]}@example.com", "password": "correct horse battery", "name": "N"})
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def test_authentication_and_the_read_share_one_connection_given_back_at_the_end(app: Flask) -> None:
    client = app.test_client()
    headers = _signed_up(client)
    job_id = client.post("/actions/createJobInfo", json=JOB, headers=headers).get_json()["id"]
    checkouts = Checkouts(_engine(app))

    answer = client.post("/actions/getJobInfo", json={"id": job_id}, headers=headers)

    assert answer.status_code == 200 and answer.get_json()["jobInfo"]["id"] == job_id
    assert checkouts.count == 1
    assert _engine(app).pool.checkedout() == 0


def test_a_write_after_the_held_read_commits_on_its_own_connection(app: Flask) -> None:
    client = app.test_client()
    headers = _signed_up(client)
    checkouts = Checkouts(_engine(app))

    created = client.post("/actions/createJobInfo", json=JOB, headers=headers)

    assert created.status_code == 200, created.get_json()
    assert checkouts.count == 2  # authentication's read, then the write's transaction
    assert _engine(app).pool.checkedout() == 0
    listed = client.post("/actions/listJobInfos", json={}, headers=headers).get_json()["jobInfos"]
    assert [job["id"] for job in listed] == [created.get_json()["id"]]


@pytest.mark.parametrize("body", [{"id": str(uuid.uuid4())}, {"id": 7}, {}])
def test_refusals_give_the_connection_back(app: Flask, body: dict[str, Any]) -> None:
    client = app.test_client()
    headers = _signed_up(client)

    answer = client.post("/actions/getJobInfo", json=body, headers=headers)

    assert answer.status_code in (403, 422)
    assert _engine(app).pool.checkedout() == 0


def test_an_unexpected_error_after_a_read_gives_the_connection_back(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    headers = _signed_up(client)
    job_id = client.post("/actions/createJobInfo", json=JOB, headers=headers).get_json()["id"]

    def broken(*_: Any) -> None:
        raise RuntimeError("a bug in rendering")

    monkeypatch.setattr("adapters.db.storage._job_info", broken)
    answer = client.post("/actions/getJobInfo", json={"id": job_id}, headers=headers)

    assert answer.status_code == 500 and answer.get_json()["code"] == "INTERNAL"
    assert _engine(app).pool.checkedout() == 0
    monkeypatch.undo()
    assert client.post("/actions/getJobInfo", json={"id": job_id}, headers=headers).status_code == 200


def test_reads_outside_a_request_open_their_own_connection(app: Flask) -> None:
    storage = app.container.storage()  # type: ignore[attr-defined]
    assert isinstance(storage, SqlStorage)
    checkouts = Checkouts(_engine(app))

    for _ in range(2):
        with storage.unit_of_work() as uow:
            assert uow.sessions.live_by_digest("no such digest") is None
        assert _engine(app).pool.checkedout() == 0

    assert checkouts.count == 2
