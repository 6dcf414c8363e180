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

from attrs import define, evolve, field, fields

from adapters.fakes.coaching_records import FakeInterviewMessages, FakeResumeAnalyses
from adapters.fakes.paging import newest_first
from adapters.fakes.practice import FakePracticeHistory
from adapters.fakes.questions import FakeAnswers, FakeQuestions
from core.cache_tags import interview_tags, job_info_tags, session_tag, user_tags
from core.domain import (
    Answer,
    Credentials,
    Hold,
    Interview,
    InterviewMessage,
    JobInfo,
    Question,
    Session,
    StoredResumeAnalysis,
    Usage,
    UsageKind,
    User,
)
from core.errors import EmailAlreadyRegistered, OwnerMissing
from core.idempotency import HeldKey
from core.paging import SortKey
from core.ports import TagCache
from core.unit_of_work import TrackedUnitOfWork, Wrote


@define
class Tables:
    """Every stored record, by id. Values are frozen, so a shallow copy of
    each dict is a consistent snapshot."""

    users: dict[str, User] = field(factory=dict)
    password_hashes: dict[str, str] = field(factory=dict)
    sessions: dict[str, Session] = field(factory=dict)
    job_infos: dict[str, JobInfo] = field(factory=dict)
    interviews: dict[str, Interview] = field(factory=dict)
    questions: dict[str, Question] = field(factory=dict)
    answers: dict[str, Answer] = field(factory=dict)
    interview_messages: dict[str, InterviewMessage] = field(factory=dict)
    resume_analyses: dict[str, StoredResumeAnalysis] = field(factory=dict)
    plans: dict[str, str] = field(factory=dict)
    usage: dict[str, Usage] = field(factory=dict)
    deliveries: dict[str, datetime] = field(factory=dict)
    holds: dict[str, Hold] = field(factory=dict)
    committed_keys: dict[str, str] = field(factory=dict)
    """The token of each committed call's idempotency key, by ``mark_of``."""

    def copy(self) -> Tables:
        return Tables(**{a.name: dict(getattr(self, a.name)) for a in fields(Tables)})


# What deleting a record deletes with it, as the foreign keys do in SQL:
# (parent table, child table, the child's column naming the parent).
CASCADES: list[tuple[str, str, str]] = [
    ("users", "sessions", "user_id"),
    ("users", "holds", "user_id"),
    ("users", "job_infos", "user_id"),
    ("job_infos", "interviews", "job_info_id"),
    ("job_infos", "questions", "job_info_id"),
    ("questions", "answers", "question_id"),
    ("interviews", "interview_messages", "interview_id"),
    ("job_infos", "resume_analyses", "job_info_id"),
]

# Columns of the users row, kept beside the User value: gone with the user.
USER_COLUMNS = ("password_hashes", "plans", "usage")


def delete_cascading(tables: Tables, table: str, record_id: str) -> None:
    getattr(tables, table).pop(record_id, None)
    if table == "users":
        for column in USER_COLUMNS:
            getattr(tables, column).pop(record_id, None)
    for parent, child, column in CASCADES:
        if parent == table:
            children = getattr(tables, child)
            for child_id in [k for k, v in children.items() if getattr(v, column) == record_id]:
                delete_cascading(tables, child, child_id)


class FakeUsers:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, user: User, password_hash: str | None = None) -> None:
        if self.get_by_email(user.email) is not None:
            raise EmailAlreadyRegistered(user.email)
        self._t.users[user.id] = evolve(user, email=user.email.lower())  # as SQL stores it
        if password_hash is not None:
            self._t.password_hashes[user.id] = password_hash
        self._wrote(user_tags(user.id))

    def upsert(self, user: User) -> None:
        existing = self._t.users.get(user.id)
        if existing is None:
            self.add(user)
            return
        self._check_email_free(user)
        self._t.users[user.id] = evolve(
            existing,
            name=user.name,
            email=user.email.lower(),
            image_url=user.image_url,
            updated_at=user.updated_at,
        )
        self._wrote(user_tags(user.id))

    def add_if_absent(self, user: User) -> None:
        if user.id in self._t.users:
            return
        self.add(user)

    def _check_email_free(self, user: User) -> None:
        holder = self.get_by_email(user.email)
        if holder is not None and holder.id != user.id:
            raise EmailAlreadyRegistered(user.email)

    def get(self, user_id: str) -> User | None:
        return self._t.users.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        return next((u for u in self._t.users.values() if u.email.lower() == wanted), None)

    def credentials(self, email: str) -> Credentials | None:
        user = self.get_by_email(email)
        if user is None or user.id not in self._t.password_hashes:
            return None
        return Credentials(user.id, self._t.password_hashes[user.id])

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._t.password_hashes[user_id] = password_hash
        self._wrote(user_tags(user_id))

    def delete(self, user_id: str) -> None:
        delete_cascading(self._t, "users", user_id)
        self._wrote(user_tags(user_id))

    def plan(self, user_id: str) -> str | None:
        if user_id not in self._t.users:
            return None
        return self._t.plans.get(user_id, "free")

    def set_plan(self, user_id: str, plan: str) -> None:
        if user_id in self._t.users:
            self._t.plans[user_id] = plan
            self._wrote(user_tags(user_id))

    def usage(self, user_id: str) -> Usage | None:
        if user_id not in self._t.users:
            return None
        return self._t.usage.get(user_id, Usage())

    def lock_usage(self, user_id: str) -> Usage | None:
        """Write units of work already run one at a time, holding the lock
        from before their snapshot until they end."""
        return self.usage(user_id)

    def count_created(self, user_id: str, kind: UsageKind, delta: int = 1) -> None:
        usage = self.usage(user_id)
        if usage is None:
            return
        if kind == "interviews":
            usage = evolve(usage, interviews_created=usage.interviews_created + delta)
        else:
            usage = evolve(usage, questions_created=usage.questions_created + delta)
        self._t.usage[user_id] = usage

    def hold(self, hold: Hold, now: datetime) -> None:
        for lapsed in [h.id for h in self._t.holds.values() if h.user_id == hold.user_id and h.expires_at <= now]:
            del self._t.holds[lapsed]
        self._t.holds[hold.id] = hold

    def holds(self, user_id: str, kind: UsageKind, now: datetime) -> int:
        return sum(h.user_id == user_id and h.kind == kind and h.expires_at > now for h in self._t.holds.values())

    def release_hold(self, hold_id: str) -> None:
        self._t.holds.pop(hold_id, None)


class FakeSessions:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, session: Session) -> None:
        self._t.sessions[session.id] = session
        self._wrote([session_tag(session.token_digest)])

    def get(self, session_id: str) -> Session | None:
        return self._t.sessions.get(session_id)

    def by_digest(self, token_digest: str) -> Session | None:
        return next((s for s in self._t.sessions.values() if s.token_digest == token_digest), None)

    def opened_from(self, user_id: str, address_digest: str) -> bool:
        return any(s.user_id == user_id and s.address_digest == address_digest for s in self._t.sessions.values())

    def live_by_digest(self, token_digest: str) -> Session | None:
        session = self.by_digest(token_digest)
        if session is None or session.revoked_at is not None or session.user_id not in self._t.users:
            return None
        return session

    def revoke(self, session_id: str, at: datetime) -> None:
        session = self._t.sessions.get(session_id)
        if session is not None and session.revoked_at is None:
            self._t.sessions[session_id] = evolve(session, revoked_at=at)
            self._wrote([session_tag(session.token_digest)])


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

    def delete(self, job_info_id: str) -> None:
        job_info = self._t.job_infos.get(job_info_id)
        if job_info is not None:
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
        self._wrote(interview_tags(interview.id, interview.job_info_id))

    def get(self, interview_id: str) -> Interview | None:
        return self._t.interviews.get(interview_id)

    def update(self, interview: Interview) -> None:
        if interview.id in self._t.interviews:
            self._t.interviews[interview.id] = interview
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
    def __init__(self, storage: FakeStorage, write: bool) -> None:
        super().__init__(storage.cache)
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

    def _mark_committed(self, held: HeldKey) -> None:
        self._tables.committed_keys[mark_of(held.user_id, held.key)] = held.token


def mark_of(user_id: str, key: str) -> str:
    return f"{user_id} {key}"  # keys have no spaces


class FakeStorage:
    """The storage port on dicts. ``commits`` counts committed units of work;
    ``cache`` is where they invalidate what they wrote (``None``: nowhere)."""

    def __init__(self, cache: TagCache | None = None) -> None:
        self._tables = Tables()
        self._lock = threading.Lock()
        self.write_lock = threading.RLock()
        self.commits = 0
        self.cache = cache

    def ping(self) -> None:
        """Always reachable."""

    def unit_of_work(self, *, write: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, write)

    def snapshot(self) -> Tables:
        with self._lock:
            return self._tables.copy()

    def committed_token(self, user_id: str, key: str) -> str | None:
        """The token of the call that committed under ``key``, if one did."""
        with self._lock:
            return self._tables.committed_keys.get(mark_of(user_id, key))

    def replace(self, tables: Tables) -> None:
        with self._lock:
            self._tables = tables.copy()
            self.commits += 1
