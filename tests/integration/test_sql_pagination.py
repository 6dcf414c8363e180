"""Keyset pages from every list repository, on the in-memory fake, SQLite
and PostgreSQL alike: walking ``after`` / ``limit`` gives every record of
the owner once, newest first, even when many share a timestamp, and never
another owner's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from core.domain import Answer, Difficulty, ExperienceLevel, Interview, JobInfo, Question, StoredResumeAnalysis
from core.paging import SortKey
from core.ports import Storage, UnitOfWork
from tests.conftest import T0, make_job_info, make_resume_analysis, make_user, new_id

COUNT = 23  # records per owner; timestamps repeat every 4, so ties cross pages


def at(i: int) -> datetime:
    return T0 + timedelta(microseconds=i // 4)


def owners(storage: Storage) -> list[JobInfo]:
    """Two users with one job info each."""
    found = []
    with storage.unit_of_work(write=True) as uow:
        for n in range(2):
            user = make_user()
            job_info = make_job_info(user_id=user.id, name=f"job {n}")
            uow.users.add(user)
            uow.job_infos.add(job_info)
            found.append(job_info)
        uow.commit()
    return found


def walk(storage: Storage, read: Callable[[UnitOfWork, SortKey | None, int], list[Any]], limit: int) -> list[Any]:
    seen: list[Any] = []
    start = None
    while True:
        with storage.unit_of_work() as uow:
            items = read(uow, start, limit)
        assert len(items) <= limit
        seen += items
        if len(items) < limit:
            return seen
        last = items[-1]
        start = SortKey(last.updated_at if isinstance(last, JobInfo) else last.created_at, last.id)


def newest_first(records: list[Any], attr: str) -> list[str]:
    return [r.id for r in sorted(records, key=lambda r: (getattr(r, attr), r.id), reverse=True)]


def test_job_infos_page_by_last_update_with_and_without_a_search(storage: Storage) -> None:
    mine, theirs = owners(storage)
    added = []
    with storage.unit_of_work(write=True) as uow:
        for i in range(COUNT):
            for owner in (mine, theirs):
                job_info = make_job_info(
                    user_id=owner.user_id, name=f"role {i % 3}", experience_level=ExperienceLevel.JUNIOR,
                    description="d", updated_at=at(i),
                )
                uow.job_infos.add(job_info)
                if owner is mine:
                    added.append(job_info)
        uow.commit()
    expected = newest_first([*added, mine], "updated_at")
    for limit in (1, 5, 200):
        got = walk(storage, lambda uow, a, n: uow.job_infos.list_for_user(mine.user_id, after=a, limit=n), limit)
        assert [j.id for j in got] == expected
    searched = walk(
        storage, lambda uow, a, n: uow.job_infos.list_for_user(mine.user_id, "ROLE 1", after=a, limit=n), 4
    )
    assert [j.id for j in searched] == newest_first([j for j in added if j.name == "role 1"], "updated_at")


def test_interviews_questions_and_analyses_page_newest_first(storage: Storage) -> None:
    mine, theirs = owners(storage)
    interviews: list[Interview] = []
    questions: list[Question] = []
    analyses: list[StoredResumeAnalysis] = []
    with storage.unit_of_work(write=True) as uow:
        for i in range(COUNT):
            for owner in (mine, theirs):
                interview = Interview(new_id(), owner.id, "00:00:00", None, None, at(i), at(i))
                question = Question(new_id(), owner.id, f"q{i}", Difficulty.EASY, at(i), at(i))
                analysis = StoredResumeAnalysis(new_id(), owner.id, make_resume_analysis(5), at(i))
                uow.interviews.add(interview)
                uow.questions.add(question)
                uow.resume_analyses.add(analysis)
                if owner is mine:
                    interviews.append(interview)
                    questions.append(question)
                    analyses.append(analysis)
        uow.commit()
    for limit in (1, 4, 200):
        assert [r.id for r in walk(
            storage, lambda uow, a, n: uow.interviews.list_for_job_info(mine.id, after=a, limit=n), limit
        )] == newest_first(interviews, "created_at")
        assert [r.id for r in walk(
            storage, lambda uow, a, n: uow.questions.list_for_job_info(mine.id, after=a, limit=n), limit
        )] == newest_first(questions, "created_at")
        assert [r.id for r in walk(
            storage, lambda uow, a, n: uow.resume_analyses.list_for_job_info(mine.id, after=a, limit=n), limit
        )] == newest_first(analyses, "created_at")


def test_answers_are_read_for_the_questions_of_a_page_only(storage: Storage) -> None:
    (job_info, _) = owners(storage)
    first, second, third = (Question(new_id(), job_info.id, f"q{i}", Difficulty.HARD, T0, T0) for i in range(3))
    answers = [Answer(new_id(), q.id, "a", "f", 5, T0 + timedelta(seconds=i)) for i, q in enumerate([first, second, second, third])]
    with storage.unit_of_work(write=True) as uow:
        for question in (first, second, third):
            uow.questions.add(question)
        for answer in answers:
            uow.answers.add(answer)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.answers.list_for_questions([second.id, first.id]) == answers[:3]
        assert uow.answers.list_for_questions([]) == []
