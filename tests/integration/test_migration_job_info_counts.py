"""Migration 0015 counts each user's job infos written before it onto their
row (SQLite and PostgreSQL), and createJobInfo's limit then goes by that
count: a user at the limit is refused, one below it is not, and a delete
frees a slot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command

from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from adapters.db.storage import SqlStorage
from tests.conftest import make_job_info
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)
KEPT = {"u1": 3, "u2": 1, "u3": 0}
LIMIT = 3


def migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        with migration_connection(engine) as connection:
            command.upgrade(alembic_config(connection), "0014")
        with engine.begin() as c:
            for user, many in KEPT.items():
                add_user(c, user, NOW)
                for n in range(many):
                    add_job_info(c, f"j{n}-{user}", user, NOW)
        upgrade(engine)
        storage = SqlStorage(engine)
        with storage.unit_of_work(write=True) as uow:
            assert [uow.job_infos.add_unless_full(make_job_info(user_id=user), LIMIT) for user in KEPT] == [
                False, True, True]
            uow.job_infos.delete("j0-u1")
            assert uow.job_infos.add_unless_full(make_job_info(user_id="u1"), LIMIT)
            assert not uow.job_infos.add_unless_full(make_job_info(user_id="u1"), LIMIT)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [uow.job_infos.count_for_user(user) for user in KEPT] == [3, 2, 1]
    finally:
        engine.dispose()


def test_earlier_job_infos_are_counted_on_sqlite(sqlite_url: str) -> None:
    migrated(sqlite_url)


@pytest.mark.postgres
def test_earlier_job_infos_are_counted_on_postgres(empty_postgres_url: str) -> None:
    migrated(empty_postgres_url)
