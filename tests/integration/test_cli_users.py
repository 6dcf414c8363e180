"""``darasa users create`` on a real SQLite database, as an operator runs it:
the account it makes can sign in, and bad input is refused with a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.db.engine import make_engine
from adapters.db.storage import SqlStorage
from entrypoints.cli import main

PASSWORD = "correct horse battery"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'darasa.sqlite3'}"
    monkeypatch.setenv("DARASA_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("DARASA_PASSWORD", raising=False)
    return url


def test_users_create_makes_an_account_that_signs_in(database: str, capsys) -> None:
    code = main(["users", "create", "--email", "Grace@Example.com", "--name", "Grace", "--password", PASSWORD])
    assert code == 0
    assert "<grace@example.com>" in capsys.readouterr().out

    from entrypoints.app import create_app

    client = create_app(migrate=False).test_client()
    signed_in = client.post("/auth/sign-in", json={"email": "grace@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200
    assert signed_in.json["user"]["name"] == "Grace"


def test_users_create_takes_the_password_from_the_environment(database: str, monkeypatch) -> None:
    monkeypatch.setenv("DARASA_PASSWORD", PASSWORD)
    assert main(["users", "create", "--email", "ada@example.com", "--name", "Ada"]) == 0
    engine = make_engine(database)
    with SqlStorage(engine).unit_of_work() as uow:
        credentials = uow.users.credentials("ada@example.com")
    engine.dispose()
    assert credentials is not None and PASSWORD not in credentials.password_hash


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("ada@example.com", "short", "password"),
    ],
)
def test_users_create_refuses_bad_input_and_writes_nothing(database: str, capsys, email, password, message) -> None:
    assert main(["users", "create", "--email", email, "--name", "Ada", "--password", password]) == 1
    assert message in capsys.readouterr().err
    engine = make_engine(database)
    with SqlStorage(engine).unit_of_work() as uow:
        assert uow.users.get_by_email("ada@example.com") is None
    engine.dispose()


def test_users_create_refuses_a_taken_email(database: str, capsys) -> None:
    args = ["users", "create", "--email", "ada@example.com", "--name", "Ada", "--password", PASSWORD]
    assert main(args) == 0
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err


def test_users_create_refuses_when_clerk_keeps_the_accounts(database: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("IDENTITY", "clerk")
    monkeypatch.setenv("CLERK_JWKS_URL", "https://clerk.example.com/.well-known/jwks.json")
    monkeypatch.setenv("CLERK_SIGN_IN_URL", "https://accounts.example.com/sign-in")
    assert main(["users", "create", "--email", "ada@example.com", "--name", "Ada", "--password", PASSWORD]) == 1
    assert "error: IDENTITY=clerk: accounts are created in Clerk" in capsys.readouterr().err
