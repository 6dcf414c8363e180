"""Ownership on the read path, through the cache: the reads every feature
shares. Writes check ownership with the unit of work's guard
(``uow.owned_job_info`` and the like, ``core.unit_of_work``); these apply the
same rule, ``owns``, to cached values, so a record that does not exist and one
that is someone else's look the same here too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from core.cache_tags import job_info_records_tag, job_info_tag
from core.domain import Actor, JobInfo
from core.ports import Storage, TagCache
from core.unit_of_work import owns

T = TypeVar("T")


def cached_owned_job_info(storage: Storage, cache: TagCache, actor: Actor, job_info_id: str) -> JobInfo:
    """The job info, if it is the caller's, through the cache. Every write of
    a job info (deleting it too) invalidates its tag, so this is never stale."""

    def load() -> JobInfo | None:
        with storage.unit_of_work() as uow:
            return uow.job_infos.get(job_info_id)

    return owns(actor, cache.get_or_load(f"jobInfo:{job_info_id}", [job_info_tag(job_info_id)], load))


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
