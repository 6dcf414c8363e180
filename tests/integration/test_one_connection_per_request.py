"""A request's units of work share one pooled connection
(``SqlStorage.hold_connection``), against the real app on SQLite and PostgreSQL:
authentication, the action's read and its write check one connection out,
not two or three; every connection is back in the pool when the request
ends, however it ends; a write is still its own transaction, committed or
rolled back, and the connection reads in autocommit again after it; and
units of work outside a request open their own connection as before."""

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


def test_a_write_after_the_read_commits_on_the_same_connection(app: Flask) -> None:
    client = app.test_client()
    headers = _signed_up(client)
    checkouts = Checkouts(_engine(app))

    created = client.post("/actions/createJobInfo", json=JOB, headers=headers)
    changed = client.post("/actions/updateJobInfo", json={**JOB, "id": created.get_json()["id"], "name": "Renamed"},
                          headers=headers)

    assert created.status_code == 200 and changed.status_code == 200, (created.get_json(), changed.get_json())
    assert checkouts.count == 2  # one a request: authentication's read, then the write's transaction
    assert _engine(app).pool.checkedout() == 0
    listed = client.post("/actions/listJobInfos", json={}, headers=headers).get_json()["jobInfos"]
    assert [(job["id"], job["name"]) for job in listed] == [(created.get_json()["id"], "Renamed")]


def test_a_write_that_fails_is_rolled_back_and_the_connection_reads_again(app: Flask) -> None:
    storage = app.container.storage()  # type: ignore[attr-defined]
    abandoned, committed = (f"held-{uuid.uuid4().hex[:10]}" for _ in range(2))
    storage.hold_connection()
    try:
        with pytest.raises(RuntimeError), storage.unit_of_work(write=True) as uow:
            _add_user(uow, abandoned)
            raise RuntimeError("the action fails after writing")
        with storage.unit_of_work() as uow:  # the same connection, reading in autocommit again
            assert uow.users.get(abandoned) is None
        with storage.unit_of_work(write=True) as uow:
            _add_user(uow, committed)
            uow.commit()
    finally:
        storage.let_go_of_connection()
    assert _engine(app).pool.checkedout() == 0
    with storage.unit_of_work() as uow:
        assert uow.users.get(committed) is not None


def _add_user(uow: Any, user_id: str) -> None:
    uow._connection.exec_driver_sql(  # noqa: SLF001 - a write of the unit of work's own
        "INSERT INTO users (id, name, email, created_at, updated_at) "
        f"VALUES ('{user_id}', 'N', '{user_id}@example.com', '2026-01-01', '2026-01-01')")


def test_a_unit_of_work_begun_inside_a_write_gets_its_own_connection(app: Flask) -> None:
    storage = app.container.storage()  # type: ignore[attr-defined]
    storage.hold_connection()
    try:
        with storage.unit_of_work(write=True) as outer, storage.unit_of_work() as inner:
            assert inner._connection is not outer._connection  # noqa: SLF001
        with storage.unit_of_work() as first, storage.unit_of_work() as second:
            assert first._connection is second._connection  # noqa: SLF001
    finally:
        storage.let_go_of_connection()
    assert _engine(app).pool.checkedout() == 0


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
