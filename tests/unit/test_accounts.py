"""Local accounts on the in-memory fakes: signing up, in and out, sessions as
the identity port sees them, throttling, and what storage keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cache.memory import MemoryTagCache
from adapters.fakes import FakeClock, FakeStorage, SequentialIds
from adapters.fakes.passwords import FakePasswordHasher
from adapters.identity.local import LocalIdentity
from adapters.identity.passwords import Argon2PasswordHasher
from adapters.identity.tokens import KeyedTokens
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.web.converter import structure
from core.accounts import (
    EMAIL_TAKEN,
    INVALID_CREDENTIALS,
    SIGN_IN_PER_EMAIL,
    SIGN_IN_PER_EMAIL_IP,
    SIGN_IN_PER_IP,
    SIGN_UP_PER_IP,
    SignedIn,
    SignInCommand,
    SignOutCommand,
    SignUpCommand,
)
from core.accounts import actions as account_actions
from core.domain import Actor
from core.errors import Invalid, NotAuthenticated, RateLimited
from core.pipeline import Context, Handler
from entrypoints.bootstrap import bootstrap, build
from tests.unit.app_on_fakes import fake_settings

ACCOUNT_ACTIONS = {action.name: action for action in account_actions}
SECRET = "test-secret-key"
PASSWORD = "correct horse battery"


class Accounts:
    """The account use cases and the identity port of the application's
    container, over one set of fakes; ``session_lifetime`` overrides the
    setting."""

    def __init__(self, hasher: FakePasswordHasher | None = None, **options: object) -> None:
        self.cache = MemoryTagCache()
        self.storage = FakeStorage(self.cache)
        self.clock = FakeClock()
        self.ids = SequentialIds()
        self.hasher = hasher or FakePasswordHasher()
        self.tokens = KeyedTokens(SECRET)
        self.limiter = MemoryRateLimiter(self.clock)
        self.container = bootstrap(
            fake_settings(SECRET_KEY=SECRET),
            storage=self.storage, cache=self.cache, clock=self.clock, ids=self.ids,
            password_hasher=self.hasher, tokens=self.tokens, rate_limiter=self.limiter,
            **options,
        )
        self.identity = self.container.identity()
        self.built: dict[str, Handler] = {}

    def _use_case(self, name: str) -> Handler:
        """The action's use case, built once by the bootstrap's ``build``."""
        if name not in self.built:
            action = ACCOUNT_ACTIONS[name]
            self.built[name] = build(self.container, action.use_case, action)
        return self.built[name]

    def sign_up(self, command: SignUpCommand, ip: str | None = None) -> SignedIn:
        return self._use_case("signUp")(Context(client_ip=ip), command)

    def sign_in(self, command: SignInCommand, ip: str | None = None) -> SignedIn:
        return self._use_case("signIn")(Context(client_ip=ip), command)

    def sign_out(self, token: str) -> None:
        actor = self.identity.authenticate(token)
        self._use_case("signOut")(Context(actor), SignOutCommand())


def sign_up_command(email: str = "ada@example.com", password: str = PASSWORD, name: str = "Ada"):
    return SignUpCommand(email=email, password=password, name=name)


def sign_in_command(email: str = "ada@example.com", password: str = PASSWORD):
    return SignInCommand(email=email, password=password)


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


# --- throttling -------------------------------------------------------------


def _attempt(accounts: Accounts, command: SignInCommand, ip: str) -> BaseException:
    with pytest.raises((NotAuthenticated, RateLimited)) as raised:
        accounts.sign_in(command, ip=ip)
    return raised.value


def test_ten_wrong_passwords_from_other_addresses_do_not_lock_the_owner_out(accounts: Accounts) -> None:
    # issue 8, finding 9: these ten used to make the right password answer 429
    accounts.sign_up(sign_up_command(), ip=None)
    for attempt in range(10):
        failed = _attempt(accounts, sign_in_command(password="wrong password"), f"10.0.0.{attempt}")
        assert isinstance(failed, NotAuthenticated)
    for _ in range(10):  # and from one other address, past its own limit
        _attempt(accounts, sign_in_command(password="wrong password"), "10.6.6.6")
    assert accounts.sign_in(sign_in_command(), ip="10.0.1.1").user.email == "ada@example.com"


def test_one_address_guessing_one_account_is_throttled_for_that_account_only(accounts: Accounts) -> None:
    accounts.sign_up(sign_up_command(), ip=None)
    for _ in range(int(SIGN_IN_PER_EMAIL_IP.capacity)):
        assert isinstance(_attempt(accounts, sign_in_command(password="wrong"), "10.6.6.6"), NotAuthenticated)
    refused = _attempt(accounts, sign_in_command(), "10.6.6.6")
    assert isinstance(refused, RateLimited) and refused.retry_after >= 1
    assert refused.failure().retry_after == refused.retry_after
    assert isinstance(_attempt(accounts, sign_in_command(email="bob@example.com"), "10.6.6.6"), NotAuthenticated)
    assert accounts.sign_in(sign_in_command(), ip="10.0.1.1").user.email == "ada@example.com"
    accounts.clock.advance(refused.retry_after)
    assert accounts.sign_in(sign_in_command(), ip="10.6.6.6").user.email == "ada@example.com"


def test_guessing_from_many_addresses_is_slowed_by_the_per_email_ceiling(accounts: Accounts) -> None:
    accounts.sign_up(sign_up_command(), ip=None)
    for attempt in range(int(SIGN_IN_PER_EMAIL.capacity)):
        failed = _attempt(accounts, sign_in_command(password="wrong"), f"10.{attempt // 250}.{attempt % 250}.1")
        assert isinstance(failed, NotAuthenticated)
    refused = _attempt(accounts, sign_in_command(password="wrong"), "10.9.9.9")
    assert isinstance(refused, RateLimited)
    accounts.clock.advance(refused.retry_after)
    assert accounts.sign_in(sign_in_command(), ip="10.9.9.9").user.email == "ada@example.com"


def test_sign_in_is_throttled_per_ip_across_emails(accounts: Accounts) -> None:
    allowed = int(SIGN_IN_PER_IP.capacity)
    for attempt in range(allowed):
        failed = _attempt(accounts, sign_in_command(email=f"user{attempt}@example.com"), "10.0.0.9")
        assert isinstance(failed, NotAuthenticated)

    assert isinstance(_attempt(accounts, sign_in_command(), "10.0.0.9"), RateLimited)
    assert isinstance(_attempt(accounts, sign_in_command(), "10.0.0.10"), NotAuthenticated)


def test_a_refused_sign_in_does_no_password_work(accounts: Accounts) -> None:
    for _ in range(int(SIGN_IN_PER_EMAIL_IP.capacity)):
        _attempt(accounts, sign_in_command(), "10.0.0.1")
    before = accounts.hasher.verifications

    assert isinstance(_attempt(accounts, sign_in_command(), "10.0.0.1"), RateLimited)
    assert accounts.hasher.verifications == before


def test_sign_up_is_throttled_per_ip(accounts: Accounts) -> None:
    allowed = int(SIGN_UP_PER_IP.capacity)
    for n in range(allowed):
        accounts.sign_up(sign_up_command(email=f"user{n}@example.com"), ip="10.0.0.1")

    with pytest.raises(RateLimited):
        accounts.sign_up(sign_up_command(email="late@example.com"), ip="10.0.0.1")
    accounts.sign_up(sign_up_command(email="late@example.com"), ip="10.0.0.2")
    accounts.sign_up(sign_up_command(email="cli@example.com"), ip=None)  # the CLI is not limited


# --- the password rule -----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "name", "why"),
    [
        ("password123", "Ada", "This is a very common password."),
        ("qwertyuiop", "Ada", "This is a top-100 common password."),
        ("aaaaaaaaaaaa", "Ada", 'Repeats like "aaa" are easy to guess.'),
        ("iloveyou2024", "Ada", "This is similar to a commonly used password."),
        ("lovelace1815", "Lovelace", "This password is too easy to guess."),  # the account's own words
    ],
)
def test_sign_up_refuses_a_guessable_password_saying_why_and_creates_nothing(
    accounts: Accounts, password: str, name: str, why: str
) -> None:
    with pytest.raises(Invalid) as raised:
        accounts.sign_up(sign_up_command(password=password, name=name), ip="10.0.0.1")
    errors = raised.value.field_errors
    assert list(errors) == ["password"] and errors["password"][0] == why
    with accounts.storage.unit_of_work() as uow:
        assert uow.users.get_by_email("ada@example.com") is None


def test_a_strong_password_is_accepted(accounts: Accounts) -> None:
    for n, password in enumerate(["correct horse battery", "Tr0ub4dor&3", "x7#Qp!mZ2v" * 10]):
        accounts.sign_up(sign_up_command(email=f"u{n}@example.com", password=password), ip=None)


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
