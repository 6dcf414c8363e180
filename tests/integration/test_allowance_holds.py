"""Allowance reservations that lapse (issue 8, finding 11), on the fake and
SQL storages alike: a reservation whose process died before writing its
record or giving it back holds the allowance for ``HOLD_SECONDS`` only;
one that was written counts for ever, one given back frees it at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from adapters.fakes.clock import FakeClock
from adapters.plans import LocalPlans
from core.allowances import HOLD_SECONDS, Allowances, Reservation
from core.domain import Actor, User
from core.errors import PlanLimitReached
from core.plans import PlanCatalog
from core.ports import Storage


class _Ids:
    def new(self) -> str:
        return str(uuid.uuid4())


def _free_user(storage: Storage) -> Actor:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    user = User(str(uuid.uuid4()), "Ada", f"{uuid.uuid4().hex}@example.com", None, now, now)
    with storage.unit_of_work(write=True) as uow:
        uow.users.add(user)
        uow.commit()
    return Actor(user.id)


@pytest.fixture
def allowances(storage: Storage) -> Allowances:
    catalog = PlanCatalog.default()
    return Allowances(storage=storage, plans=LocalPlans(catalog), catalog=catalog,
                      clock=FakeClock(), ids=_Ids())


def reserve(allowances: Allowances, actor: Actor) -> Reservation:
    """One interview from the actor's allowance, their plan read as createInterview reads it."""
    with allowances.storage.unit_of_work() as uow:
        allowance = allowances.of(actor, "interviews", uow)
    return allowances.reserve(allowance)


def test_a_reservation_whose_process_died_lapses(storage: Storage, allowances: Allowances) -> None:
    actor = _free_user(storage)  # a free plan: one interview in all
    reserve(allowances, actor)  # ... and its process dies here
    with pytest.raises(PlanLimitReached):
        reserve(allowances, actor)
    clock = allowances.clock
    assert isinstance(clock, FakeClock)
    clock.advance(HOLD_SECONDS - 1)
    with pytest.raises(PlanLimitReached):
        reserve(allowances, actor)
    clock.advance(1)
    reservation = reserve(allowances, actor)  # the dead one lapsed
    with storage.unit_of_work(write=True) as uow:
        allowances.record(uow, reservation)
        uow.commit()
    clock.advance(HOLD_SECONDS * 10)
    with pytest.raises(PlanLimitReached):  # a written record counts for ever
        reserve(allowances, actor)
    with storage.unit_of_work() as uow:
        usage = uow.users.usage(actor.user_id)
    assert usage is not None and usage.interviews_created == 1


def test_a_reservation_given_back_frees_the_allowance_at_once(storage: Storage, allowances: Allowances) -> None:
    actor = _free_user(storage)
    allowances.release(reserve(allowances, actor))
    reserve(allowances, actor)
    with pytest.raises(PlanLimitReached):
        reserve(allowances, actor)
