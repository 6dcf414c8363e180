"""The practice history (the progress view's reads) on SQLAlchemy Core: a
user's newest rated answers, interviews with feedback and resume analyses
across their job infos, each at most ``limit`` rows. The rows keep their
owner (``user_id``), so each read is one range of an index on (user_id,
created_at, id), read backwards and stopped after ``limit`` rows, whatever
the history; the job's name and the question's fields are joined to those
rows only."""

from __future__ import annotations

from sqlalchemy import Connection, select

from adapters.db import tables as t
from adapters.db.resume_analyses import analysis_of
from core.domain import Difficulty, RatedAnswer, RatedInterview, ScoredResume


class SqlPracticeHistory:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def rated_answers(self, user_id: str, limit: int) -> list[RatedAnswer]:
        a, q = t.answers.c, t.questions.c
        newest = (
            select(a.id, a.rating, a.created_at, a.question_id)
            .where(a.user_id == user_id)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(limit)
            .subquery()
        )
        statement = (
            select(newest.c.rating, newest.c.created_at, q.difficulty, q.topic, q.job_info_id)
            .join_from(newest, t.questions, newest.c.question_id == q.id)
            .order_by(newest.c.created_at.desc(), newest.c.id.desc())
        )
        return [
            RatedAnswer(row.rating, row.created_at, Difficulty(row.difficulty), row.topic, row.job_info_id)
            for row in self._c.execute(statement)
        ]

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        i, j = t.interviews.c, t.job_infos.c
        newest = (
            select(i.id, i.job_info_id, i.created_at, i.feedback)
            .where(i.user_id == user_id, i.feedback.is_not(None))
            .order_by(i.created_at.desc(), i.id.desc())
            .limit(limit)
            .subquery()
        )
        statement = (
            select(newest, j.name)
            .join_from(newest, t.job_infos, newest.c.job_info_id == j.id)
            .order_by(newest.c.created_at.desc(), newest.c.id.desc())
        )
        return [
            RatedInterview(row.id, row.job_info_id, row.name, row.created_at, row.feedback)
            for row in self._c.execute(statement)
        ]

    def scored_resumes(self, user_id: str, limit: int) -> list[ScoredResume]:
        r, j = t.resume_analyses.c, t.job_infos.c
        newest = (
            select(r.id, r.job_info_id, r.created_at, r.analysis)
            .where(r.user_id == user_id)
            .order_by(r.created_at.desc(), r.id.desc())
            .limit(limit)
            .subquery()
        )
        statement = (
            select(newest, j.name)
            .join_from(newest, t.job_infos, newest.c.job_info_id == j.id)
            .order_by(newest.c.created_at.desc(), newest.c.id.desc())
        )
        return [
            ScoredResume(row.id, row.job_info_id, row.name, row.created_at, analysis_of(row.analysis))
            for row in self._c.execute(statement)
        ]
