"""NUL and other control characters against the real app on PostgreSQL:
every text field of every action and of the auth routes answers 422 with a
field error and writes nothing (PostgreSQL refuses NUL in text, which once
became a 500 whose log held the bound parameters — a password hash among
them). Line breaks and tabs stay allowed where text spans lines."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from adapters.db import tables as t
from entrypoints.app import create_app
from entrypoints.settings import Settings

pytestmark = pytest.mark.postgres

BAD = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85"]
JOB = {"name": "Backend", "title": "Engineer", "experienceLevel": "senior", "description": "Python"}


@pytest.fixture
def client(postgres_url: str, tmp_path: Path) -> Iterator[FlaskClient]:
    settings = Settings.from_env(
        {"DARASA_INSTANCE": str(tmp_path), "DATABASE_URL": postgres_url, "SECRET_KEY": "s",
         "IP_RATE_LIMIT": "off", "WEB_CONCURRENCY": "1"}
    )
    app = create_app(settings)
    with app.test_client() as client:
        yield client


def _rows(client: FlaskClient) -> dict[str, int]:
    engine = client.application.container.engine()  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.users, t.job_infos, t.interviews, t.questions, t.answers)
        }


def _post(client: FlaskClient, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, json=body, headers=headers)


def _signed_up(client: FlaskClient, email: str) -> str:
    answer = _post(client, "/auth/sign-up", {"email": email, "password": "correct horse battery", "name": "N"})
    assert answer.status_code == 200, answer.get_json()
    return str(answer.get_json()["token"])


@pytest.mark.parametrize("bad", BAD)
def test_control_characters_in_any_text_are_refused_and_write_nothing(
    client: FlaskClient, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = _signed_up(client, f"ada-{bad.encode().hex()}@example.com")
    job_id = _post(client, "/actions/createJobInfo", JOB, token).get_json()["id"]
    before = _rows(client)
    calls: list[tuple[str, dict[str, Any], str]] = [
        ("/auth/sign-up", {"email": "x@example.com", "password": "correct horse battery", "name": f"A{bad}"}, "name"),
        ("/auth/sign-up", {"email": f"x{bad}@example.com", "password": "correct horse battery", "name": "A"}, "email"),
        ("/auth/sign-in", {"email": f"x{bad}@example.com", "password": "pw"}, "email"),
        *[("/actions/createJobInfo", {**JOB, field: f"a{bad}b"}, field) for field in ("name", "title", "description")],
        *[("/actions/updateJobInfo", {**JOB, "id": job_id, field: f"a{bad}b"}, field)
          for field in ("name", "title", "description")],
        ("/actions/listJobInfos", {"query": f"a{bad}"}, "query"),
        ("/actions/getJobInfo", {"id": f"{job_id[:-1]}{bad}"}, "id"),
    ]
    with caplog.at_level(logging.DEBUG):
        for path, body, field in calls:
            answer = _post(client, path, body, token)
            assert answer.status_code == 422, (path, field, answer.get_json())
            errors = answer.get_json()["fieldErrors"]
            assert field in errors, (path, errors)
    if bad == "\x00":  # the password itself may hold anything printable, but not NUL
        answer = _post(client, "/auth/sign-up", {"email": "y@example.com", "password": "correct\x00horse", "name": "B"})
        assert answer.status_code == 422 and "password" in answer.get_json()["fieldErrors"]
    assert _rows(client) == before
    assert "argon2" not in caplog.text


def test_line_breaks_and_tabs_stay_where_text_spans_lines(client: FlaskClient) -> None:
    token = _signed_up(client, "grace@example.com")
    created = _post(client, "/actions/createJobInfo", {**JOB, "description": "Python\n\tand\r\nSQL"}, token)
    assert created.status_code == 200, created.get_json()
    one_line = _post(client, "/actions/createJobInfo", {**JOB, "name": "Back\nend"}, token)
    assert one_line.status_code == 422 and "name" in one_line.get_json()["fieldErrors"]
