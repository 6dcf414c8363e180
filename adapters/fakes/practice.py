"""The practice history (the progress view's reads) on the in-memory
tables, and the running totals it reads, kept as ``adapters.db`` keeps them:
``count_answer``, ``keep_ratings``, ``count_analysis`` and
``forget_job_info`` are called by the fake repositories in the unit of work
of the write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import evolve

from core.domain import (
    Answer,
    Interview,
    InterviewRatings,
    PracticeTotals,
    RatedAnswer,
    RatedInterview,
    RatingTotal,
    ScoredResume,
)
from core.progress import Sums, interview_ratings, tally_answers, tally_interviews

if TYPE_CHECKING:
    from adapters.fakes.tables import Tables

INTERVIEWS = ("interviews", "")
"""The (kind, key) of the count of a user's interviews with feedback."""
ANALYSES = ("resumes", "")
"""The (kind, key) of the count of a user's resume analyses."""


def _change(tables: Tables, user_id: str, kind: str, sums: Sums, sign: int) -> None:
    for key, (count, total) in sums.items():
        known = tables.totals.get((user_id, kind, key), RatingTotal(key, 0, 0))
        changed = RatingTotal(key, known.count + sign * count, known.total + sign * total)
        if changed.count:
            tables.totals[(user_id, kind, key)] = changed
        else:
            tables.totals.pop((user_id, kind, key), None)


def _rated(tables: Tables, answer: Answer) -> tuple[str, RatedAnswer]:
    question = tables.questions[answer.question_id]
    job = tables.job_infos[question.job_info_id]
    return job.user_id, RatedAnswer(answer.rating, answer.created_at, question.difficulty, question.topic, job.id)


def count_answer(tables: Tables, answer: Answer) -> None:
    user_id, rated = _rated(tables, answer)
    days, difficulties, topics = tally_answers([rated])
    _change(tables, user_id, "day", days, 1)
    _change(tables, user_id, "difficulty", difficulties, 1)
    for key, topic in topics.items():
        known = tables.topics.get((user_id, key))
        newer = known is None or topic.last_at >= known.last_at
        tables.topics[(user_id, key)] = topic if known is None else evolve(
            known, count=known.count + 1, total=known.total + topic.total,
            job_info_id=topic.job_info_id if newer else known.job_info_id,
            last_at=topic.last_at if newer else known.last_at,
        )


def keep_ratings(tables: Tables, interview: Interview) -> None:
    """Keep the ratings of the interview's feedback (read once, here) in
    place of what it had, counting the difference (feedback, once stored,
    is only replaced)."""
    if interview.feedback is None:
        return
    before = tables.interview_ratings.get(interview.id)
    overall, categories = interview_ratings(interview.feedback)
    user_id = tables.job_infos[interview.job_info_id].user_id
    after = InterviewRatings(interview.id, user_id, interview.job_info_id, interview.created_at, overall, categories)
    if before is not None and (before.overall, before.categories) == (overall, categories):
        return
    if before is None:
        _change(tables, user_id, INTERVIEWS[0], {INTERVIEWS[1]: (1, 0)}, 1)
    else:
        _change(tables, user_id, "category", tally_interviews([before]), -1)
    _change(tables, user_id, "category", tally_interviews([after]), 1)
    tables.interview_ratings[interview.id] = after


def count_analysis(tables: Tables, job_info_id: str) -> None:
    _change(tables, tables.job_infos[job_info_id].user_id, ANALYSES[0], {ANALYSES[1]: (1, 0)}, 1)


def forget_job_info(tables: Tables, job_info_id: str) -> None:
    """Take back what the job's answers, interviews and analyses counted
    (before the job and they are deleted); a topic last practised on it is given the
    job of its newest answer elsewhere."""
    user_id = tables.job_infos[job_info_id].user_id
    questions = {q.id for q in tables.questions.values() if q.job_info_id == job_info_id}
    days, difficulties, topics = tally_answers(
        _rated(tables, a)[1] for a in tables.answers.values() if a.question_id in questions)
    _change(tables, user_id, "day", days, -1)
    _change(tables, user_id, "difficulty", difficulties, -1)
    rated = [r for r in tables.interview_ratings.values() if r.job_info_id == job_info_id]
    _change(tables, user_id, "category", tally_interviews(rated), -1)
    _change(tables, user_id, INTERVIEWS[0], {INTERVIEWS[1]: (len(rated), 0)}, -1)
    analyses = sum(1 for a in tables.resume_analyses.values() if a.job_info_id == job_info_id)
    _change(tables, user_id, ANALYSES[0], {ANALYSES[1]: (analyses, 0)}, -1)
    remaining = [rated for a in tables.answers.values() if a.question_id not in questions
                 for owner, rated in [_rated(tables, a)] if owner == user_id]
    _, _, elsewhere = tally_answers(remaining)
    for key, gone in topics.items():
        known = tables.topics.pop((user_id, key))
        if known.count > gone.count:
            newest = elsewhere[key]
            tables.topics[(user_id, key)] = evolve(
                known, count=known.count - gone.count, total=known.total - gone.total,
                job_info_id=newest.job_info_id, last_at=newest.last_at)


class FakePracticeHistory:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def totals(self, user_id: str, *, days: int, topics: int, categories: int) -> PracticeTotals:
        def kind(name: str) -> list[RatingTotal]:
            return [v for (u, k, _), v in self._t.totals.items() if u == user_id and k == name]

        practised = sorted((t for (u, _), t in self._t.topics.items() if u == user_id),
                           key=lambda t: (-t.count, t.key))
        interviews, analyses = (self._t.totals.get((user_id, *kind)) for kind in (INTERVIEWS, ANALYSES))
        return PracticeTotals(
            days=sorted(kind("day"), key=lambda d: d.key, reverse=True)[:days],
            topics=practised[:topics],
            difficulties=kind("difficulty"),
            categories=sorted(kind("category"), key=lambda c: (-c.count, c.key))[:categories],
            interviews_rated=interviews.count if interviews else 0,
            resumes_analysed=analyses.count if analyses else 0,
        )

    def _jobs(self, user_id: str) -> dict[str, str]:
        return {j.id: j.name for j in self._t.job_infos.values() if j.user_id == user_id}

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        jobs = self._jobs(user_id)
        found = sorted((r for r in self._t.interview_ratings.values() if r.user_id == user_id),
                       key=lambda r: (r.created_at, r.interview_id), reverse=True)
        return [RatedInterview(r.interview_id, r.job_info_id, jobs[r.job_info_id], r.created_at, r.overall)
                for r in found[:limit]]

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
