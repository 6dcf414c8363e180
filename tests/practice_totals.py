"""The practice totals against what the records make of them: ``history``
draws a sequence of writes and deletes (answers rated, interview feedback
stored or replaced, resumes analysed, job infos and users deleted),
``replay`` runs it on any
storage, and ``recomputed`` sums a user's records as they are
(``core.progress.tally_*``) for comparing with ``stored``, the totals as the
storage keeps them. Shared by the fake's unit tests and SQL's integration
tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from attrs import evolve
from hypothesis import strategies as st

from core.domain import (
    Answer,
    Difficulty,
    ExperienceLevel,
    Interview,
    InterviewRatings,
    JobInfo,
    Question,
    RatedAnswer,
    StoredResumeAnalysis,
    User,
)
from core.ports import Storage
from core.progress import interview_ratings, tally_answers, tally_interviews
from tests.conftest import T0, make_resume_analysis, saved

TOPICS = ["SQL", "sql ", "Docker", None, "Redis", "  "]
FEEDBACKS = [
    "## Overall Rating: 6/10\n\n## Communication: 8/10\n\n## Role Fit: 4/10\n",
    "# Overall Rating: 8/10\n\n## 1. **Communication** (Rating: 9/10)\n",
    "No ratings at all.",
    "## Role Fit: 3/10\n## Depth (Rating: 7/10)\n",
]
JOBS = 3  # users 0 and 1 own jobs 0, 1 and 2: (0, 1) are user 0's
QUESTIONS = 6  # question n is on job n % 3
INTERVIEWS = 4  # interview n is on job n % 3

history = st.lists(st.one_of(
    st.tuples(st.just("answer"), st.integers(0, QUESTIONS - 1), st.integers(1, 10)),
    st.tuples(st.just("feedback"), st.integers(0, INTERVIEWS - 1), st.integers(0, len(FEEDBACKS) - 1)),
    st.tuples(st.just("analysis"), st.integers(0, JOBS - 1), st.integers(0, 10)),
    st.tuples(st.just("delete job"), st.integers(0, JOBS - 1), st.just(0)),
    st.tuples(st.just("delete user"), st.integers(0, 1), st.just(0)),
), max_size=40)


def replay(storage: Storage, steps: list[tuple[str, int, int]], prefix: str = "") -> list[str]:
    """Two users, their jobs, questions and interviews, then ``steps``, each
    its own unit of work and 7 hours after the one before (days change);
    steps on records deleted meanwhile are skipped. The users' ids."""
    users = [User(f"{prefix}u{n}", "Ada", f"{prefix}u{n}@example.com", None, T0, T0) for n in range(2)]
    jobs = [JobInfo(f"{prefix}j{n}", users[0 if n < 2 else 1].id, f"Job {n}", None,
                    ExperienceLevel.SENIOR, "Python", T0, T0) for n in range(JOBS)]
    questions = [Question(f"{prefix}q{n}", jobs[n % JOBS].id, "Why?", list(Difficulty)[n % 3], T0, T0,
                          topic=TOPICS[n]) for n in range(QUESTIONS)]
    interviews = [Interview(f"{prefix}i{n}", jobs[n % JOBS].id, "00:10:00", None, None, T0 + timedelta(minutes=n), T0)
                  for n in range(INTERVIEWS)]
    saved(storage, *users, *jobs, *questions, *interviews)
    for step, (action, n, value) in enumerate(steps):
        at = T0 + timedelta(hours=7 * (step + 1))
        with storage.unit_of_work(write=True) as uow:
            if action == "answer" and uow.questions.get(questions[n].id):
                uow.answers.add(Answer(f"{prefix}a{step}", questions[n].id, "answer", "ok", value, at))
            elif action == "feedback" and (interview := uow.interviews.get(interviews[n].id)):
                uow.interviews.update(evolve(interview, feedback=FEEDBACKS[value], updated_at=at))
            elif action == "analysis" and uow.job_infos.get(jobs[n].id):
                uow.resume_analyses.add(StoredResumeAnalysis(f"{prefix}r{step}", jobs[n].id,
                                                             make_resume_analysis(value), at))
            elif action == "delete job":
                uow.job_infos.delete(jobs[n].id)
            elif action == "delete user":
                uow.users.delete(users[n].id)
            uow.commit()
    return [u.id for u in users]


def recomputed(storage: Storage, user_id: str) -> dict[str, Any]:
    """The totals of the user's records as they are now."""
    answers: list[tuple[Answer, RatedAnswer]] = []
    rated: list[InterviewRatings] = []
    analyses = 0
    with storage.unit_of_work() as uow:
        for job in uow.job_infos.list_for_user(user_id):
            analyses += len(uow.resume_analyses.list_for_job_info(job.id))
            questions = {q.id: q for q in uow.questions.list_for_job_info(job.id)}
            for a in uow.answers.list_for_questions(list(questions)):
                q = questions[a.question_id]
                answers.append((a, RatedAnswer(a.rating, a.created_at, q.difficulty, q.topic, job.id)))
            for i in uow.interviews.list_for_job_info(job.id):
                if i.feedback is not None:
                    rated.append(InterviewRatings(i.id, user_id, job.id, i.created_at, *interview_ratings(i.feedback)))
    days, difficulties, topics = tally_answers(r for _, r in sorted(answers, key=lambda a: (a[0].created_at, a[0].id)))
    return {
        "days": days, "difficulties": difficulties, "categories": tally_interviews(rated),
        "topics": {k: (t.topic.casefold(), t.count, t.total, t.job_info_id, t.last_at) for k, t in topics.items()},
        "interviews": len(rated), "analyses": analyses,
    }


def stored(storage: Storage, user_id: str) -> dict[str, Any]:
    """The user's totals as the storage keeps them (all of them)."""
    with storage.unit_of_work() as uow:
        totals = uow.practice.totals(user_id, days=10_000, topics=10_000, categories=10_000)
    return {
        "days": {d.key: (d.count, d.total) for d in totals.days},
        "difficulties": {d.key: (d.count, d.total) for d in totals.difficulties},
        "categories": {c.key: (c.count, c.total) for c in totals.categories},
        "topics": {t.key: (t.topic.casefold(), t.count, t.total, t.job_info_id, t.last_at) for t in totals.topics},
        "interviews": totals.interviews_rated, "analyses": totals.resumes_analysed,
    }
