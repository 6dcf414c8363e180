"""Migration 0016's triggers keep ``users.job_info_count`` (createJobInfo's
limit) equal to what each user keeps, whatever statement writes job infos:
several users' rows in one insert or one delete, and an account's deletion
cascading to its job infos (SQLite and PostgreSQL). Downgraded, the
triggers are gone; upgraded again, they are back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, delete, insert, select

from adapters.db import tables as t
from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return dict(c.execute(select(t.users.c.id, t.users.c.job_info_count).order_by(t.users.c.id)).all())


def job_info(job_info_id: str, user_id: str) -> dict[str, object]:
    return {"id": job_info_id, "user_id": user_id, "name": "Job", "title": None, "experience_level": "senior",
            "description": "x", "created_at": NOW, "updated_at": NOW}


def kept_in_step(url: str) -> None:
    engine = make_engine(url, bounded=False)
    try:
        upgrade(engine)
        with engine.begin() as c:
            for user in ("u1", "u2", "u3"):
                add_user(c, user, NOW)
            c.execute(insert(t.job_infos), [job_info(f"a{n}", "u1") for n in range(3)]
                      + [job_info(f"b{n}", "u2") for n in range(2)])  # one statement, two users
            add_job_info(c, "c0", "u3", NOW)
        assert counts(engine) == {"u1": 3, "u2": 2, "u3": 1}

        with engine.begin() as c:
            c.execute(delete(t.job_infos).where(t.job_infos.c.id.in_(["a0", "a1", "b0"])))
        assert counts(engine) == {"u1": 1, "u2": 1, "u3": 1}

        with engine.begin() as c:  # an account's deletion takes its job infos with it
            c.execute(delete(t.users).where(t.users.c.id == "u1"))
        assert counts(engine) == {"u2": 1, "u3": 1}
        with engine.connect() as c:
            assert c.execute(select(t.job_infos.c.id).order_by(t.job_infos.c.id)).scalars().all() == ["b1", "c0"]

        with engine.begin() as c:  # a rollback takes its count back with it
            add_job_info(c, "c1", "u3", NOW)
            c.rollback()
        assert counts(engine) == {"u2": 1, "u3": 1}

        with migration_connection(engine) as c:
            command.downgrade(alembic_config(c), "0015")
        with engine.begin() as c:
            add_job_info(c, "c2", "u3", NOW)
        assert counts(engine) == {"u2": 1, "u3": 1}  # no trigger: not counted
        upgrade(engine)
        with engine.begin() as c:
            add_job_info(c, "c3", "u3", NOW)
        assert counts(engine) == {"u2": 1, "u3": 2}
    finally:
        engine.dispose()


def test_the_count_follows_every_write_on_sqlite(sqlite_url: str) -> None:
    kept_in_step(sqlite_url)


@pytest.mark.postgres
def test_the_count_follows_every_write_on_postgres(empty_postgres_url: str) -> None:
    kept_in_step(empty_postgres_url)
