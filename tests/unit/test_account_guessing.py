"""Guessing at local accounts, on the in-memory fakes: sign-in is throttled
per address and account, per address and per account (so that guesses from
elsewhere never lock the owner out, and a refused attempt does no password
work), sign-up per address, and a guessable password is refused."""

from __future__ import annotations

import pytest

from core.accounts import SIGN_IN_PER_EMAIL, SIGN_IN_PER_EMAIL_IP, SIGN_IN_PER_IP, SIGN_UP_PER_IP, SignInCommand
from core.errors import Invalid, NotAuthenticated, RateLimited
from tests.unit.accounts_on_fakes import Accounts, sign_in_command, sign_up_command


@pytest.fixture
def accounts() -> Accounts:
    return Accounts()


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


def test_the_per_email_ceiling_spares_addresses_the_owner_signed_in_from(accounts: Accounts) -> None:
    # issue 8, finding 9: guesses from many addresses never lock the owner
    # out of an address they have signed in from before
    accounts.sign_up(sign_up_command(), ip="192.0.2.1")  # at home
    accounts.sign_in(sign_in_command(), ip="198.51.100.7")  # at work
    for attempt in range(int(SIGN_IN_PER_EMAIL.capacity)):
        _attempt(accounts, sign_in_command(password="wrong"), f"10.{attempt // 250}.{attempt % 250}.1")
    assert isinstance(_attempt(accounts, sign_in_command(), "203.0.113.9"), RateLimited)  # a new address waits
    for known in ("192.0.2.1", "198.51.100.7"):
        assert accounts.sign_in(sign_in_command(), ip=known).user.email == "ada@example.com"
    # an address is known for that account only, and still has its own limit
    assert isinstance(_attempt(accounts, sign_in_command(email="bob@example.com"), "192.0.2.1"), NotAuthenticated)
    for _ in range(int(SIGN_IN_PER_EMAIL_IP.capacity)):
        _attempt(accounts, sign_in_command(password="wrong"), "192.0.2.1")
    assert isinstance(_attempt(accounts, sign_in_command(), "192.0.2.1"), RateLimited)
