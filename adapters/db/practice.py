"""The practice history (the progress view's reads) on SQLAlchemy Core: a
user's newest rated answers, interviews with feedback and resume analyses
across their job infos, each at most ``limit`` rows. The rows keep their
owner (``user_id``), so each read is one range of an index on (user_id,
created_at, id), read backwards and stopped after ``limit`` rows, whatever
the history; the job's name and the question's fields are joined to those
rows only. The statements are built once (bound user and limit)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Select, Table, bindparam, select

from adapters.db import tables as t
from adapters.db.resume_analyses import scores_of
from core.domain import Difficulty, RatedAnswer, RatedInterview, ScoredResume


def _newest(table: Table, *columns: Column[Any], feedback: bool = False) -> Any:
    """The user's newest rows of ``table`` (``columns`` of them), a subquery."""
    c = table.c
    statement = select(*columns).where(c.user_id == bindparam("user_id"))
    if feedback:
        statement = statement.where(c.feedback.is_not(None))
    return statement.order_by(c.created_at.desc(), c.id.desc()).limit(bindparam("limit")).subquery()


def _with_job_name(newest: Any) -> Select[Any]:
    j = t.job_infos.c
    return (
        select(newest, j.name)
        .join_from(newest, t.job_infos, newest.c.job_info_id == j.id)
        .order_by(newest.c.created_at.desc(), newest.c.id.desc())
    )


_a, _q, _i, _r = t.answers.c, t.questions.c, t.interviews.c, t.resume_analyses.c
_answers = _newest(t.answers, _a.id, _a.rating, _a.created_at, _a.question_id)
_ANSWERS = (
    select(_answers.c.rating, _answers.c.created_at, _q.difficulty, _q.topic, _q.job_info_id)
    .join_from(_answers, t.questions, _answers.c.question_id == _q.id)
    .order_by(_answers.c.created_at.desc(), _answers.c.id.desc())
)
_INTERVIEWS = _with_job_name(_newest(t.interviews, _i.id, _i.job_info_id, _i.created_at, _i.feedback, feedback=True))
_RESUMES = _with_job_name(_newest(t.resume_analyses, _r.id, _r.job_info_id, _r.created_at, _r.analysis))


class SqlPracticeHistory:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def rated_answers(self, user_id: str, limit: int) -> list[RatedAnswer]:
        return [
            RatedAnswer(row.rating, row.created_at, Difficulty(row.difficulty), row.topic, row.job_info_id)
            for row in self._c.execute(_ANSWERS, {"user_id": user_id, "limit": limit})
        ]

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        return [
            RatedInterview(row.id, row.job_info_id, row.name, row.created_at, row.feedback)
            for row in self._c.execute(_INTERVIEWS, {"user_id": user_id, "limit": limit})
        ]

    def scored_resumes(self, user_id: str, limit: int) -> list[ScoredResume]:
        return [
            ScoredResume(row.id, row.job_info_id, row.name, row.created_at, *scores_of(row.analysis))
            for row in self._c.execute(_RESUMES, {"user_id": user_id, "limit": limit})
        ]
