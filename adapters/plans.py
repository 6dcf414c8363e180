"""The plans port on our own database or on what the identity provider
vouches for (Clerk), and the ``PLAN_CATALOG`` setting.

Locally, each user's plan is a column of the users table, read in the
caller's unit of work; features come from the catalogue. The catalogue's
JSON form is read here, at the edge: the core only ever sees a
``PlanCatalog``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.domain import Actor
from core.plans import PlanCatalog
from core.ports import UnitOfWork


class LocalPlans:
    """A stored plan name the catalogue does not know (a plan since removed
    from ``PLAN_CATALOG``), and a user who does not exist, get the default
    plan. What the identity provider may have said (``Actor.plan``) is not
    consulted: local accounts have no provider to vouch for a plan."""

    def __init__(self, catalog: PlanCatalog) -> None:
        self.catalog = catalog

    def plan_of(self, actor: Actor, uow: UnitOfWork) -> str:
        return self.catalog.resolve(uow.users.plan(actor.user_id))

    def features(self, actor: Actor, uow: UnitOfWork) -> frozenset[str]:
        return self.catalog.features_of(self.plan_of(actor, uow))

    def has(self, actor: Actor, feature: str, uow: UnitOfWork) -> bool:
        return feature in self.features(actor, uow)


class ProvidedPlans:
    """Plans as the identity provider says (``PLANS=clerk``): the features
    of the caller's session token (its ``fea`` claim) and its plan name
    (``pla``, else the catalogue's default plan). A caller the provider said
    nothing about has no features: allowances are counted against the
    catalogue's, as for a local plan. Nothing is read: the unit of work is
    not used."""

    def __init__(self, catalog: PlanCatalog) -> None:
        self.catalog = catalog

    def plan_of(self, actor: Actor, uow: UnitOfWork) -> str:
        return actor.plan or self.catalog.default_plan

    def features(self, actor: Actor, uow: UnitOfWork) -> frozenset[str]:
        return actor.features or frozenset()

    def has(self, actor: Actor, feature: str, uow: UnitOfWork) -> bool:
        return feature in self.features(actor, uow)


def load_catalog(setting: str | None) -> PlanCatalog:
    """The catalogue of the ``PLAN_CATALOG`` setting: unset means the
    default, text starting with ``{`` is the JSON itself, anything else is
    the path of a JSON file. Raises ValueError naming what is wrong."""
    if setting is None or not setting.strip():
        return PlanCatalog.default()
    if setting.lstrip().startswith("{"):
        return catalog_from_json(setting)
    path = Path(setting)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"PLAN_CATALOG: cannot read {path}: {exc}") from None
    try:
        return catalog_from_json(text)
    except ValueError as exc:
        raise ValueError(f"PLAN_CATALOG file {path}: {exc}") from None


def catalog_from_json(text: str) -> PlanCatalog:
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
        allowances = dict(PlanCatalog.default().allowances)
    try:
        return PlanCatalog(plans=parsed_plans, default_plan=default_plan, allowances=allowances)
    except ValueError as exc:
        raise ValueError(f"plan catalogue: {exc}") from None


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
    return value["kind"], value["count"]
