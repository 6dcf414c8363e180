"""Migration 0006 gives the questions written before it the topic named on
their first line (as the offline coach writes it), on SQLite and
PostgreSQL; a question that names none keeps none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, tzinfo=UTC)
QUESTIONS = {
    "q-offline": ("**Topics:** PostgreSQL · Python · **Difficulty:** Hard\n\n### Why is this query slow?", "PostgreSQL"),
    "q-one": ("**Topic:** Docker · **Difficulty:** Easy\n\n### What is an image layer?", "Docker"),
    "q-own": ("How would you shard a ledger?", None),
    "q-late": ("Why?\n\n**Topic:** Docker", None),
}


def backfilled(url: str) -> dict[str, str | None]:
    engine = make_engine(url, bounded=False)
    try:
        with migration_connection(engine) as connection:
            command.upgrade(alembic_config(connection), "0005")
        with engine.begin() as connection:
            add_user(connection, "u1", NOW)
            add_job_info(connection, "j1", "u1", NOW)
            for question_id, (body, _) in QUESTIONS.items():
                connection.execute(text("INSERT INTO questions (id, job_info_id, text, difficulty, created_at, "
                                        "updated_at) VALUES (:id, 'j1', :text, 'easy', :now, :now)"),
                                   {"id": question_id, "text": body, "now": NOW})
        upgrade(engine)
        with engine.connect() as connection:
            return {row.id: row.topic for row in connection.execute(text("SELECT id, topic FROM questions"))}
    finally:
        engine.dispose()


def test_earlier_questions_get_their_topic_on_sqlite(sqlite_url: str) -> None:
    assert backfilled(sqlite_url) == {q: topic for q, (_, topic) in QUESTIONS.items()}


@pytest.mark.postgres
def test_earlier_questions_get_their_topic_on_postgres(empty_postgres_url: str) -> None:
    assert backfilled(empty_postgres_url) == {q: topic for q, (_, topic) in QUESTIONS.items()}
