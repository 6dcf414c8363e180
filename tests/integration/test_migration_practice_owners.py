"""Migration 0011 gives the answers, interviews and resume analyses written
before it their job info's user, on SQLite and PostgreSQL, each its own
owner's (two users)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TABLES = ("answers", "interviews", "resume_analyses")


def backfilled(url: str) -> dict[str, set[tuple[str, str]]]:
    engine = make_engine(url)
    try:
        with migration_connection(engine) as connection:
            command.upgrade(alembic_config(connection), "0010")
        with engine.begin() as connection:
            for user in ("u1", "u2"):
                job, question = f"j-{user}", f"q-{user}"
                add_user(connection, user, NOW)
                add_job_info(connection, job, user, NOW)
                connection.execute(text("INSERT INTO questions (id, job_info_id, text, difficulty, created_at, "
                                        "updated_at) VALUES (:q, :j, 'Why?', 'easy', :now, :now)"),
                                   {"q": question, "j": job, "now": NOW})
                connection.execute(text("INSERT INTO answers (id, question_id, text, feedback, rating, created_at) "
                                        "VALUES (:id, :q, 'Because.', 'Fine.', 7, :now)"),
                                   {"id": f"a-{user}", "q": question, "now": NOW})
                connection.execute(text("INSERT INTO interviews (id, job_info_id, feedback, created_at, updated_at) "
                                        "VALUES (:id, :j, '## Overall Rating: 7/10', :now, :now)"),
                                   {"id": f"i-{user}", "j": job, "now": NOW})
                connection.execute(text("INSERT INTO resume_analyses (id, job_info_id, analysis, created_at) "
                                        "VALUES (:id, :j, '{}', :now)"),
                                   {"id": f"r-{user}", "j": job, "now": NOW})
        upgrade(engine)
        with engine.connect() as connection:
            return {
                table: {(row.id, row.user_id) for row in connection.execute(text(f"SELECT id, user_id FROM {table}"))}
                for table in TABLES
            }
    finally:
        engine.dispose()


EXPECTED = {table: {(f"{table[0]}-u1", "u1"), (f"{table[0]}-u2", "u2")} for table in TABLES}


def test_earlier_practice_gets_its_owner_on_sqlite(sqlite_url: str) -> None:
    assert backfilled(sqlite_url) == EXPECTED


@pytest.mark.postgres
def test_earlier_practice_gets_its_owner_on_postgres(empty_postgres_url: str) -> None:
    assert backfilled(empty_postgres_url) == EXPECTED
