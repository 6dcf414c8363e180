"""The users' plan and allowance counters on SQLAlchemy Core: the ``plan``,
``interviews_created`` and ``questions_created`` columns of ``users``.

``lock_usage`` reads the counters with ``SELECT ... FOR UPDATE``: on
PostgreSQL that row lock holds every other transaction that wants the same
user's counters until this one ends (READ COMMITTED: the waiter then reads
the committed values). SQLite has no row locks and SQLAlchemy leaves the
clause out; there the write unit of work is ``BEGIN IMMEDIATE`` and already
holds the database's only write lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from adapters.db import tables as t
from adapters.db.prebuilt import Prebuilt
from core.cache_tags import user_tags
from core.domain import Hold, Usage, UsageKind
from core.unit_of_work import Wrote

_COUNTERS = {"interviews": t.users.c.interviews_created, "questions": t.users.c.questions_created}
# built once: the locked read is on every create of a job info, an interview, a question
_PLAN = Prebuilt(select(t.users.c.plan).where(t.users.c.id == bindparam("user_id")))
_USAGE = select(*_COUNTERS.values()).where(t.users.c.id == bindparam("user_id"))
_LOCKED_USAGE = Prebuilt(_USAGE.with_for_update())
_UNLOCKED_USAGE = Prebuilt(_USAGE)
_COUNT_CREATED = {
    kind: Prebuilt(
        update(t.users).where(t.users.c.id == bindparam("user_id")).values({counter: counter + bindparam("delta")})
    )
    for kind, counter in _COUNTERS.items()
}


class SqlUserPlans:
    """The plan and usage part of the users repository (a mixin of
    ``SqlUsers``: it needs the unit of work's connection as ``_c``, its
    ``_wrote`` and its ``_plans``). The usage counters are never cached, so
    counting records no tag."""

    _c: Connection
    _wrote: Wrote
    _plans: dict[str, str]
    """Plans this unit of work has read already, by user id (itself, or the
    ownership check along with the job info): ``plan`` answers them again
    without a round trip, as if it had run then; ``set_plan`` and ``delete``
    forget them."""

    def plan(self, user_id: str) -> str | None:
        if user_id not in self._plans:
            found = _PLAN(self._c, {"user_id": user_id}).scalar()
            if found is None:
                return None
            self._plans[user_id] = found
        return self._plans[user_id]

    def set_plan(self, user_id: str, plan: str) -> None:
        self._c.execute(update(t.users).where(t.users.c.id == user_id).values(plan=plan))
        self._plans.pop(user_id, None)
        self._wrote(user_tags(user_id))

    def usage(self, user_id: str) -> Usage | None:
        return self._usage(user_id, lock=False)

    def lock_usage(self, user_id: str) -> Usage | None:
        return self._usage(user_id, lock=True)

    def count_created(self, user_id: str, kind: UsageKind, delta: int = 1) -> None:
        _COUNT_CREATED[kind](self._c, {"user_id": user_id, "delta": delta})

    def hold(self, hold: Hold, now: datetime) -> None:
        holds = t.allowance_holds
        self._c.execute(delete(holds).where(holds.c.user_id == hold.user_id, holds.c.expires_at <= now))
        self._c.execute(insert(holds).values(id=hold.id, user_id=hold.user_id, kind=hold.kind,
                                             expires_at=hold.expires_at))

    def holds(self, user_id: str, kind: UsageKind, now: datetime) -> int:
        holds = t.allowance_holds
        return self._c.execute(
            select(func.count()).select_from(holds)
            .where(holds.c.user_id == user_id, holds.c.kind == kind, holds.c.expires_at > now)
        ).scalar_one()

    def release_hold(self, hold_id: str) -> None:
        self._c.execute(delete(t.allowance_holds).where(t.allowance_holds.c.id == hold_id))

    def _usage(self, user_id: str, *, lock: bool) -> Usage | None:
        row = (_LOCKED_USAGE if lock else _UNLOCKED_USAGE)(self._c, {"user_id": user_id}).first()
        return None if row is None else Usage(row.interviews_created, row.questions_created)
