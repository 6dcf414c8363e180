"""Plans: which features each plan grants, how many records a limited
feature allows, and the use cases that read and change a user's plan.

The catalogue is configuration: ``PlanCatalog.default()`` is the design's
table, ``PlanCatalog.from_json`` reads the ``PLAN_CATALOG`` override.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, get_args

from attrs import field, frozen

from core.cache_tags import user_tags
from core.domain import Actor, User
from core.pipeline import Action
from core.ports import Plans, Storage, TagCache, UsageKind

KINDS: tuple[str, ...] = get_args(UsageKind)
PLAN_NAME_MAX = 32  # users.plan


def unlimited_feature(kind: UsageKind) -> str:
    """The feature that lifts every allowance of ``kind``."""
    return f"unlimited_{kind}"


def _check_plans(_instance: Any, _attribute: Any, plans: Mapping[str, frozenset[str]]) -> None:
    if not plans:
        raise ValueError("the plan catalogue needs at least one plan")
    for name, features in plans.items():
        if not isinstance(name, str) or not name or len(name) > PLAN_NAME_MAX:
            raise ValueError(f"plan name {name!r} must be 1 to {PLAN_NAME_MAX} characters")
        if not isinstance(features, frozenset) or not all(isinstance(f, str) and f for f in features):
            raise ValueError(f"plan {name!r}: features must be a frozenset of non-empty strings")


def _check_allowances(_instance: Any, _attribute: Any, allowances: Mapping[str, tuple[str, int]]) -> None:
    for feature, (kind, count) in allowances.items():
        if kind not in KINDS:
            raise ValueError(f"allowance {feature!r}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"allowance {feature!r}: count must be a whole number >= 0, not {count!r}")


@frozen
class PlanCatalog:
    """Plans by name, each a set of features; the plan of a user who has
    none the catalogue knows; and the allowances: a feature that permits
    creating ``count`` records of ``kind`` in all."""

    plans: Mapping[str, frozenset[str]] = field(validator=_check_plans)
    default_plan: str = "free"
    allowances: Mapping[str, tuple[str, int]] = field(factory=dict, validator=_check_allowances)

    def __attrs_post_init__(self) -> None:
        if self.default_plan not in self.plans:
            raise ValueError(f"the default plan {self.default_plan!r} is not one of the plans")

    @classmethod
    def default(cls) -> PlanCatalog:
        return cls(
            plans={
                "free": frozenset({"1_interview", "5_questions"}),
                "pro": frozenset({"unlimited_interviews", "unlimited_questions"}),
                "max": frozenset(
                    {"unlimited_interviews", "unlimited_questions", "unlimited_resume_analysis"}
                ),
            },
            default_plan="free",
            allowances={"1_interview": ("interviews", 1), "5_questions": ("questions", 5)},
        )

    @classmethod
    def from_json(cls, text: str) -> PlanCatalog:
        """Read ``{"plans": {name: [feature, ...]}, "defaultPlan": name,
        "allowances": {feature: {"kind": "interviews" | "questions",
        "count": n}}}``. ``defaultPlan`` defaults to "free" and
        ``allowances`` to the default ones. Anything else is refused with a
        ValueError that names the problem."""
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"plan catalogue: not valid JSON ({exc})") from None
        if not isinstance(raw, dict):
            raise ValueError("plan catalogue: must be a JSON object")
        unknown = sorted(set(raw) - {"plans", "defaultPlan", "allowances"})
        if unknown:
            raise ValueError(f"plan catalogue: unknown key(s) {', '.join(map(repr, unknown))}")
        if "plans" not in raw:
            raise ValueError("plan catalogue: 'plans' is required")
        plans = _object(raw["plans"], "plans")
        parsed_plans = {name: frozenset(_features(name, value)) for name, value in plans.items()}
        default_plan = raw.get("defaultPlan", "free")
        if not isinstance(default_plan, str):
            raise ValueError("plan catalogue: 'defaultPlan' must be a string")
        if "allowances" in raw:
            allowances = {
                feature: _allowance(feature, value)
                for feature, value in _object(raw["allowances"], "allowances").items()
            }
        else:
            allowances = dict(cls.default().allowances)
        try:
            return cls(plans=parsed_plans, default_plan=default_plan, allowances=allowances)
        except ValueError as exc:
            raise ValueError(f"plan catalogue: {exc}") from None

    def knows(self, plan: str) -> bool:
        return plan in self.plans

    def resolve(self, plan: str | None) -> str:
        """The plan in effect for a stored plan name: itself when the
        catalogue knows it, else the default plan."""
        return plan if plan is not None and plan in self.plans else self.default_plan

    def features_of(self, plan: str | None) -> frozenset[str]:
        return self.plans[self.resolve(plan)]

    def limit(self, features: frozenset[str], kind: UsageKind) -> int | None:
        """How many records of ``kind`` these features allow in all: ``None``
        for no limit, 0 when no feature allows any."""
        if unlimited_feature(kind) in features:
            return None
        counts = [
            count
            for feature, (allowed_kind, count) in self.allowances.items()
            if feature in features and allowed_kind == kind
        ]
        return max(counts, default=0)


def _object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError(f"plan catalogue: {where!r} must be an object")
    return value


def _features(plan: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(f, str) and f for f in value):
        raise ValueError(f"plan catalogue: plan {plan!r} must list its features as non-empty strings")
    return value


def _allowance(feature: str, value: object) -> tuple[Any, Any]:
    """The allowance's shape; the catalogue's own validator checks its values."""
    if not isinstance(value, dict) or set(value) != {"kind", "count"}:
        raise ValueError(
            f"plan catalogue: allowance {feature!r} must be an object with exactly 'kind' and 'count'"
        )
    kind, count = value["kind"], value["count"]
    return kind, count


# --- use cases --------------------------------------------------------------


@frozen
class GetPlanQuery:
    """getPlan takes nothing."""


@frozen
class PlanFound:
    plan: str
    features: list[str]


class GetPlan:
    def __init__(self, plans: Plans) -> None:
        self.plans = plans

    def __call__(self, actor: Actor, _: GetPlanQuery) -> PlanFound:
        return PlanFound(self.plans.plan_of(actor.user_id), sorted(self.plans.features(actor.user_id)))


class UnknownPlan(ValueError):
    pass


class UnknownUser(LookupError):
    pass


class ChangePlan:
    """An operator's change of a user's plan (``darasa plans set``)."""

    def __init__(self, storage: Storage, cache: TagCache, catalog: PlanCatalog) -> None:
        self.storage = storage
        self.cache = cache
        self.catalog = catalog

    def __call__(self, email: str, plan: str) -> User:
        """Raises ``UnknownPlan`` or ``UnknownUser`` with a message for a person."""
        if not self.catalog.knows(plan):
            known = ", ".join(sorted(self.catalog.plans))
            raise UnknownPlan(f"unknown plan {plan!r}; the plans are: {known}")
        with self.storage.unit_of_work(write=True) as uow:
            user = uow.users.get_by_email(email)
            if user is None:
                raise UnknownUser(f"no user with the email {email!r}")
            uow.users.set_plan(user.id, plan)
            uow.commit()
        self.cache.invalidate(user_tags(user.id))
        return user


def plan_actions(plans: Plans) -> list[Action[Any, Any]]:
    return [
        Action("getPlan", GetPlanQuery, PlanFound, GetPlan(plans),
               summary="The caller's plan and the features it grants"),
    ]
