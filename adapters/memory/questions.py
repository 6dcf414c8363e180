"""The questions and answers repositories on the in-memory tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.coaching import Answer, Question

if TYPE_CHECKING:
    from adapters.memory.storage import Tables


class MemoryQuestions:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def add(self, question: Question) -> None:
        self._t.questions[question.id] = question

    def get(self, question_id: str) -> Question | None:
        return self._t.questions.get(question_id)

    def list_for_job_info(self, job_info_id: str) -> list[Question]:
        found = [q for q in self._t.questions.values() if q.job_info_id == job_info_id]
        return sorted(found, key=lambda q: (q.created_at, q.id), reverse=True)


class MemoryAnswers:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def add(self, answer: Answer) -> None:
        self._t.answers[answer.id] = answer

    def list_for_job_info(self, job_info_id: str) -> list[Answer]:
        questions = self._t.questions
        found = [
            a
            for a in self._t.answers.values()
            if a.question_id in questions and questions[a.question_id].job_info_id == job_info_id
        ]
        return sorted(found, key=lambda a: (a.created_at, a.id))
