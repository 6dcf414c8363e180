"""The practice history (the progress view's reads) on the in-memory
tables: the newest records of a user across their job infos, bounded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.domain import RatedAnswer, RatedInterview, ScoredResume

if TYPE_CHECKING:
    from adapters.fakes.tables import Tables


class FakePracticeHistory:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def _jobs(self, user_id: str) -> dict[str, str]:
        return {j.id: j.name for j in self._t.job_infos.values() if j.user_id == user_id}

    def rated_answers(self, user_id: str, limit: int) -> list[RatedAnswer]:
        jobs = self._jobs(user_id)
        questions = {q.id: q for q in self._t.questions.values() if q.job_info_id in jobs}
        rated = [
            RatedAnswer(a.rating, a.created_at, questions[a.question_id].difficulty,
                        questions[a.question_id].topic, questions[a.question_id].job_info_id)
            for a in sorted(self._t.answers.values(), key=lambda a: (a.created_at, a.id), reverse=True)
            if a.question_id in questions
        ]
        return rated[:limit]

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        jobs = self._jobs(user_id)
        found = sorted(
            (i for i in self._t.interviews.values() if i.job_info_id in jobs and i.feedback is not None),
            key=lambda i: (i.created_at, i.id), reverse=True,
        )
        return [
            RatedInterview(i.id, i.job_info_id, jobs[i.job_info_id], i.created_at, i.feedback or "")
            for i in found[:limit]
        ]

    def scored_resumes(self, user_id: str, limit: int) -> list[ScoredResume]:
        jobs = self._jobs(user_id)
        found = sorted(
            (a for a in self._t.resume_analyses.values() if a.job_info_id in jobs),
            key=lambda a: (a.created_at, a.id), reverse=True,
        )
        return [
            ScoredResume.of(a.id, a.job_info_id, jobs[a.job_info_id], a.created_at, a.analysis)
            for a in found[:limit]
        ]
