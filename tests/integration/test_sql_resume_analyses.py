"""The storage contract for resume analyses, on the in-memory fake, SQLite
and PostgreSQL alike: an analysis comes back exactly as stored, newest
first per job info, and goes with its job info."""

from __future__ import annotations

from datetime import timedelta

from core.domain import (
    JobInfo,
    StoredResumeAnalysis,
)
from core.ports import Storage
from tests.conftest import T0, a_user_with_a_job_info, make_resume_analysis, new_id, saved


def stored(job_info: JobInfo, score: int, minutes: int) -> StoredResumeAnalysis:
    return StoredResumeAnalysis(new_id(), job_info.id, make_resume_analysis(score), T0 + timedelta(minutes=minutes))


def listed(storage: Storage, job_info_id: str) -> list[StoredResumeAnalysis]:
    with storage.unit_of_work() as uow:
        return uow.resume_analyses.list_for_job_info(job_info_id)


def test_analyses_come_back_whole_and_newest_first(storage: Storage):
    job_info = a_user_with_a_job_info(storage)[1]
    other = a_user_with_a_job_info(storage)[1]
    older, newer = stored(job_info, 4, 1), stored(job_info, 8, 2)
    saved(storage, older, newer, stored(other, 5, 3))
    assert listed(storage, job_info.id) == [newer, older]


def test_analyses_go_with_their_job_info(storage: Storage):
    job_info = a_user_with_a_job_info(storage)[1]
    saved(storage, stored(job_info, 6, 1))
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.delete(job_info.id)
        uow.commit()
    assert listed(storage, job_info.id) == []
