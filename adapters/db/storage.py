"""The storage port on SQLAlchemy Core: one unit of work is one transaction
on one connection, rolled back unless ``commit()`` is called; repositories
turn rows into the frozen domain values and back, and record the cache tags
of what they write (invalidated after commit: ``core.unit_of_work``). While
a request holds one (``SqlStorage.hold_connection``), the units of work of its
thread share one connection: authentication, the action's reads and its
write check out one, as a hand-written view would."""

from __future__ import annotations

import threading
from datetime import datetime
from functools import cached_property
from types import TracebackType
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Row,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.db import tables as t
from adapters.db.accounts import SqlSessions, SqlUsers
from adapters.db.engine import changed_nothing, connect, switch, wrote_alone
from adapters.db.interview_messages import SqlInterviewMessages
from adapters.db.interviews import SqlInterviews
from adapters.db.paging import NewestFirst, newest_first
from adapters.db.practice import SqlPracticeHistory
from adapters.db.practice_totals import forget_job_info
from adapters.db.prebuilt import RECEIVED_IN_TIME, Prebuilt
from adapters.db.questions import SqlAnswers, SqlQuestions
from adapters.db.resume_analyses import SqlResumeAnalyses
from core.cache_tags import job_info_tags
from core.domain import Actor, ExperienceLevel, JobInfo
from core.errors import Forbidden, OwnerMissing
from core.idempotency import HeldKey, held_key
from core.paging import SortKey
from core.ports import TagCache
from core.unit_of_work import TrackedUnitOfWork, Wrote, owns

_LEVELS = {level.value: level for level in ExperienceLevel}  # a dict look-up costs less than Enum's call


def _job_info(row: Row[Any]) -> JobInfo:
    return JobInfo(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        title=row.title,
        experience_level=_LEVELS[row.experience_level],
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


_JOB_INFO_COLUMNS = ("user_id", "name", "title", "experience_level", "description", "created_at", "updated_at")


def _job_info_values(job_info: JobInfo) -> dict[str, Any]:
    return {
        "user_id": job_info.user_id,
        "name": job_info.name,
        "title": job_info.title,
        "experience_level": job_info.experience_level.value,
        "description": job_info.description,
        "created_at": job_info.created_at,
        "updated_at": job_info.updated_at,
    }


class SqlWebhookDeliveries:
    """Delivery ids of webhooks applied; never cached, so nothing to record."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def record(self, delivery_id: str, at: datetime, forget_before: datetime) -> bool:
        deliveries = t.webhook_deliveries
        self._c.execute(delete(deliveries).where(deliveries.c.received_at < forget_before))
        try:
            with self._c.begin_nested():
                self._c.execute(insert(deliveries).values(id=delivery_id, received_at=at))
        except IntegrityError:
            return False
        return True

    def remembered(self, delivery_id: str) -> bool:
        deliveries = t.webhook_deliveries
        found = select(deliveries.c.id).where(deliveries.c.id == delivery_id)
        return self._c.execute(found).first() is not None


# Built once with bound parameters, so that each request only binds values:
# building a statement per request (and its cache key) cost more than running
# it on SQLite. These are on every job-info action and every ownership check.
_JOB_INFO_BY_ID = Prebuilt(select(t.job_infos).where(t.job_infos.c.id == bindparam("job_info_id")))
_UPDATE_JOB_INFO = Prebuilt(
    update(t.job_infos)
    .where(t.job_infos.c.id == bindparam("job_info_id"))
    .values({name: bindparam(name) for name in _JOB_INFO_COLUMNS})
)
# listJobInfos without a search
_USER_JOB_INFOS = NewestFirst(t.job_infos, t.job_infos.c.user_id, t.job_infos.c.updated_at, t.job_infos.c.id)
# updateJobInfo: the ownership check in the WHERE, updated_at never goes back
_NOW = bindparam("now", type_=t.job_infos.c.updated_at.type)
_UPDATE_OWNED = (
    update(t.job_infos)
    .where(t.job_infos.c.id == bindparam("job_info_id"), t.job_infos.c.user_id == bindparam("owner"))
    .values(
        {name: bindparam(name) for name in ("name", "title", "experience_level", "description")}
        | {"updated_at": case((t.job_infos.c.updated_at > _NOW, t.job_infos.c.updated_at), else_=_NOW)}
    )
)
_UPDATE_OWNED_JOB_INFO = Prebuilt(_UPDATE_OWNED, alone=_UPDATE_OWNED.where(RECEIVED_IN_TIME))
# The ownership check: the job info and its owner's plan in one select (a
# primary-key join), so that the plan read that follows it in a unit of work
# (an allowance, a feature) costs no round trip.
_JOB_INFO_AND_PLAN = Prebuilt(
    select(t.job_infos, t.users.c.plan)
    .join_from(t.job_infos, t.users, t.users.c.id == t.job_infos.c.user_id)
    .where(t.job_infos.c.id == bindparam("job_info_id"))
)
_COUNT_JOB_INFOS = Prebuilt(
    select(func.count()).select_from(t.job_infos).where(t.job_infos.c.user_id == bindparam("user_id"))
)
# createJobInfo's limit, counted on the user's row (``job_info_count``, kept
# by the database's triggers, migration 0016) so that it costs the same
# whatever the user keeps. The insert selects its owner's row, only while
# under the limit: one statement. On PostgreSQL it locks that row (FOR
# UPDATE) until the unit of work ends: a concurrent create by the same user
# waits, then READ COMMITTED re-checks the count on the row its trigger
# updated; SQLite's write lock serialises every write.
_owner = t.users.c
_UNLESS_FULL = (
    select(*[_owner.id if name == "user_id" else bindparam(name, type_=t.job_infos.c[name].type)
             for name in ("id", *_JOB_INFO_COLUMNS)])
    .where(_owner.id == bindparam("user_id"), _owner.job_info_count < bindparam("limit"))
    .with_for_update()  # SQLite has no FOR UPDATE: SQLAlchemy leaves it out there
)


def _insert_job_infos(rows: Select[Any]) -> Insert:
    return insert(t.job_infos).from_select(["id", *_JOB_INFO_COLUMNS], rows)


_INSERT_JOB_INFO_UNLESS_FULL = _insert_job_infos(_UNLESS_FULL)
# PostgreSQL returns the id (on SQLite the rowcount costs less than a returned row)
_INSERT_JOB_INFO_UNLESS_FULL_RETURNING = Prebuilt(
    _INSERT_JOB_INFO_UNLESS_FULL.returning(t.job_infos.c.id),
    alone=_insert_job_infos(_UNLESS_FULL.where(RECEIVED_IN_TIME)).returning(t.job_infos.c.id),
)
_INSERT_JOB_INFO_UNLESS_FULL_COUNTED = Prebuilt(_INSERT_JOB_INFO_UNLESS_FULL)
_USER_EXISTS = Prebuilt(select(_owner.id).where(_owner.id == bindparam("user_id")))
_NO_LIMIT = 2**31 - 1  # the counter's largest value


class SqlJobInfos:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, job_info: JobInfo) -> None:
        self._add_unless_full(job_info, _NO_LIMIT, alone=False)

    def add_unless_full(self, job_info: JobInfo, limit: int) -> bool:
        return self._add_unless_full(job_info, limit, alone=True)

    def _add_unless_full(self, job_info: JobInfo, limit: int, *, alone: bool) -> bool:
        values = {"id": job_info.id, **_job_info_values(job_info), "limit": limit}
        if self._c.dialect.name == "postgresql":
            added = _INSERT_JOB_INFO_UNLESS_FULL_RETURNING(self._c, values, alone=alone).first() is not None
        else:
            added = _INSERT_JOB_INFO_UNLESS_FULL_COUNTED(self._c, values, alone=alone).rowcount == 1
        if not added:
            changed_nothing(self._c)
            # full, or no such user (rare: a session outliving its account)
            if _USER_EXISTS(self._c, values).first() is None:
                raise OwnerMissing(job_info.user_id)
            return False
        self._wrote(job_info_tags(job_info.id, job_info.user_id))
        return True

    def get(self, job_info_id: str) -> JobInfo | None:
        row = _JOB_INFO_BY_ID(self._c, {"job_info_id": job_info_id}).first()
        return None if row is None else _job_info(row)

    def update(self, job_info: JobInfo) -> None:
        _UPDATE_JOB_INFO(self._c, {"job_info_id": job_info.id, **_job_info_values(job_info)})
        self._wrote(job_info_tags(job_info.id, job_info.user_id))

    def update_owned(
        self, user_id: str, job_info_id: str, *, name: str, title: str | None,
        experience_level: ExperienceLevel, description: str, now: datetime,
    ) -> bool:
        updated = _UPDATE_OWNED_JOB_INFO(self._c, {
            "job_info_id": job_info_id, "owner": user_id, "name": name, "title": title,
            "experience_level": experience_level.value, "description": description, "now": now,
        }, alone=True).rowcount
        if updated:
            self._wrote(job_info_tags(job_info_id, user_id))
        else:
            changed_nothing(self._c)
        return bool(updated)

    def delete(self, job_info_id: str) -> None:
        user_id = forget_job_info(
            self._c, job_info_id,
            delete(t.job_infos).where(t.job_infos.c.id == job_info_id).returning(t.job_infos.c.user_id),
        )
        if user_id is not None:  # its trigger gave the slot back
            self._wrote(job_info_tags(job_info_id, user_id))

    def list_for_user(
        self, user_id: str, query: str | None = None, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[JobInfo]:
        if not query and limit is not None:
            return [_job_info(row) for row in _USER_JOB_INFOS.rows(self._c, user_id, after, limit)]
        c = t.job_infos.c
        statement = select(t.job_infos).where(c.user_id == user_id)
        if query:
            # autoescape: the user's % and _ match themselves, not any text
            matches = [
                column.icontains(query, autoescape=True)
                for column in (c.name, c.title, c.description)
            ]
            statement = statement.where(or_(*matches))
        statement = newest_first(statement, c.updated_at, c.id, after, limit)
        return [_job_info(row) for row in self._c.execute(statement)]

    def count_for_user(self, user_id: str) -> int:
        return _COUNT_JOB_INFOS(self._c, {"user_id": user_id}).scalar_one()


class _Held(threading.local):
    """A thread's connection while a request holds one
    (``SqlStorage.hold_connection``), and whether a write is using it."""

    holding = False
    connection: Connection | None = None
    writing = False

    def close(self) -> None:
        """Close the held connection (back to the pool, rolling back); the
        next unit of work that shares one opens another."""
        self.writing = False
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


class SqlUnitOfWork(TrackedUnitOfWork):
    """One connection and one transaction, begun by the first statement;
    ``write=True`` makes it a write transaction, else it reads (in
    autocommit on PostgreSQL and SQLite; see ``adapters.db.engine``). While
    a request holds a connection, its units of work use that one, a write
    switching it to a write transaction and back to reading when it ends;
    a unit of work begun while a write is using it opens its own. A unit of
    work of ``one_write`` runs that write alone, in autocommit, when it may
    (``RetryOnceConnection.lone_write``). Each repository is built when
    first used (a unit of work uses one or two)."""

    def __init__(
        self, engine: Engine, write: bool, cache: TagCache | None, held: _Held | None = None, one_write: bool = False
    ) -> None:
        super().__init__(cache, one_write)
        self._engine = engine
        self._write = write
        self._held = held
        self._plans: dict[str, str] = {}

    def __enter__(self) -> Self:
        held = self._held
        # one write runs alone, unless an idempotency key's mark must commit with it
        lone_write = self._write and self._one_write and held_key() is None
        if held is None or not held.holding or held.writing:
            self._shared = False
            self._connection = connect(self._engine, write=self._write, lone_write=lone_write)
            return self
        self._shared = True
        if held.connection is None or held.connection.invalidated:
            held.close()
            held.connection = connect(self._engine, write=False)
        connection = held.connection
        if self._write:
            held.writing = True
            try:
                switch(connection, write=True, lone_write=lone_write)
            except BaseException:
                held.close()  # in a state no longer known
                raise
        self._connection = connection
        return self

    @cached_property
    def users(self) -> SqlUsers:
        return SqlUsers(self._connection, self.wrote, self._plans)

    @cached_property
    def sessions(self) -> SqlSessions:
        return SqlSessions(self._connection, self.wrote)

    @cached_property
    def job_infos(self) -> SqlJobInfos:
        return SqlJobInfos(self._connection, self.wrote)

    @cached_property
    def interviews(self) -> SqlInterviews:
        return SqlInterviews(self._connection, self.wrote)

    @cached_property
    def questions(self) -> SqlQuestions:
        return SqlQuestions(self._connection, self.wrote)

    @cached_property
    def answers(self) -> SqlAnswers:
        return SqlAnswers(self._connection, self.wrote)

    @cached_property
    def interview_messages(self) -> SqlInterviewMessages:
        return SqlInterviewMessages(self._connection, self.wrote)

    @cached_property
    def resume_analyses(self) -> SqlResumeAnalyses:
        return SqlResumeAnalyses(self._connection, self.wrote)

    @cached_property
    def practice(self) -> SqlPracticeHistory:
        return SqlPracticeHistory(self._connection)

    @cached_property
    def deliveries(self) -> SqlWebhookDeliveries:
        return SqlWebhookDeliveries(self._connection)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back what was not committed, and the pool then skips
        # its own reset (a rollback first would cost the driver two). A held
        # connection stays open for the request's next unit of work, back in
        # autocommit, and is closed when the request lets go of it.
        if self._written and self._cache is not None and wrote_alone(self._connection):
            self._cache.invalidate(sorted(self._written))  # committed as it ran, commit() or not
        self._written.clear()
        if not self._shared:
            self._connection.close()
        elif self._write:
            held = self._held
            assert held is not None
            try:
                switch(self._connection, write=False)  # rolls back what was not committed
            except BaseException:
                held.close()  # in a state no longer known
                raise
            held.writing = False

    def owned_job_info(self, actor: Actor, job_info_id: str) -> JobInfo:
        """The guard's answer, the owner's plan read along (see ``SqlUserPlans``)."""
        row = _JOB_INFO_AND_PLAN(self._connection, {"job_info_id": job_info_id}).first()
        if row is None:
            raise Forbidden()
        job_info = owns(actor, _job_info(row))
        self._plans[job_info.user_id] = row.plan
        return job_info

    def _commit(self) -> None:
        if not self._write:
            raise RuntimeError("commit() on a read-only unit of work")
        self._connection.commit()

    def _rollback(self) -> None:
        self._connection.rollback()

    def _mark_committed(self, held: HeldKey) -> bool:
        if not self._write:  # a read's commit() raises; PostgreSQL would autocommit the mark
            return True
        # The row stays locked until this transaction ends: a takeover waits
        # for it, then finds the key committed (PostgreSQL at READ
        # COMMITTED re-reads the row; SQLite's writers are serial anyway).
        c = t.idempotency_keys.c
        marked = self._connection.execute(
            update(t.idempotency_keys)
            .where(c.user_id == held.user_id, c.key == held.key, c.token == held.token)
            .values(committed=True)
        )
        return bool(marked.rowcount)


class SqlStorage:
    """Units of work on ``engine``; ``cache`` is where the tags of what they
    write are invalidated (``None``: nothing is cached)."""

    def __init__(self, engine: Engine, cache: TagCache | None = None) -> None:
        self.engine = engine
        self.cache = cache
        self._held = _Held()

    def unit_of_work(self, *, write: bool = False, one_write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write, self.cache, self._held, one_write)

    def hold_connection(self) -> None:
        """From now until ``let_go_of_connection`` this thread's units of
        work share one connection (a request's authentication, the action's
        reads and its write: one checkout, as a hand-written view would
        do), each write still its own transaction."""
        self._held.holding = True

    def let_go_of_connection(self, _error: BaseException | None = None) -> None:
        """Close the held connection (back to the pool); units of work open
        their own connection again. Safe to call when nothing is held."""
        self._held.holding = False
        self._held.close()

    def ping(self) -> None:
        """Raises unless the database answers; cheap enough for a health check."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
