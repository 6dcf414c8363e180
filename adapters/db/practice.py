"""The practice history (the progress view's reads) on SQLAlchemy Core: a
user's newest rated answers, interviews with feedback and resume analyses
across their job infos, each at most ``limit`` rows (a top-N the database
takes through the per-job indexes)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from adapters.db import tables as t
from adapters.db.resume_analyses import analysis_of
from core.domain import Difficulty, RatedAnswer, RatedInterview, ScoredResume


class SqlPracticeHistory:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def rated_answers(self, user_id: str, limit: int) -> list[RatedAnswer]:
        a, q, j = t.answers.c, t.questions.c, t.job_infos.c
        statement = (
            select(a.rating, a.created_at, q.difficulty, q.topic, q.job_info_id)
            .select_from(t.answers.join(t.questions, a.question_id == q.id).join(t.job_infos, q.job_info_id == j.id))
            .where(j.user_id == user_id)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(limit)
        )
        return [
            RatedAnswer(row.rating, row.created_at, Difficulty(row.difficulty), row.topic, row.job_info_id)
            for row in self._c.execute(statement)
        ]

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        i, j = t.interviews.c, t.job_infos.c
        statement = (
            select(i.id, i.job_info_id, j.name, i.created_at, i.feedback)
            .select_from(t.interviews.join(t.job_infos, i.job_info_id == j.id))
            .where(j.user_id == user_id, i.feedback.is_not(None))
            .order_by(i.created_at.desc(), i.id.desc())
            .limit(limit)
        )
        return [
            RatedInterview(row.id, row.job_info_id, row.name, row.created_at, row.feedback)
            for row in self._c.execute(statement)
        ]

    def scored_resumes(self, user_id: str, limit: int) -> list[ScoredResume]:
        r, j = t.resume_analyses.c, t.job_infos.c
        statement = (
            select(r.id, r.job_info_id, j.name, r.created_at, r.analysis)
            .select_from(t.resume_analyses.join(t.job_infos, r.job_info_id == j.id))
            .where(j.user_id == user_id)
            .order_by(r.created_at.desc(), r.id.desc())
            .limit(limit)
        )
        return [
            ScoredResume(row.id, row.job_info_id, row.name, row.created_at, analysis_of(row.analysis))
            for row in self._c.execute(statement)
        ]
