"""Migration 0017's trigger counts in ``users.interviews_created`` (the
plan's interview allowance) every interview inserted, whatever statement
inserts it: several users' rows in one insert, createInterview's
``INSERT ... SELECT`` (only when it adds a row); a rollback takes the count
back and a delete takes nothing off (SQLite and PostgreSQL). Downgraded,
the trigger is gone; upgraded again, it is back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, delete, insert, select

from adapters.db import interviews
from adapters.db import tables as t
from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return dict(c.execute(select(t.users.c.id, t.users.c.interviews_created).order_by(t.users.c.id)).all())


def interview(interview_id: str, job_info_id: str, user_id: str) -> dict[str, object]:
    return {"id": interview_id, "job_info_id": job_info_id, "user_id": user_id, "created_at": NOW, "updated_at": NOW}


def owned(interview_id: str, job_info_id: str, owner: str) -> dict[str, object]:
    """createInterview's statement's parameters."""
    return {"id": interview_id, "job_info_id": job_info_id, "owner": owner, "duration": "00:00:00",
            "hume_chat_id": None, "feedback": None, "started_at": None, "ended_at": None,
            "created_at": NOW, "updated_at": NOW}


def kept_in_step(url: str) -> None:
    engine = make_engine(url, bounded=False)
    try:
        upgrade(engine)
        with engine.begin() as c:
            for user, job in (("u1", "j1"), ("u2", "j2"), ("u3", "j3")):
                add_user(c, user, NOW)
                add_job_info(c, job, user, NOW)
            c.execute(insert(t.interviews), [interview(f"a{n}", "j1", "u1") for n in range(3)]
                      + [interview(f"b{n}", "j2", "u2") for n in range(2)])  # one statement, two users
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 0}

        with engine.begin() as c:  # createInterview's statement: counted when it adds, not when refused
            assert c.execute(interviews._INSERT_OWNED_RETURNING.statement, owned("c0", "j3", "u3")).all() == [("c0",)]
            assert c.execute(interviews._INSERT_OWNED_RETURNING.statement, owned("c1", "j3", "u1")).all() == []
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 1}

        with engine.begin() as c:  # the allowance counts what was created: a delete takes nothing off
            c.execute(delete(t.interviews).where(t.interviews.c.id.in_(["a0", "a1", "b0"])))
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 1}

        with engine.begin() as c:  # a rollback takes its count back with it
            c.execute(insert(t.interviews), [interview("c2", "j3", "u3")])
            c.rollback()
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 1}

        with migration_connection(engine) as c:
            command.downgrade(alembic_config(c), "0016")
        with engine.begin() as c:
            c.execute(insert(t.interviews), [interview("c3", "j3", "u3")])
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 1}  # no trigger: not counted
        upgrade(engine)
        with engine.begin() as c:
            c.execute(insert(t.interviews), [interview("c4", "j3", "u3")])
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 2}
    finally:
        engine.dispose()


def test_every_interview_inserted_is_counted_on_sqlite(sqlite_url: str) -> None:
    kept_in_step(sqlite_url)


@pytest.mark.postgres
def test_every_interview_inserted_is_counted_on_postgres(empty_postgres_url: str) -> None:
    kept_in_step(empty_postgres_url)
