"""Migration 0012 fills the practice totals from the answers and interviews
written before it, on SQLite and PostgreSQL, each user's their own; and
``backfill``, a page at a time, counts what a sequence of writes and deletes
left as the writes themselves counted it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import delete, text

from adapters.db import tables as t
from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from adapters.db.practice_totals import backfill
from adapters.db.storage import SqlStorage
from tests.integration.early_rows import add_job_info, add_user
from tests.practice_totals import FEEDBACKS, recomputed, replay, stored

NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)


def migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        with migration_connection(engine) as connection:
            command.upgrade(alembic_config(connection), "0011")
        with engine.begin() as c:
            for n, user in enumerate(("u1", "u2")):
                add_user(c, user, NOW)
                for job in (f"j1-{user}", f"j2-{user}"):
                    add_job_info(c, job, user, NOW)
                    for k, (topic, difficulty) in enumerate([("SQL", "easy"), (" sql", "hard"), (None, "medium")]):
                        c.execute(text("INSERT INTO questions (id, job_info_id, text, difficulty, topic, created_at, "
                                       "updated_at) VALUES (:q, :j, 'Why?', :d, :topic, :now, :now)"),
                                  {"q": f"q{k}-{job}", "j": job, "d": difficulty, "topic": topic, "now": NOW})
                        for m in range(3):
                            c.execute(text("INSERT INTO answers (id, question_id, user_id, text, feedback, rating, "
                                           "created_at) VALUES (:id, :q, :u, 'A.', 'Fine.', :r, :at)"),
                                      {"id": f"a{k}{m}-{job}", "q": f"q{k}-{job}", "u": user, "r": 1 + (k + m + n) % 10,
                                       "at": NOW + timedelta(hours=11 * m + k, minutes=len(job))})
                    for k, feedback in enumerate([*FEEDBACKS, None]):
                        c.execute(text("INSERT INTO interviews (id, job_info_id, user_id, feedback, created_at, "
                                       "updated_at) VALUES (:id, :j, :u, :f, :at, :at)"),
                                  {"id": f"i{k}-{job}", "j": job, "u": user, "f": feedback,
                                   "at": NOW + timedelta(minutes=k)})
        upgrade(engine)
        storage = SqlStorage(engine)
        for user in ("u1", "u2"):
            assert stored(storage, user) == recomputed(storage, user)
            assert stored(storage, user)["interviews"] == 8
    finally:
        engine.dispose()


def test_earlier_practice_is_totalled_on_sqlite(sqlite_url: str) -> None:
    migrated(sqlite_url)


@pytest.mark.postgres
def test_earlier_practice_is_totalled_on_postgres(empty_postgres_url: str) -> None:
    migrated(empty_postgres_url)


def test_a_backfill_a_page_at_a_time_counts_as_the_writes_did(sqlite_engine) -> None:
    storage = SqlStorage(sqlite_engine)
    steps = [("answer", n % 6, 1 + n % 10) for n in range(12)] + [
        ("feedback", 0, 0), ("feedback", 1, 3), ("feedback", 0, 1), ("delete job", 1, 0), ("answer", 0, 9)]
    users = replay(storage, steps, "backfill-")
    written = [stored(storage, user) for user in users]
    with sqlite_engine.begin() as c:
        for table in (t.practice_totals, t.practice_topics, t.interview_ratings):
            c.execute(delete(table).where(table.c.user_id.in_(users)))
        for user in users:
            backfill(c, user, batch=4)
    assert [stored(storage, user) for user in users] == written
    assert written[0]["topics"] and written[0]["categories"]
