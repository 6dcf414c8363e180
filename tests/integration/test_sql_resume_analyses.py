"""The storage contract for resume analyses, on the in-memory fake, SQLite
and PostgreSQL alike: an analysis comes back exactly as stored, newest
first per job info, and goes with its job info."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from core.domain import (
    CategoryAnalysis,
    ExperienceLevel,
    FeedbackItem,
    FeedbackType,
    JobInfo,
    ResumeAnalysis,
    StoredResumeAnalysis,
    User,
)
from core.ports import Storage

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def a_job_info(storage: Storage) -> JobInfo:
    user = User(new_id(), "Amina", f"amina-{uuid.uuid4().hex[:10]}@example.com", None, T0, T0)
    job_info = JobInfo(new_id(), user.id, "Backend", None, ExperienceLevel.SENIOR, "Python", T0, T0)
    with storage.unit_of_work(write=True) as uow:
        uow.users.add(user)
        uow.job_infos.add(job_info)
        uow.commit()
    return job_info


def an_analysis(score: int) -> ResumeAnalysis:
    def category(name: str) -> CategoryAnalysis:
        return CategoryAnalysis(
            score,
            f"{name}: «quoted» summary",
            [
                FeedbackItem(FeedbackType.STRENGTH, "Clear", "Sections are easy to scan."),
                FeedbackItem(FeedbackType.MAJOR_IMPROVEMENT, "Keywords", "Name PostgreSQL and Kubernetes."),
            ],
        )

    return ResumeAnalysis(
        score, category("ats"), category("match"), category("writing"), category("keywords"), category("other")
    )


def stored(job_info: JobInfo, score: int, minutes: int) -> StoredResumeAnalysis:
    return StoredResumeAnalysis(new_id(), job_info.id, an_analysis(score), T0 + timedelta(minutes=minutes))


def add(storage: Storage, *analyses: StoredResumeAnalysis) -> None:
    with storage.unit_of_work(write=True) as uow:
        for analysis in analyses:
            uow.resume_analyses.add(analysis)
        uow.commit()


def listed(storage: Storage, job_info_id: str) -> list[StoredResumeAnalysis]:
    with storage.unit_of_work() as uow:
        return uow.resume_analyses.list_for_job_info(job_info_id)


def test_analyses_come_back_whole_and_newest_first(storage: Storage):
    job_info = a_job_info(storage)
    other = a_job_info(storage)
    older, newer = stored(job_info, 4, 1), stored(job_info, 8, 2)
    add(storage, older, newer, stored(other, 5, 3))
    assert listed(storage, job_info.id) == [newer, older]


def test_analyses_go_with_their_job_info(storage: Storage):
    job_info = a_job_info(storage)
    add(storage, stored(job_info, 6, 1))
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.delete(job_info.id)
        uow.commit()
    assert listed(storage, job_info.id) == []
