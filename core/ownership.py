"""Ownership checks shared by every use case that touches a user's records:
a record that does not exist and one that is someone else's look the same."""

from __future__ import annotations

from core.cache_tags import job_info_tag
from core.domain import Actor, Interview, JobInfo
from core.errors import Forbidden
from core.ports import Storage, TagCache, UnitOfWork


def owned_job_info(uow: UnitOfWork, actor: Actor, job_info_id: str) -> JobInfo:
    job_info = uow.job_infos.get(job_info_id)
    if job_info is None or job_info.user_id != actor.user_id:
        raise Forbidden()
    return job_info


def owned_interview(uow: UnitOfWork, actor: Actor, interview_id: str) -> Interview:
    """The interview, if its job info is the caller's."""
    interview = uow.interviews.get(interview_id)
    if interview is None:
        raise Forbidden()
    owned_job_info(uow, actor, interview.job_info_id)
    return interview


def cached_owned_job_info(storage: Storage, cache: TagCache, actor: Actor, job_info_id: str) -> JobInfo:
    """``owned_job_info`` for reads, through the cache. Every write of a job
    info (deleting it too) invalidates its tag, so this is never stale."""

    def load() -> JobInfo | None:
        with storage.unit_of_work() as uow:
            return uow.job_infos.get(job_info_id)

    job_info = cache.get_or_load(f"jobInfo:{job_info_id}", [job_info_tag(job_info_id)], load)
    if job_info is None or job_info.user_id != actor.user_id:
        raise Forbidden()
    return job_info
