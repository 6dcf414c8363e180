"""The plans port on our own database: each user's plan is a column of the
users table, read through the storage port; features come from the catalogue.
Also reads the ``PLAN_CATALOG`` setting."""

from __future__ import annotations

from pathlib import Path

from core.plans import PlanCatalog
from core.ports import Storage


class LocalPlans:
    """A stored plan name the catalogue does not know (a plan since removed
    from ``PLAN_CATALOG``), and a user who does not exist, get the default
    plan."""

    def __init__(self, storage: Storage, catalog: PlanCatalog) -> None:
        self.storage = storage
        self.catalog = catalog

    def plan_of(self, user_id: str) -> str:
        with self.storage.unit_of_work() as uow:
            return self.catalog.resolve(uow.users.plan(user_id))

    def features(self, user_id: str) -> frozenset[str]:
        return self.catalog.features_of(self.plan_of(user_id))

    def has(self, user_id: str, feature: str) -> bool:
        return feature in self.features(user_id)


def load_catalog(setting: str | None) -> PlanCatalog:
    """The catalogue of the ``PLAN_CATALOG`` setting: unset means the
    default, text starting with ``{`` is the JSON itself, anything else is
    the path of a JSON file. Raises ValueError naming what is wrong."""
    if setting is None or not setting.strip():
        return PlanCatalog.default()
    if setting.lstrip().startswith("{"):
        return PlanCatalog.from_json(setting)
    path = Path(setting)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"PLAN_CATALOG: cannot read {path}: {exc}") from None
    try:
        return PlanCatalog.from_json(text)
    except ValueError as exc:
        raise ValueError(f"PLAN_CATALOG file {path}: {exc}") from None
