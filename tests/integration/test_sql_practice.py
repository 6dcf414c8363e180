"""The practice-history contract (the progress view's reads), on the
in-memory fake, SQLite and PostgreSQL alike: a user's totals of answer
ratings by day, topic and difficulty across all their job infos and nobody
else's, interviews with feedback (their overall rating) and resume analyses
with their job's name, newest first and never more than asked, and how many
of each there are; the totals equal what the records make of them after any
writes and deletes, on SQL as on the fake; a question's topic is stored and
read back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings

from adapters.fakes import FakeStorage
from core.domain import (
    Answer,
    CategoryAnalysis,
    Difficulty,
    ExperienceLevel,
    Interview,
    JobInfo,
    PracticeTotals,
    Question,
    RatingTotal,
    ResumeAnalysis,
    ScoredResume,
    StoredResumeAnalysis,
    TopicTotal,
    User,
)
from core.ports import Storage
from tests.conftest import saved
from tests.practice_totals import history, recomputed, replay, stored

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def a_user(storage: Storage, *job_names: str) -> tuple[User, list[JobInfo]]:
    user = User(new_id(), "Amina", f"amina-{uuid.uuid4().hex[:10]}@example.com", None, T0, T0)
    jobs = [JobInfo(new_id(), user.id, name, None, ExperienceLevel.SENIOR, "Python", T0, T0) for name in job_names]
    saved(storage, user, *jobs)
    return user, jobs


def a_question(job: JobInfo, topic: str | None, difficulty: Difficulty = Difficulty.EASY) -> Question:
    return Question(new_id(), job.id, f"**Topic:** {topic}\n\nWhy?", difficulty, T0, T0, topic=topic)


def an_answer(question: Question, rating: int, minutes: int) -> Answer:
    return Answer(new_id(), question.id, "answer", "## Feedback", rating, T0 + timedelta(minutes=minutes))


def an_analysis(score: int) -> ResumeAnalysis:
    """Each category scored differently, so a score read in the wrong place shows."""
    return ResumeAnalysis(score, *(CategoryAnalysis((score + k) % 11, "ok", []) for k in range(1, 6)))


def test_a_questions_topic_is_kept(storage: Storage) -> None:
    _, [job] = a_user(storage, "Backend")
    with_topic, without = a_question(job, "PostgreSQL"), a_question(job, None)
    saved(storage, with_topic, without)
    with storage.unit_of_work() as uow:
        assert uow.questions.get(with_topic.id) == with_topic
        assert uow.questions.get(without.id) == without
        assert {q.topic for q in uow.questions.list_for_job_info(job.id)} == {"PostgreSQL", None}


def test_answers_are_totalled_across_the_users_jobs_and_nobody_elses(storage: Storage) -> None:
    user, [backend, data] = a_user(storage, "Backend", "Data")
    other, [theirs] = a_user(storage, "Theirs")
    sql, pandas = a_question(backend, "SQL", Difficulty.HARD), a_question(data, "Pandas")
    foreign = a_question(theirs, "SQL")
    saved(storage, sql, pandas, foreign)
    saved(storage, an_answer(sql, 3, 1), an_answer(pandas, 8, 2), an_answer(sql, 5, 24 * 60),
          an_answer(foreign, 9, 4))

    with storage.unit_of_work() as uow:
        totals = uow.practice.totals(user.id, days=10, topics=10, categories=10)
        newest = uow.practice.totals(user.id, days=1, topics=1, categories=1)
        nobody = uow.practice.totals(new_id(), days=10, topics=10, categories=10)

    assert totals.days == [RatingTotal("2026-03-02", 1, 5), RatingTotal("2026-03-01", 2, 11)]
    assert sorted(totals.difficulties, key=lambda d: d.key) == [RatingTotal("easy", 1, 8), RatingTotal("hard", 2, 8)]
    assert totals.topics == [
        TopicTotal("sql", "SQL", 2, 8, backend.id, T0 + timedelta(minutes=24 * 60)),
        TopicTotal("pandas", "Pandas", 1, 8, data.id, T0 + timedelta(minutes=2))]
    assert (newest.days, newest.topics) == (totals.days[:1], totals.topics[:1])
    assert nobody == PracticeTotals([], [], [], [], 0, 0)


def test_interviews_with_feedback_and_resume_analyses_come_with_their_jobs_name(storage: Storage) -> None:
    user, [backend, data] = a_user(storage, "Backend", "Data")
    _, [theirs] = a_user(storage, "Theirs")
    reviewed = Interview(new_id(), backend.id, "00:12:00", None, "## Overall Rating: 7/10", T0, T0)
    later = Interview(new_id(), data.id, "00:05:00", None, "## Overall Rating: 4/10", T0 + timedelta(hours=1), T0)
    unreviewed = Interview(new_id(), backend.id, "00:00:00", None, None, T0 + timedelta(hours=2), T0)
    foreign = Interview(new_id(), theirs.id, "00:01:00", None, "## Overall Rating: 9/10", T0, T0)
    first = StoredResumeAnalysis(new_id(), backend.id, an_analysis(5), T0)
    second = StoredResumeAnalysis(new_id(), data.id, an_analysis(8), T0 + timedelta(days=1))
    saved(storage, reviewed, later, unreviewed, foreign, first, second,
        StoredResumeAnalysis(new_id(), theirs.id, an_analysis(2), T0))

    with storage.unit_of_work() as uow:
        interviews = uow.practice.rated_interviews(user.id, 10)
        newest_interview = uow.practice.rated_interviews(user.id, 1)
        resumes = uow.practice.scored_resumes(user.id, 10)
        newest_resume = uow.practice.scored_resumes(user.id, 1)
        totals = uow.practice.totals(user.id, days=10, topics=10, categories=10)

    assert [(i.id, i.job_name, i.overall) for i in interviews] == [(later.id, "Data", 4), (reviewed.id, "Backend", 7)]
    assert [i.id for i in newest_interview] == [later.id]
    assert resumes == [
        ScoredResume.of(second.id, second.job_info_id, "Data", second.created_at, second.analysis),
        ScoredResume.of(first.id, first.job_info_id, "Backend", T0, first.analysis)]
    assert [r.id for r in newest_resume] == [second.id]
    assert (totals.interviews_rated, totals.resumes_analysed) == (2, 2)


def test_deleting_a_job_info_takes_its_practice_with_it(storage: Storage) -> None:
    user, [job] = a_user(storage, "Backend")
    question = a_question(job, "SQL")
    saved(storage, question, an_answer(question, 4, 1), StoredResumeAnalysis(new_id(), job.id, an_analysis(5), T0))
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.delete(job.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.practice.totals(user.id, days=10, topics=10, categories=10) == PracticeTotals([], [], [], [], 0, 0)
        assert uow.practice.scored_resumes(user.id, 10) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history)
def test_the_totals_equal_a_recomputation_on_sql_as_on_the_fake(
    sql_storage: Storage, steps: list[tuple[str, int, int]]
) -> None:
    """Any answers rated, feedback stored or replaced, job infos and users
    deleted: SQL's totals equal what the records make of them, and the
    fake's."""
    prefix = uuid.uuid4().hex[:8]
    fake = FakeStorage()
    for sql_user, fake_user in zip(replay(sql_storage, steps, prefix), replay(fake, steps, prefix), strict=True):
        assert stored(sql_storage, sql_user) == recomputed(sql_storage, sql_user) == stored(fake, fake_user)
