"""The questions and answers repositories on SQLAlchemy Core: rows of
``questions`` and ``answers`` to domain values and back, inside the caller's
unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select

from adapters.db import tables as t
from adapters.db.paging import NewestFirst, newest_first
from adapters.db.practice_totals import count_answer
from adapters.db.prebuilt import Prebuilt
from core.cache_tags import question_tags
from core.domain import Answer, Difficulty, Question
from core.paging import SortKey
from core.unit_of_work import Wrote

_DIFFICULTIES = {difficulty.value: difficulty for difficulty in Difficulty}  # cheaper than Enum's call


def _question(row: Row[Any]) -> Question:
    return Question(
        id=row.id,
        job_info_id=row.job_info_id,
        text=row.text,
        difficulty=_DIFFICULTIES[row.difficulty],
        created_at=row.created_at,
        updated_at=row.updated_at,
        topic=row.topic,
        coach_key=row.coach_key,
    )


def _answer(row: Row[Any]) -> Answer:
    return Answer(
        id=row.id,
        question_id=row.question_id,
        text=row.text,
        feedback=row.feedback,
        rating=row.rating,
        created_at=row.created_at,
    )


# built once: the ownership check of every action on one (see ``SqlJobInfos``)
_QUESTION_BY_ID = Prebuilt(select(t.questions).where(t.questions.c.id == bindparam("id")))
_JOB_QUESTIONS = NewestFirst(t.questions, t.questions.c.job_info_id, t.questions.c.created_at, t.questions.c.id)


class SqlQuestions:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, question: Question) -> None:
        self._c.execute(
            insert(t.questions).values(
                id=question.id,
                job_info_id=question.job_info_id,
                text=question.text,
                difficulty=question.difficulty.value,
                topic=question.topic,
                coach_key=question.coach_key,
                created_at=question.created_at,
                updated_at=question.updated_at,
            )
        )
        self._wrote(question_tags(question.id, question.job_info_id))

    def get(self, question_id: str) -> Question | None:
        row = _QUESTION_BY_ID(self._c, {"id": question_id}).first()
        return None if row is None else _question(row)

    def from_coach(self, job_info_id: str) -> list[Question]:
        c = t.questions.c
        # Sorted here, not in SQL: ORDER BY created_at would lead SQLite to
        # walk the job's whole history in that index rather than this one's.
        statement = select(t.questions).where(c.job_info_id == job_info_id, c.coach_key.is_not(None))
        found = [_question(row) for row in self._c.execute(statement)]
        return sorted(found, key=lambda q: (q.created_at, q.id), reverse=True)

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[Question]:
        if limit is not None:
            return [_question(row) for row in _JOB_QUESTIONS.rows(self._c, job_info_id, after, limit)]
        c = t.questions.c
        statement = newest_first(
            select(t.questions).where(c.job_info_id == job_info_id), c.created_at, c.id, after, limit
        )
        return [_question(row) for row in self._c.execute(statement)]


class SqlAnswers:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, answer: Answer) -> None:
        # The answer keeps its owner (the question's job info's user) and is
        # counted in the owner's practice totals, for the progress view (no
        # owner: no question, and the insert breaks the foreign key).
        user_id, job_info_id = count_answer(self._c, answer.question_id, answer.rating, answer.created_at)
        self._c.execute(
            insert(t.answers).values(
                id=answer.id,
                question_id=answer.question_id,
                user_id=user_id,
                text=answer.text,
                feedback=answer.feedback,
                rating=answer.rating,
                created_at=answer.created_at,
            )
        )
        # An answer is listed with its question: it changes the question's reads.
        self._wrote(question_tags(answer.question_id, job_info_id or ""))

    def list_for_questions(self, question_ids: Sequence[str]) -> list[Answer]:
        if not question_ids:
            return []
        a = t.answers.c
        statement = select(t.answers).where(a.question_id.in_(question_ids)).order_by(a.created_at, a.id)
        return [_answer(row) for row in self._c.execute(statement)]
