"""Plan allowances ("1 interview", "5 questions") that no number of
concurrent calls, in any number of processes, can exceed.

The plan is read in the unit of work that checks ownership
(``Allowances.of``). A limited allowance is *reserved* before the rate limit
is charged: one short write transaction locks the user's counters (a row
lock on PostgreSQL, the write lock on SQLite), checks the allowance against
the records counted and the live holds, and keeps a hold. Concurrent calls therefore see each
other's reservations, and every call past the allowance is refused with
PLAN_LIMIT, never charged a token. Writing the record counts it and drops
the hold in one transaction; a reservation whose record is never written
(the rate limit refused it, the AI failed, the client went away) drops its
hold; and a hold whose process died in between lapses after
``HOLD_SECONDS``, so no allowance is lost for ever.

Counters count what was ever created: deleting a record gives nothing back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from core.domain import Actor, Hold, UsageKind
from core.errors import Forbidden, PlanLimitReached
from core.plans import PlanCatalog
from core.ports import Clock, Ids, Plans, Storage, UnitOfWork
from core.records import frozen

HOLD_SECONDS = 600
"""How long a reservation holds its allowance without its record written:
far longer than any AI call may take."""


@frozen
class Allowance:
    """How many records of ``kind`` the user's plan allows in all (``None``:
    no limit)."""

    user_id: str
    kind: UsageKind
    limit: int | None


@frozen
class Reservation:
    user_id: str
    kind: UsageKind
    hold_id: str | None
    """The hold taken from a limited allowance; None for an unlimited plan."""


@frozen(kw_only=True)
class Allowances:
    """A service the use cases that create counted records are given (as
    ``allowances``), built once from the storage, plans and catalogue."""

    storage: Storage
    plans: Plans
    catalog: PlanCatalog
    clock: Clock
    ids: Ids

    def of(self, actor: Actor, kind: UsageKind, uow: UnitOfWork) -> Allowance:
        """The caller's allowance of ``kind``, their plan read in ``uow`` (the
        unit of work that checks ownership)."""
        return Allowance(actor.user_id, kind, self.catalog.limit(self.plans.features(actor, uow), kind))

    def reserve(self, allowance: Allowance) -> Reservation:
        """Take one record from the allowance, or raise PlanLimitReached.
        An unlimited one takes nothing here."""
        user_id, kind, limit = allowance.user_id, allowance.kind, allowance.limit
        if limit is None:
            return Reservation(user_id, kind, hold_id=None)
        now = self.clock.now()
        with self.storage.unit_of_work(write=True) as uow:
            usage = uow.users.lock_usage(user_id)
            if usage is None:
                raise Forbidden()  # the account was deleted under a live session
            if usage.of(kind) + uow.users.holds(user_id, kind, now) >= limit:
                raise PlanLimitReached()
            hold = Hold(self.ids.new(), user_id, kind, now + timedelta(seconds=HOLD_SECONDS))
            uow.users.hold(hold, now)
            uow.commit()
        return Reservation(user_id, kind, hold_id=hold.id)

    def record(self, uow: UnitOfWork, reservation: Reservation) -> None:
        """In the transaction that writes the record: count it, and drop its
        hold."""
        uow.users.count_created(reservation.user_id, reservation.kind)
        self.settle(uow, reservation)

    def settle(self, uow: UnitOfWork, reservation: Reservation) -> None:
        """In the transaction that writes a record its write counted already
        (``interviews.add_owned``): drop its hold."""
        if reservation.hold_id is not None:
            uow.users.release_hold(reservation.hold_id)

    @contextmanager
    def given_back_on_failure(self, reservation: Reservation) -> Iterator[None]:
        """Release the reservation if the block raises anything (around a
        generator's ``yield``: also if the generator is closed early)."""
        try:
            yield
        except BaseException:
            self.release(reservation)
            raise

    def release(self, reservation: Reservation) -> None:
        """Give back a reservation whose record was never written."""
        if reservation.hold_id is None:
            return
        with self.storage.unit_of_work(write=True) as uow:
            uow.users.release_hold(reservation.hold_id)
            uow.commit()
