"""``darasa plans set <email> <plan>`` on a real SQLite database, as an
operator runs it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.db.engine import make_engine
from adapters.db.migrate import upgrade
from adapters.db.storage import SqlStorage
from core.domain import User
from entrypoints.cli import main


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'darasa.sqlite3'}"
    monkeypatch.setenv("DARASA_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("PLAN_CATALOG", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    storage = SqlStorage(engine)
    now = datetime.now(UTC)
    with storage.unit_of_work(write=True) as uow:
        uow.users.add(User("u1", "Amina", "amina@example.com", None, now, now))
        uow.commit()
    yield storage
    engine.dispose()


def plan_of(storage: SqlStorage) -> str | None:
    with storage.unit_of_work() as uow:
        return uow.users.plan("u1")


def test_plans_set_changes_the_users_plan(storage, capsys):
    assert main(["plans", "set", "Amina@Example.com", "max"]) == 0
    assert "amina@example.com is now on the max plan" in capsys.readouterr().out
    assert plan_of(storage) == "max"


def test_plans_set_refuses_an_unknown_plan(storage, capsys):
    assert main(["plans", "set", "amina@example.com", "gold"]) == 1
    assert "error: unknown plan 'gold'; the plans are: free, max, pro" in capsys.readouterr().err
    assert plan_of(storage) == "free"


def test_plans_set_refuses_an_unknown_email(storage, capsys):
    assert main(["plans", "set", "nobody@example.com", "pro"]) == 1
    assert "error: no user with the email 'nobody@example.com'" in capsys.readouterr().err


def test_plans_set_knows_the_plans_of_plan_catalog(storage, capsys, monkeypatch):
    monkeypatch.setenv("PLAN_CATALOG", '{"plans": {"free": [], "team": ["unlimited_interviews"]}}')
    assert main(["plans", "set", "amina@example.com", "team"]) == 0
    assert plan_of(storage) == "team"
    assert main(["plans", "set", "amina@example.com", "pro"]) == 1
    assert "the plans are: free, team" in capsys.readouterr().err


def test_plans_set_reports_a_broken_plan_catalog(storage, capsys, monkeypatch):
    monkeypatch.setenv("PLAN_CATALOG", '{"plans": {"free": []}, "typo": 1}')
    assert main(["plans", "set", "amina@example.com", "free"]) == 1
    assert "error: plan catalogue: unknown key(s) 'typo'" in capsys.readouterr().err


def test_plans_set_refuses_when_plans_come_from_clerk(storage, capsys, monkeypatch):
    monkeypatch.setenv("IDENTITY", "clerk")
    monkeypatch.setenv("CLERK_JWKS_URL", "https://clerk.example.com/.well-known/jwks.json")
    monkeypatch.setenv("CLERK_SIGN_IN_URL", "https://accounts.example.com/sign-in")
    assert main(["plans", "set", "amina@example.com", "max"]) == 1
    assert "error: PLANS=clerk: plans come from the Clerk session token" in capsys.readouterr().err
    assert plan_of(storage) == "free"
