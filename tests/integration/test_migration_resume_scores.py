"""Migration 0013 gives the resume analyses written before it their six
scores, read from their JSON by the database (SQLite and PostgreSQL): the
progress view then shows what it showed before, each score in its place."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest
from alembic import command
from sqlalchemy import text

from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, migration_connection, upgrade
from adapters.db.resume_analyses import analysis_json
from adapters.db.storage import SqlStorage
from core.domain import ResumeAnalysis, ScoredResume
from tests.conftest import make_resume_analysis
from tests.integration.early_rows import add_job_info, add_user

NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)


def scored(overall: int, *categories: int) -> ResumeAnalysis:
    """An analysis with these scores, each category its own."""
    base = make_resume_analysis(0)
    names = ("ats", "job_match", "writing_and_formatting", "keyword_coverage", "other")
    changes = {name: attrs.evolve(getattr(base, name), score=score) for name, score in zip(names, categories, strict=True)}
    return attrs.evolve(base, overall_score=overall, **changes)


def migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        with migration_connection(engine) as connection:
            command.upgrade(alembic_config(connection), "0012")
        with engine.begin() as c:
            add_user(c, "u1", NOW)
            add_job_info(c, "j1", "u1", NOW, name="Backend")
            for n, analysis in enumerate([scored(7, 6, 8, 5, 4, 9), scored(1, 2, 3, 4, 5, 10)]):
                c.execute(text("INSERT INTO resume_analyses (id, job_info_id, user_id, analysis, created_at) "
                               "VALUES (:id, 'j1', 'u1', :analysis, :at)"),
                          {"id": f"r{n}", "analysis": analysis_json(analysis), "at": NOW.replace(hour=9 + n)})
        upgrade(engine)
        with SqlStorage(engine).unit_of_work() as uow:
            assert uow.practice.scored_resumes("u1", 10) == [
                ScoredResume("r1", "j1", "Backend", NOW.replace(hour=10), 1, 2, 3, 4, 5, 10),
                ScoredResume("r0", "j1", "Backend", NOW.replace(hour=9), 7, 6, 8, 5, 4, 9),
            ]
    finally:
        engine.dispose()


def test_earlier_analyses_keep_their_scores_on_sqlite(sqlite_url: str) -> None:
    migrated(sqlite_url)


@pytest.mark.postgres
def test_earlier_analyses_keep_their_scores_on_postgres(empty_postgres_url: str) -> None:
    migrated(empty_postgres_url)
