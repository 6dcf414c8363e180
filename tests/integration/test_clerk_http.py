"""Clerk over real HTTP on 127.0.0.1: session tokens verified with the keys
of a JWKS URL (fetched once, again on a rotation, never hammered, and a
failure is nobody), and users read from the Backend API on first use."""

from __future__ import annotations

import time
import uuid

from adapters.cache.memory import MemoryTagCache
from adapters.fakes.clock import FakeClock
from adapters.fakes.storage import FakeStorage
from adapters.identity.clerk import ClerkIdentity, ClerkTokens
from adapters.identity.clerk_users import ClerkBackend
from adapters.identity.jwks import JwksKeys
from core.domain import Actor
from core.user_sync import EnsureUser, Profile
from tests.clerk_tokens import Issuer, clerk_user
from tests.integration.fake_clerk import SECRET_KEY, FakeClerk

OLD, NEW = Issuer("ins_old"), Issuer("ins_new")


def test_tokens_verify_with_the_jwks_which_is_fetched_once() -> None:
    with FakeClerk(jwks=[OLD.jwk]) as clerk:
        tokens = ClerkTokens(JwksKeys(clerk.jwks_url, FakeClock()))
        for n in range(5):
            session = tokens.verify(OLD.token(f"user_{n}"))
            assert session is not None and session.user_id == f"user_{n}"
        assert clerk.hits["jwks"] == 1


def test_a_rotated_key_is_fetched_and_the_retired_one_refused() -> None:
    clock = FakeClock()
    with FakeClerk(jwks=[OLD.jwk]) as clerk:
        tokens = ClerkTokens(JwksKeys(clerk.jwks_url, clock, refetch_every=30))
        assert tokens.verify(OLD.token()) is not None
        clerk.serve_keys(NEW.jwk)
        clock.advance(31)
        assert tokens.verify(NEW.token()) is not None  # unknown kid: fetched again
        assert clerk.hits["jwks"] == 2
        clock.advance(3600)  # the cache is old: fetched again, the old key is gone
        assert tokens.verify(OLD.token()) is None
        assert tokens.verify(NEW.token()) is not None
        assert clerk.hits["jwks"] == 3


def test_tokens_naming_made_up_keys_do_not_hammer_the_jwks_server() -> None:
    clock = FakeClock()
    with FakeClerk(jwks=[OLD.jwk]) as clerk:
        tokens = ClerkTokens(JwksKeys(clerk.jwks_url, clock, refetch_every=30))
        assert tokens.verify(OLD.token()) is not None
        for _ in range(50):
            forger = Issuer(f"kid_{uuid.uuid4().hex}")
            assert tokens.verify(forger.token()) is None
            clock.advance(1)
        assert clerk.hits["jwks"] <= 3  # at most one fetch each 30 s
        assert tokens.verify(OLD.token()) is not None


def test_an_unreachable_or_broken_jwks_is_nobody_not_an_error() -> None:
    clock = FakeClock()
    with FakeClerk() as clerk:
        url = clerk.jwks_url
    tokens = ClerkTokens(JwksKeys(url, clock))  # the server is gone
    assert tokens.verify(OLD.token()) is None
    with FakeClerk() as clerk:
        for body in (b"not json", b'{"keys": "no"}', b"[]", b'{"keys": [{"kty": "RSA"}]}',
                     b'{"keys": [' + b'{"kty": "RSA", "kid": "x"},' * 5000 + b"{}]}"):
            clerk.jwks_body = body
            clock.advance(60)
            tokens = ClerkTokens(JwksKeys(clerk.jwks_url, clock))
            assert tokens.verify(OLD.token()) is None


def test_a_slow_jwks_server_times_out() -> None:
    with FakeClerk(jwks=[OLD.jwk]) as clerk:
        clerk.delay = 2.0
        tokens = ClerkTokens(JwksKeys(clerk.jwks_url, FakeClock(), timeout=0.3))
        started = time.monotonic()
        assert tokens.verify(OLD.token()) is None
        assert time.monotonic() - started < 1.5


def test_first_use_reads_the_user_from_the_backend_api() -> None:
    storage = FakeStorage(MemoryTagCache())
    with FakeClerk(jwks=[OLD.jwk], users={"user_2api": clerk_user("user_2api", "api@example.com")}) as clerk:
        identity = ClerkIdentity(
            ClerkTokens(JwksKeys(clerk.jwks_url, FakeClock())),
            EnsureUser(
                storage=storage, cache=storage.cache, clock=FakeClock(),
                profiles=ClerkBackend(SECRET_KEY, clerk.api_url),
            ),
        )
        assert identity.authenticate(OLD.token("user_2api")) == Actor("user_2api", features=frozenset())
        assert identity.authenticate(OLD.token("user_2nobody")) is None
    with storage.unit_of_work() as uow:
        user = uow.users.get("user_2api")
    assert user is not None
    assert (user.email, user.name, user.image_url) == (
        "api@example.com", "Amina Njeri", "https://img.clerk.com/amina.png",
    )


def test_the_backend_api_with_a_wrong_key_or_gone_gives_no_profile() -> None:
    with FakeClerk(users={"user_2a": clerk_user("user_2a", "a@example.com")}) as clerk:
        assert ClerkBackend(SECRET_KEY, clerk.api_url).profile("user_2a") == Profile(
            id="user_2a", email="a@example.com", name="Amina Njeri",
            image_url="https://img.clerk.com/amina.png",
        )
        assert ClerkBackend("sk_wrong", clerk.api_url).profile("user_2a") is None
        assert ClerkBackend(SECRET_KEY, clerk.api_url).profile("../../etc") is None
        api_url = clerk.api_url
    assert ClerkBackend(SECRET_KEY, api_url, timeout=0.5).profile("user_2a") is None
