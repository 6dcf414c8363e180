"""Ownership checks shared by every use case that touches a user's records:
a record that does not exist and one that is someone else's look the same."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from core.cache_tags import job_info_records_tag, job_info_tag
from core.coaching import Question
from core.domain import Actor, Interview, JobInfo
from core.errors import Forbidden
from core.ports import Storage, TagCache, UnitOfWork


class _OfJobInfo(Protocol):
    @property
    def job_info_id(self) -> str: ...


R = TypeVar("R", bound=_OfJobInfo)
T = TypeVar("T")


def owned_job_info(uow: UnitOfWork, actor: Actor, job_info_id: str) -> JobInfo:
    job_info = uow.job_infos.get(job_info_id)
    if job_info is None or job_info.user_id != actor.user_id:
        raise Forbidden()
    return job_info


def _with_owned_job_info(uow: UnitOfWork, actor: Actor, record: R | None) -> tuple[R, JobInfo]:
    """A record of a job info (``None`` when there is none) with that job
    info, if the job info is the caller's."""
    if record is None:
        raise Forbidden()
    return record, owned_job_info(uow, actor, record.job_info_id)


def owned_interview_with_job_info(
    uow: UnitOfWork, actor: Actor, interview_id: str
) -> tuple[Interview, JobInfo]:
    """The interview and its job info, if that job info is the caller's."""
    return _with_owned_job_info(uow, actor, uow.interviews.get(interview_id))


def owned_interview(uow: UnitOfWork, actor: Actor, interview_id: str) -> Interview:
    """The interview, if its job info is the caller's."""
    return owned_interview_with_job_info(uow, actor, interview_id)[0]


def owned_question(uow: UnitOfWork, actor: Actor, question_id: str) -> tuple[Question, JobInfo]:
    """The question and its job info, if that job info is the caller's."""
    return _with_owned_job_info(uow, actor, uow.questions.get(question_id))


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


def cached_job_info_records(
    storage: Storage,
    cache: TagCache,
    actor: Actor,
    job_info_id: str,
    kind: str,
    load: Callable[[str], Iterable[T]],
) -> list[T]:
    """A job info's records of ``kind`` for its owner, through the cache
    (under ``<kind>:jobInfo:<id>``, tagged with the job info's records of
    that kind); ``load(job_info_id)`` reads them on a miss."""
    cached_owned_job_info(storage, cache, actor, job_info_id)
    records = cache.get_or_load(
        f"{kind}:jobInfo:{job_info_id}",
        [job_info_records_tag(kind, job_info_id)],
        lambda: tuple(load(job_info_id)),
    )
    return list(records)
