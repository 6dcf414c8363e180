"""PLANS=clerk: the caller's plan and features are what their session token
says, never what is stored for them."""

from __future__ import annotations

from adapters.plans import ProvidedPlans
from core.domain import Actor
from core.plans import PlanCatalog

PLANS = ProvidedPlans(PlanCatalog.default())


def test_the_tokens_plan_and_features() -> None:
    actor = Actor("user_2a", plan="pro", features=frozenset({"unlimited_interviews"}))
    assert PLANS.plan_of(actor) == "pro"
    assert PLANS.features(actor) == {"unlimited_interviews"}
    assert PLANS.has(actor, "unlimited_interviews")
    assert not PLANS.has(actor, "unlimited_questions")


def test_a_token_without_plan_claims_has_the_default_plan_and_no_features() -> None:
    actor = Actor("user_2a")
    assert PLANS.plan_of(actor) == "free"
    assert PLANS.features(actor) == frozenset()
    assert not PLANS.has(actor, "1_interview")
