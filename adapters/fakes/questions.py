"""The questions and answers repositories on the in-memory tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from adapters.fakes.paging import newest_first
from adapters.fakes.practice import count_answer
from core.cache_tags import question_tags
from core.domain import Answer, Question
from core.paging import SortKey
from core.unit_of_work import Wrote

if TYPE_CHECKING:
    from adapters.fakes.tables import Tables


class FakeQuestions:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, question: Question) -> None:
        self._t.questions[question.id] = question
        self._wrote(question_tags(question.id, question.job_info_id))

    def get(self, question_id: str) -> Question | None:
        return self._t.questions.get(question_id)

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[Question]:
        found = [q for q in self._t.questions.values() if q.job_info_id == job_info_id]
        return newest_first(found, lambda q: SortKey(q.created_at, q.id), after, limit)

    def from_coach(self, job_info_id: str) -> list[Question]:
        return [q for q in self.list_for_job_info(job_info_id) if q.coach_key is not None]


class FakeAnswers:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, answer: Answer) -> None:
        question = self._t.questions[answer.question_id]  # as the foreign key insists
        self._t.answers[answer.id] = answer
        count_answer(self._t, answer)
        self._wrote(question_tags(question.id, question.job_info_id))

    def list_for_questions(self, question_ids: Sequence[str]) -> list[Answer]:
        wanted = set(question_ids)
        found = [a for a in self._t.answers.values() if a.question_id in wanted]
        return sorted(found, key=lambda a: (a.created_at, a.id))
