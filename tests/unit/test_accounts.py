"""Local accounts on the in-memory fakes: signing up, in and out, sessions as
the identity port sees them, and what storage keeps. Throttling and the
password rule are ``test_account_guessing.py``'s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cache.memory import MemoryTagCache
from adapters.fakes.passwords import FakePasswordHasher
from adapters.identity.local import LocalIdentity
from adapters.identity.passwords import Argon2PasswordHasher
from adapters.identity.tokens import KeyedTokens
from adapters.web.converter import structure
from core.accounts import EMAIL_TAKEN, INVALID_CREDENTIALS, SignInCommand, SignUpCommand
from core.domain import Actor
from core.errors import Invalid, NotAuthenticated
from tests.unit.accounts_on_fakes import PASSWORD, SECRET, Accounts, sign_in_command, sign_up_command


@pytest.fixture
def accounts() -> Accounts:
    return Accounts()


# --- signing up and in ------------------------------------------------------


def test_sign_up_then_sign_in_opens_sessions_for_the_same_user(accounts: Accounts) -> None:
    signed_up = accounts.sign_up(sign_up_command(email="  Ada@Example.COM "), ip="10.0.0.1")
    assert signed_up.user.email == "ada@example.com"
    assert signed_up.user.name == "Ada"

    signed_in = accounts.sign_in(sign_in_command(email="ADA@example.com"), ip="10.0.0.1")

    assert signed_in.user == signed_up.user
    assert signed_in.token != signed_up.token
    assert accounts.identity.authenticate(signed_up.token) == Actor(signed_up.user.id)
    assert accounts.identity.authenticate(signed_in.token) == Actor(signed_up.user.id)


def test_sign_up_of_a_taken_email_is_a_field_error(accounts: Accounts) -> None:
    accounts.sign_up(sign_up_command(email="ada@example.com"), ip=None)

    with pytest.raises(Invalid) as raised:
        accounts.sign_up(sign_up_command(email=" ADA@example.com", name="Other"), ip=None)

    assert raised.value.field_errors == {"email": [EMAIL_TAKEN]}
    assert len(accounts.storage.snapshot().users) == 1


class RacingHasher(FakePasswordHasher):
    """While the first sign-up hashes its password, another request signs up
    the same email: the check before hashing has already passed."""

    def __init__(self) -> None:
        super().__init__()
        self.rival: Accounts | None = None

    def hash(self, password: str) -> str:
        rival, self.rival = self.rival, None
        if rival is not None:
            rival.sign_up(sign_up_command(email="ada@example.com", name="Rival"), ip=None)
        return super().hash(password)


def test_sign_up_that_loses_a_race_for_the_email_is_the_same_field_error() -> None:
    hasher = RacingHasher()
    accounts = Accounts(hasher)
    hasher.rival = accounts

    with pytest.raises(Invalid) as raised:
        accounts.sign_up(sign_up_command(email="ada@example.com", name="Ada"), ip=None)

    assert raised.value.field_errors == {"email": [EMAIL_TAKEN]}
    (user,) = accounts.storage.snapshot().users.values()
    assert user.name == "Rival"


def test_wrong_password_and_unknown_email_fail_alike_after_the_same_work(
    accounts: Accounts,
) -> None:
    accounts.sign_up(sign_up_command(), ip=None)

    failures = []
    for command in (
        sign_in_command(password="not the password"),
        sign_in_command(email="nobody@example.com"),
    ):
        before = accounts.hasher.verifications
        with pytest.raises(NotAuthenticated) as raised:
            accounts.sign_in(command, ip="10.0.0.1")
        assert accounts.hasher.verifications == before + 1
        failures.append((type(raised.value), raised.value.failure()))

    assert failures[0] == failures[1]
    assert failures[0][1].message == INVALID_CREDENTIALS


def test_sign_in_upgrades_a_hash_made_with_old_parameters() -> None:
    old = Accounts(FakePasswordHasher(version=1))
    signed_up = old.sign_up(sign_up_command(), ip=None)
    old.container.password_hasher.override(FakePasswordHasher(version=2))
    old.built.clear()  # sign-in is built again, with the new hasher

    old.sign_in(sign_in_command(), ip=None)

    stored = old.storage.snapshot().password_hashes[signed_up.user.id]
    assert not FakePasswordHasher(version=2).needs_rehash(stored)
    assert old.sign_in(sign_in_command(), ip=None).user == signed_up.user


# --- sessions ---------------------------------------------------------------


def test_sign_out_revokes_only_that_session(accounts: Accounts) -> None:
    first = accounts.sign_up(sign_up_command(), ip=None)
    second = accounts.sign_in(sign_in_command(), ip=None)

    # both sessions are read (and so cached) before one is revoked
    assert accounts.identity.authenticate(first.token) == Actor(first.user.id)
    assert accounts.identity.authenticate(second.token) == Actor(first.user.id)

    accounts.sign_out(first.token)

    assert accounts.identity.authenticate(first.token) is None
    assert accounts.identity.authenticate(second.token) == Actor(first.user.id)
    accounts.sign_out(first.token)  # again: nothing left to do
    accounts.sign_out("not a token we ever issued")
    assert accounts.identity.authenticate(second.token) == Actor(first.user.id)


def test_a_session_expires_after_its_lifetime(accounts: Accounts) -> None:
    signed_up = accounts.sign_up(sign_up_command(), ip=None)

    accounts.clock.advance(timedelta(days=30).total_seconds() - 1)
    assert accounts.identity.authenticate(signed_up.token) == Actor(signed_up.user.id)
    accounts.clock.advance(1)
    assert accounts.identity.authenticate(signed_up.token) is None


def test_the_session_lifetime_is_configurable() -> None:
    accounts = Accounts(session_lifetime=timedelta(hours=1))
    signed_up = accounts.sign_up(sign_up_command(), ip=None)

    accounts.clock.advance(3600)

    assert accounts.identity.authenticate(signed_up.token) is None


def test_a_deleted_users_sessions_no_longer_authenticate(accounts: Accounts) -> None:
    signed_up = accounts.sign_up(sign_up_command(), ip=None)
    with accounts.storage.unit_of_work(write=True) as uow:
        uow.users.delete(signed_up.user.id)
        uow.commit()

    assert accounts.identity.authenticate(signed_up.token) is None


def test_storage_keeps_digests_and_hashes_never_tokens_or_passwords(accounts: Accounts) -> None:
    signed_up = accounts.sign_up(sign_up_command(), ip=None)
    signed_in = accounts.sign_in(sign_in_command(), ip=None)

    tables = accounts.storage.snapshot()
    stored = repr(tables)
    for secret in (signed_up.token, signed_in.token, PASSWORD):
        assert secret not in stored
    digests = {session.token_digest for session in tables.sessions.values()}
    assert digests == {
        KeyedTokens(SECRET).digest(signed_up.token),
        KeyedTokens(SECRET).digest(signed_in.token),
    }


def test_a_token_is_worthless_under_another_secret_key(accounts: Accounts) -> None:
    signed_up = accounts.sign_up(sign_up_command(), ip=None)
    other = LocalIdentity(accounts.storage, KeyedTokens("another key"), accounts.clock, MemoryTagCache())

    assert other.authenticate(signed_up.token) is None


@settings(max_examples=300, deadline=None)  # a loaded CI machine is no bug
@given(token=st.text(max_size=400) | st.binary(max_size=400).map(lambda b: b.decode("latin-1")))
def test_any_string_as_a_token_is_nobody_and_never_raises(token: str) -> None:
    accounts = Accounts()
    signed_up = accounts.sign_up(sign_up_command(), ip=None)

    assert accounts.identity.authenticate(token) is None
    accounts.sign_out(token)
    assert accounts.identity.authenticate(signed_up.token) == Actor(signed_up.user.id)


# --- what the commands accept -----------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Must be a valid email address"),
        ({"email": "a@b"}, "email", "Must be a valid email address"),
        ({"email": "a b@example.com"}, "email", "Must be a valid email address"),
        ({"email": "x" * 310 + "@example.com"}, "email", "Must be at most 320 characters"),
        ({"email": "   "}, "email", "Required"),
        ({"password": "short"}, "password", "Must be at least 8 characters"),
        ({"password": "p" * 257}, "password", "Must be at most 256 characters"),
        ({"password": "\ud800 lone surrogate"}, "password", "Must be valid text"),
        ({"name": "  "}, "name", "Required"),
        ({"name": "n" * 201}, "name", "Must be at most 200 characters"),
    ],
)
def test_sign_up_rejects_bad_fields_with_readable_messages(
    payload: dict[str, str], field: str, message: str
) -> None:
    good = {"email": "ada@example.com", "password": PASSWORD, "name": "Ada"}

    with pytest.raises(Invalid) as raised:
        structure(SignUpCommand, good | payload)

    assert raised.value.field_errors == {field: [message]}


def test_commands_trim_and_lower_case_the_email_but_never_touch_the_password() -> None:
    command = structure(
        SignUpCommand, {"email": " Ada@Example.com ", "password": "  spaced  ", "name": " Ada "}
    )

    assert (command.email, command.password, command.name) == ("ada@example.com", "  spaced  ", "Ada")
    assert structure(SignInCommand, {"email": "a@example.com", "password": "x"}).password == "x"


# --- the real hasher and tokens -----------------------------------------------


def test_argon2_hasher_verifies_and_asks_for_upgrades() -> None:
    weak = Argon2PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    stronger = Argon2PasswordHasher(time_cost=2, memory_cost=8, parallelism=1)

    password_hash = weak.hash(PASSWORD)

    assert PASSWORD not in password_hash
    assert password_hash.startswith("$argon2id$")
    assert weak.verify(password_hash, PASSWORD)
    assert not weak.verify(password_hash, PASSWORD + "!")
    assert not weak.verify("not a hash at all", PASSWORD)
    assert not weak.needs_rehash(password_hash)
    assert stronger.needs_rehash(password_hash)
    assert stronger.verify(password_hash, PASSWORD)


def test_keyed_tokens_are_random_and_their_digests_depend_on_the_key() -> None:
    tokens = KeyedTokens(SECRET)
    issued = {tokens.new() for _ in range(100)}

    assert len(issued) == 100
    assert all(len(token) >= 43 for token in issued)
    token = issued.pop()
    assert tokens.digest(token) == KeyedTokens(SECRET).digest(token)
    assert tokens.digest(token) != KeyedTokens("other").digest(token)
    assert token not in tokens.digest(token)
    with pytest.raises(ValueError):
        KeyedTokens("")
