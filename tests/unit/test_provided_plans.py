"""PLANS=clerk: the caller's plan and features are what their session token
says, never what is stored for them."""

from __future__ import annotations

from adapters.fakes import FakeStorage
from adapters.plans import ProvidedPlans
from core.domain import Actor
from core.plans import PlanCatalog
from tests.conftest import make_user, saved

PLANS = ProvidedPlans(PlanCatalog.default())


def stored_on_max(user_id: str) -> FakeStorage:
    storage = FakeStorage()
    saved(storage, make_user(id=user_id))
    with storage.unit_of_work(write=True) as uow:
        uow.users.set_plan(user_id, "max")
        uow.commit()
    return storage


def test_the_tokens_plan_and_features() -> None:
    actor = Actor("user_2a", plan="pro", features=frozenset({"unlimited_interviews"}))
    with stored_on_max(actor.user_id).unit_of_work() as uow:
        assert PLANS.plan_of(actor, uow) == "pro"
        assert PLANS.features(actor, uow) == {"unlimited_interviews"}
        assert PLANS.has(actor, "unlimited_interviews", uow)
        assert not PLANS.has(actor, "unlimited_questions", uow)


def test_a_token_without_plan_claims_has_the_default_plan_and_no_features() -> None:
    actor = Actor("user_2a")
    with stored_on_max(actor.user_id).unit_of_work() as uow:
        assert PLANS.plan_of(actor, uow) == "free"
        assert PLANS.features(actor, uow) == frozenset()
        assert not PLANS.has(actor, "1_interview", uow)
