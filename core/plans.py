"""Plans: which features each plan grants, how many records a limited
feature allows, and the use cases that read and change a user's plan.

The catalogue is configuration: ``PlanCatalog.default()`` is the design's
table; ``adapters.plans.catalog_from_json`` reads the ``PLAN_CATALOG``
override.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from attrs import field

from core.domain import UsageKind, User
from core.pipeline import Action, Context
from core.ports import Plans, Storage
from core.records import frozen

KINDS: tuple[UsageKind, ...] = get_args(UsageKind)
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


# --- use cases --------------------------------------------------------------


@frozen
class GetPlanQuery:
    """getPlan takes nothing."""


@frozen
class AllowanceUsed:
    """How many records of ``kind`` the caller has created, and how many the
    plan allows in all (``None``: no limit)."""

    kind: str
    used: int
    limit: int | None


@frozen
class PlanFound:
    plan: str
    features: list[str]
    usage: list[AllowanceUsed]


@frozen(kw_only=True)
class GetPlan:
    plans: Plans
    catalog: PlanCatalog
    storage: Storage

    def __call__(self, context: Context, _: GetPlanQuery) -> PlanFound:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            plan = self.plans.plan_of(actor, uow)
            features = self.plans.features(actor, uow)
            counted = uow.users.usage(actor.user_id)
        usage = [
            AllowanceUsed(kind, counted.of(kind) if counted else 0, self.catalog.limit(features, kind))
            for kind in KINDS
        ]
        return PlanFound(plan, sorted(features), usage)


class UnknownPlan(ValueError):
    pass


class UnknownUser(LookupError):
    pass


@frozen(kw_only=True)
class ChangePlanCommand:
    email: str
    plan: str


@frozen(kw_only=True)
class ChangePlan:
    """An operator's change of a user's plan (``darasa plans set``): not an
    action of the API, but built and called like one."""

    storage: Storage
    catalog: PlanCatalog

    def __call__(self, context: Context, command: ChangePlanCommand) -> User:
        """Raises ``UnknownPlan`` or ``UnknownUser`` with a message for a person."""
        if not self.catalog.knows(command.plan):
            known = ", ".join(sorted(self.catalog.plans))
            raise UnknownPlan(f"unknown plan {command.plan!r}; the plans are: {known}")
        with self.storage.unit_of_work(write=True) as uow:
            user = uow.users.get_by_email(command.email)
            if user is None:
                raise UnknownUser(f"no user with the email {command.email!r}")
            uow.users.set_plan(user.id, command.plan)
            uow.commit()
        return user


actions: list[Action[Any, Any]] = [
    Action("getPlan", GetPlanQuery, PlanFound, GetPlan,
           summary="The caller's plan, the features it grants and how much of each allowance is used"),
]
"""The plan actions."""
