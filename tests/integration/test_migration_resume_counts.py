"""Migration 0014 counts the resume analyses written before it, each user's
their own (SQLite and PostgreSQL), and the count then moves with the writes:
an analysis added counts, a job info deleted takes its analyses' back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from adapters.db import tables as t
from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from adapters.db.resume_analyses import analysis_json, scores_of
from adapters.db.storage import SqlStorage
from core.domain import StoredResumeAnalysis
from tests.conftest import make_resume_analysis, saved
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)
ANALYSES = {"j1-u1": 3, "j2-u1": 9, "j1-u2": 1}  # u3 has a job and no analysis
_INSERT = text(f"INSERT INTO resume_analyses (id, job_info_id, user_id, analysis, created_at, "  # noqa: S608 - constants
               f"{', '.join(t.RESUME_SCORES)}) VALUES (:id, :job, :user, :analysis, :at, "
               f"{', '.join(':' + name for name in t.RESUME_SCORES)})")


def counts(storage: SqlStorage) -> list[int]:
    with storage.unit_of_work() as uow:
        return [uow.practice.totals(user, days=1, topics=1, categories=1).resumes_analysed
                for user in ("u1", "u2", "u3")]


def migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        with migration_connection(engine) as connection:
            command.upgrade(alembic_config(connection), "0013")
        analysis = make_resume_analysis(6)
        with engine.begin() as c:
            for user in ("u1", "u2", "u3"):
                add_user(c, user, NOW)
                add_job_info(c, f"j1-{user}", user, NOW)
            add_job_info(c, "j2-u1", "u1", NOW)
            for job, many in ANALYSES.items():
                for n in range(many):
                    c.execute(_INSERT, {"id": f"r{n}-{job}", "job": job, "user": job[-2:], "at": NOW + timedelta(n),
                                        "analysis": analysis_json(analysis), **scores_of(analysis)})
        upgrade(engine)
        storage = SqlStorage(engine)
        assert counts(storage) == [12, 1, 0]
        saved(storage, StoredResumeAnalysis("new", "j1-u3", analysis, NOW))
        with storage.unit_of_work(write=True) as uow:
            uow.job_infos.delete("j2-u1")
            uow.commit()
        assert counts(storage) == [3, 1, 1]
    finally:
        engine.dispose()


def test_earlier_analyses_are_counted_on_sqlite(sqlite_url: str) -> None:
    migrated(sqlite_url)


@pytest.mark.postgres
def test_earlier_analyses_are_counted_on_postgres(empty_postgres_url: str) -> None:
    migrated(empty_postgres_url)
