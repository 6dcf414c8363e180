"""Storage in dicts, for the tests, with the unit-of-work semantics of the
real thing: a unit of work sees a snapshot, its changes land only on
``commit()``, it rolls back otherwise, write units run one at a time (like
BEGIN IMMEDIATE), and the repositories record the cache tags of what they
write as ``adapters.db`` does."""

from __future__ import annotations

import threading
from datetime import datetime
from types import TracebackType
from typing import Self

from attrs import evolve

from adapters.fakes.accounts import FakeSessions, FakeUsers
from adapters.fakes.coaching_records import FakeInterviewMessages, FakeResumeAnalyses
from adapters.fakes.paging import newest_first
from adapters.fakes.practice import FakePracticeHistory, forget_job_info, keep_ratings
from adapters.fakes.questions import FakeAnswers, FakeQuestions
from adapters.fakes.tables import Tables, delete_cascading
from core.cache_tags import interview_tags, job_info_tags
from core.domain import (
    ExperienceLevel,
    Interview,
    JobInfo,
)
from core.errors import OwnerMissing
from core.idempotency import HeldKey
from core.paging import SortKey
from core.ports import TagCache
from core.unit_of_work import TrackedUnitOfWork, Wrote


class FakeJobInfos:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, job_info: JobInfo) -> None:
        if job_info.user_id not in self._t.users:
            raise OwnerMissing(job_info.user_id)
        self._t.job_infos[job_info.id] = job_info
        self._wrote(job_info_tags(job_info.id, job_info.user_id))

    def add_unless_full(self, job_info: JobInfo, limit: int) -> bool:
        if self.count_for_user(job_info.user_id) >= limit:
            return False
        self.add(job_info)
        return True

    def get(self, job_info_id: str) -> JobInfo | None:
        return self._t.job_infos.get(job_info_id)

    def update(self, job_info: JobInfo) -> None:
        if job_info.id in self._t.job_infos:
            self._t.job_infos[job_info.id] = job_info
            self._wrote(job_info_tags(job_info.id, job_info.user_id))

    def update_owned(
        self, user_id: str, job_info_id: str, *, name: str, title: str | None,
        experience_level: ExperienceLevel, description: str, now: datetime,
    ) -> bool:
        current = self._t.job_infos.get(job_info_id)
        if current is None or current.user_id != user_id:
            return False
        self.update(evolve(current, name=name, title=title, experience_level=experience_level,
                           description=description, updated_at=max(now, current.updated_at)))
        return True

    def delete(self, job_info_id: str) -> None:
        job_info = self._t.job_infos.get(job_info_id)
        if job_info is not None:
            forget_job_info(self._t, job_info_id)
            delete_cascading(self._t, "job_infos", job_info_id)
            self._wrote(job_info_tags(job_info_id, job_info.user_id))

    def list_for_user(
        self, user_id: str, query: str | None = None, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[JobInfo]:
        needle = query.lower() if query else None
        found = [
            j
            for j in self._t.job_infos.values()
            if j.user_id == user_id
            and (
                needle is None
                or any(needle in (text or "").lower() for text in (j.name, j.title, j.description))
            )
        ]
        return newest_first(found, lambda j: SortKey(j.updated_at, j.id), after, limit)

    def count_for_user(self, user_id: str) -> int:
        return sum(1 for j in self._t.job_infos.values() if j.user_id == user_id)


class FakeInterviews:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, interview: Interview) -> None:
        self._t.interviews[interview.id] = interview
        keep_ratings(self._t, interview)
        job_info = self._t.job_infos.get(interview.job_info_id)
        if job_info is not None:  # counted, as the database's trigger counts every insert
            FakeUsers(self._t, self._wrote).count_created(job_info.user_id, "interviews")
        self._wrote(interview_tags(interview.id, interview.job_info_id))

    def add_owned(self, interview: Interview, user_id: str) -> bool:
        job_info = self._t.job_infos.get(interview.job_info_id)
        if job_info is None or job_info.user_id != user_id:
            return False
        self.add(interview)
        return True

    def get(self, interview_id: str) -> Interview | None:
        return self._t.interviews.get(interview_id)

    def update(self, interview: Interview) -> None:
        if interview.id in self._t.interviews:
            self._t.interviews[interview.id] = interview
            keep_ratings(self._t, interview)
            self._wrote(interview_tags(interview.id, interview.job_info_id))

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[Interview]:
        found = [i for i in self._t.interviews.values() if i.job_info_id == job_info_id]
        return newest_first(found, lambda i: SortKey(i.created_at, i.id), after, limit)


class FakeWebhookDeliveries:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def record(self, delivery_id: str, at: datetime, forget_before: datetime) -> bool:
        kept = {k: v for k, v in self._t.deliveries.items() if v >= forget_before}
        self._t.deliveries.clear()
        self._t.deliveries.update(kept)
        if delivery_id in kept:
            return False
        self._t.deliveries[delivery_id] = at
        return True

    def remembered(self, delivery_id: str) -> bool:
        return delivery_id in self._t.deliveries


class FakeUnitOfWork(TrackedUnitOfWork):
    def __init__(self, storage: FakeStorage, write: bool, one_write: bool = False) -> None:
        super().__init__(storage.cache, one_write)
        self._storage = storage
        self._write = write
        self.committed = False

    def __enter__(self) -> Self:
        if self._write:
            self._storage.write_lock.acquire()
        self._begin()
        return self

    def _begin(self) -> None:
        """A fresh snapshot, and repositories over it."""
        self._tables = tables = self._storage.snapshot()
        self._users = FakeUsers(tables, self.wrote)
        self._sessions = FakeSessions(tables, self.wrote)
        self._job_infos = FakeJobInfos(tables, self.wrote)
        self._interviews = FakeInterviews(tables, self.wrote)
        self._questions = FakeQuestions(tables, self.wrote)
        self._answers = FakeAnswers(tables, self.wrote)
        self._interview_messages = FakeInterviewMessages(tables, self.wrote)
        self._resume_analyses = FakeResumeAnalyses(tables, self.wrote)
        self._practice = FakePracticeHistory(tables)
        self._deliveries = FakeWebhookDeliveries(tables)

    @property
    def users(self) -> FakeUsers:
        return self._users

    @property
    def sessions(self) -> FakeSessions:
        return self._sessions

    @property
    def job_infos(self) -> FakeJobInfos:
        return self._job_infos

    @property
    def interviews(self) -> FakeInterviews:
        return self._interviews

    @property
    def questions(self) -> FakeQuestions:
        return self._questions

    @property
    def answers(self) -> FakeAnswers:
        return self._answers

    @property
    def interview_messages(self) -> FakeInterviewMessages:
        return self._interview_messages

    @property
    def resume_analyses(self) -> FakeResumeAnalyses:
        return self._resume_analyses

    @property
    def practice(self) -> FakePracticeHistory:
        return self._practice

    @property
    def deliveries(self) -> FakeWebhookDeliveries:
        return self._deliveries

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        if self._write:
            self._storage.write_lock.release()

    def _commit(self) -> None:
        if not self._write:
            raise RuntimeError("commit() on a read-only unit of work")
        self._storage.replace(self._tables)
        self._begin()
        self.committed = True

    def _rollback(self) -> None:
        self._begin()

    def _mark_committed(self, held: HeldKey) -> bool:
        # This unit of work holds the storage's write lock, which a claim
        # takes too: no takeover between this check and the commit.
        holder = self._storage.holder(held.user_id, held.key)
        if holder is not None and holder != held.token:
            return False
        self._tables.committed_keys[mark_of(held.user_id, held.key)] = held.token
        return True


def mark_of(user_id: str, key: str) -> str:
    return f"{user_id} {key}"  # keys have no spaces


class FakeStorage:
    """The storage port on dicts. ``commits`` counts committed units of work;
    ``cache`` is where they invalidate what they wrote (``None``: nowhere)."""

    def __init__(self, cache: TagCache | None = None) -> None:
        self._tables = Tables()
        self._lock = threading.Lock()
        self.write_lock = threading.RLock()
        self._holders: dict[str, str] = {}
        self.commits = 0
        self.cache = cache

    def ping(self) -> None:
        """Always reachable."""

    def unit_of_work(self, *, write: bool = False, one_write: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, write, one_write)

    def snapshot(self) -> Tables:
        with self._lock:
            return self._tables.copy()

    def committed_token(self, user_id: str, key: str) -> str | None:
        """The token of the call that committed under ``key``, if one did."""
        with self._lock:
            return self._tables.committed_keys.get(mark_of(user_id, key))

    def hold(self, user_id: str, key: str, token: str) -> None:
        """Record that the call with ``token`` holds ``key`` now (the fake
        key store's claims; the SQL store's row is the unit of work's own)."""
        with self._lock:
            self._holders[mark_of(user_id, key)] = token

    def holder(self, user_id: str, key: str) -> str | None:
        with self._lock:
            return self._holders.get(mark_of(user_id, key))

    def replace(self, tables: Tables) -> None:
        with self._lock:
            self._tables = tables.copy()
            self.commits += 1
