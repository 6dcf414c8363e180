"""Plan allowances ("1 interview", "5 questions") that no number of
concurrent calls, in any number of processes, can exceed.

A limited allowance is *reserved* before the rate limit is charged: one short
write transaction locks the user's counters (a row lock on PostgreSQL, the
write lock on SQLite), checks the allowance and counts the record at once.
Concurrent calls therefore see each other's reservations, and every call past
the allowance is refused with PLAN_LIMIT, never charged a token. A
reservation whose record is never written (the rate limit refused it, the AI
failed, the client went away) is given back.

Counters count what was ever created: deleting a record gives nothing back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from attrs import frozen

from core.domain import Actor, UsageKind
from core.errors import Forbidden, PlanLimitReached
from core.plans import PlanCatalog
from core.ports import Plans, Storage, UnitOfWork


@frozen
class Reservation:
    user_id: str
    kind: UsageKind
    counted: bool
    """True when a limited allowance was taken (and so already counted)."""


@frozen(kw_only=True)
class Allowances:
    """A service the use cases that create counted records are given (as
    ``allowances``), built once from the storage, plans and catalogue."""

    storage: Storage
    plans: Plans
    catalog: PlanCatalog

    def reserve(self, actor: Actor, kind: UsageKind) -> Reservation:
        """Take one record of ``kind`` from the caller's allowance, or raise
        PlanLimitReached. Unlimited plans take nothing here."""
        user_id = actor.user_id
        limit = self.catalog.limit(self.plans.features(actor), kind)
        if limit is None:
            return Reservation(user_id, kind, counted=False)
        with self.storage.unit_of_work(write=True) as uow:
            usage = uow.users.lock_usage(user_id)
            if usage is None:
                raise Forbidden()  # the account was deleted under a live session
            if usage.of(kind) >= limit:
                raise PlanLimitReached()
            uow.users.count_created(user_id, kind)
            uow.commit()
        return Reservation(user_id, kind, counted=True)

    def record(self, uow: UnitOfWork, reservation: Reservation) -> None:
        """In the transaction that writes the record: count it, unless its
        reservation already did."""
        if not reservation.counted:
            uow.users.count_created(reservation.user_id, reservation.kind)

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
        if not reservation.counted:
            return
        with self.storage.unit_of_work(write=True) as uow:
            uow.users.count_created(reservation.user_id, reservation.kind, -1)
            uow.commit()
