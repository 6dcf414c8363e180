"""Ownership on the read path, through the cache: the reads every feature
shares. Writes check ownership with the unit of work's guard
(``uow.owned_job_info`` and the like, ``core.unit_of_work``); these apply the
same rule, ``owns``, to cached values, so a record that does not exist and one
that is someone else's look the same here too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from core.cache_tags import job_info_records_tag, job_info_tag
from core.domain import Actor, JobInfo
from core.paging import SortKey, after, page
from core.ports import Storage, TagCache
from core.unit_of_work import owns

T = TypeVar("T")


def cached_owned_job_info(storage: Storage, cache: TagCache, actor: Actor, job_info_id: str) -> JobInfo:
    """The job info, if it is the caller's, through the cache. Every write of
    a job info (deleting it too) invalidates its tag, so this is never stale."""

    def load() -> JobInfo | None:
        with storage.unit_of_work() as uow:
            return uow.job_infos.get(job_info_id)

    key, tags = f"jobInfo:{job_info_id}", [job_info_tag(job_info_id)]
    return owns(actor, cache.get_or_load(key, tags, load, owner=actor.user_id))


def cached_job_info_records(
    storage: Storage,
    cache: TagCache,
    actor: Actor,
    job_info_id: str,
    kind: str,
    cursor: str | None,
    limit: int,
    load: Callable[[str, SortKey | None, int], Sequence[T]],
    key: Callable[[T], SortKey],
) -> tuple[list[T], str | None]:
    """A page of a job info's records of ``kind`` for its owner, and the
    cursor of the next page; ``load(job_info_id, after, limit)`` reads them.

    Only first pages are cached (under ``<kind>:jobInfo:<id>:<limit>``,
    tagged with the job info's records of that kind): that is what the pages
    and most clients read again and again, each entry holds at most
    ``PAGE_MAX`` records, and the limit has only ``PAGE_MAX`` values, so a
    client walking cursors cannot fill the cache; a later page is one indexed
    keyset query."""
    cached_owned_job_info(storage, cache, actor, job_info_id)
    start = after(cursor, kind, job_info_id)

    def read() -> tuple[tuple[T, ...], str | None]:
        items, next_cursor = page(load(job_info_id, start, limit + 1), limit, kind, job_info_id, key)
        return tuple(items), next_cursor

    items, next_cursor = read() if start is not None else cache.get_or_load(
        f"{kind}:jobInfo:{job_info_id}:{limit}", [job_info_records_tag(kind, job_info_id)], read,
        owner=actor.user_id,
    )
    return list(items), next_cursor
