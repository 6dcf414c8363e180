"""Clerk session tokens, minted here with a locally generated RSA key: only
a valid, active token of an authorized party signs anyone in, and nothing a
client presents ever raises."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cache.memory import MemoryTagCache
from adapters.fakes.clock import FakeClock
from adapters.fakes.profiles import FakeProfiles
from adapters.fakes.storage import FakeStorage
from adapters.identity.clerk import ClerkIdentity, ClerkTokens, authorized_parties
from adapters.identity.jwks import StaticKey, rsa_public_key
from adapters.speech.archive import NoRecordings
from core.domain import Actor
from core.user_sync import ApplyUserEvent, Delivery, EnsureUser, Profile, UserDeleted
from tests.clerk_tokens import Issuer

ISSUER = Issuer()
OTHER = Issuer()
PARTIES = authorized_parties("http://127.0.0.1, https://app.example.com/")
TOKENS = ClerkTokens(StaticKey(rsa_public_key(ISSUER.public_pem)), PARTIES)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, object], claims: dict[str, object], key: bytes = b"") -> str:
    """A token put together by hand; HMAC-SHA256 under ``key`` when given."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{b64(signature)}"


def test_a_valid_token_signs_its_user_in() -> None:
    session = TOKENS.verify(ISSUER.token("user_2valid", fea="u:unlimited_interviews", pla="u:pro"))
    assert session is not None
    assert (session.user_id, session.plan, session.features) == (
        "user_2valid",
        "pro",
        {"unlimited_interviews"},
    )
    assert session.profile is None


def refused() -> dict[str, str]:
    """Tokens to refuse, minted now (their times are relative to now)."""
    now = int(time.time())
    return {
        "expired": ISSUER.token(exp=now - 60),
        "not yet valid": ISSUER.token(nbf=now + 60),
        "wrong key": OTHER.token(),
        "wrong azp": ISSUER.token(azp="https://evil.example"),
        "no azp": ISSUER.token(azp=None),
        "pending session": ISSUER.token(sts="pending"),
        "unknown status": ISSUER.token(sts="ended"),
        "no exp": ISSUER.token(exp=None),
        "no sub": ISSUER.token(sub=""),
        "sub too long": ISSUER.token("user_" + "x" * 40),
        "alg none": unsigned({"alg": "none", "typ": "JWT"}, ISSUER.claims("user_2abc")),
        "HS256 with the public key": unsigned(
            {"alg": "HS256", "typ": "JWT", "kid": ISSUER.kid},
            ISSUER.claims("user_2abc"),
            key=ISSUER.public_pem.encode(),
        ),
        "garbage": "not.a.token",
        "empty": "",
        "tampered": ISSUER.token()[:-4] + "AAAA",
        "too long": ISSUER.token(padding="x" * 9000),
    }


@pytest.mark.parametrize("case", list(refused()))
def test_only_a_valid_token_signs_anyone_in(case: str) -> None:
    assert TOKENS.verify(refused()[case]) is None


def test_a_few_seconds_of_clock_skew_are_tolerated() -> None:
    now = int(time.time())
    assert TOKENS.verify(ISSUER.token(exp=now - 2)) is not None
    assert TOKENS.verify(ISSUER.token(nbf=now + 2, iat=now)) is not None


def test_without_authorized_parties_any_azp_is_accepted() -> None:
    tokens = ClerkTokens(StaticKey(rsa_public_key(ISSUER.public_pem)))
    assert tokens.verify(ISSUER.token(azp="https://anywhere.example")) is not None
    assert tokens.verify(ISSUER.token(azp=None)) is not None


def test_a_pem_key_on_one_line_with_escaped_newlines_is_read() -> None:
    one_line = ISSUER.public_pem.strip().replace("\n", "\\n")
    assert ClerkTokens(StaticKey(rsa_public_key(one_line))).verify(ISSUER.token()) is not None


@pytest.mark.parametrize(
    "pem",
    ["", "not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"],
)
def test_a_bad_pem_key_is_refused_with_a_reason(pem: str) -> None:
    with pytest.raises(ValueError, match="PEM"):
        rsa_public_key(pem)


def test_a_template_with_email_and_name_gives_a_profile() -> None:
    session = TOKENS.verify(ISSUER.token("user_2p", email="Amina@Example.com", name=" Amina "))
    assert session is not None
    assert session.profile == Profile(id="user_2p", email="amina@example.com", name="Amina")


@settings(max_examples=200)
@given(
    st.one_of(
        st.text(max_size=300),
        st.binary(max_size=300).map(lambda b: b64(b) + "." + b64(b)),
    )
)
def test_no_presented_string_raises(token: str) -> None:
    assert TOKENS.verify(token) is None


@given(
    st.dictionaries(
        st.text(max_size=8),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=20),
            st.lists(st.integers(), max_size=3),
        ),
        max_size=6,
    )
)
@settings(max_examples=100)
def test_no_signed_claims_raise(extra: dict[str, object]) -> None:
    claims = {**ISSUER.claims("user_2abc"), **extra}
    token = jwt.encode(claims, ISSUER.private_key, algorithm="RS256", headers={"kid": ISSUER.kid})
    TOKENS.verify(token)


# --- first use ---------------------------------------------------------------


def identity_on(storage: FakeStorage, profiles: FakeProfiles) -> ClerkIdentity:
    return ClerkIdentity(TOKENS, EnsureUser(storage=storage, cache=storage.cache, clock=FakeClock(), profiles=profiles))


def test_first_use_creates_the_user_from_the_backend_api() -> None:
    storage = FakeStorage(MemoryTagCache())
    profiles = FakeProfiles(Profile(id="user_2new", email="new@example.com", name="New One"))
    identity = identity_on(storage, profiles)
    assert identity.authenticate(ISSUER.token("user_2new")) == Actor("user_2new", features=frozenset())
    assert identity.authenticate(ISSUER.token("user_2new")) == Actor("user_2new", features=frozenset())
    with storage.unit_of_work() as uow:
        user = uow.users.get("user_2new")
    assert user is not None and (user.email, user.name) == (
        "new@example.com",
        "New One",
    )
    assert profiles.reads == 1


def test_first_use_creates_the_user_from_the_tokens_claims_when_it_has_them() -> None:
    storage = FakeStorage(MemoryTagCache())
    profiles = FakeProfiles()
    identity = identity_on(storage, profiles)
    token = ISSUER.token("user_2claims", email="claims@example.com", name="From Claims")
    assert identity.authenticate(token) == Actor("user_2claims", features=frozenset())
    with storage.unit_of_work() as uow:
        assert uow.users.get("user_2claims").name == "From Claims"  # type: ignore[union-attr]
    assert profiles.reads == 0


def test_a_user_clerk_does_not_know_is_nobody_and_nothing_is_written() -> None:
    storage = FakeStorage(MemoryTagCache())
    identity = identity_on(storage, FakeProfiles())
    assert identity.authenticate(ISSUER.token("user_2gone")) is None
    assert storage.commits == 0


def test_a_user_whose_email_another_user_still_has_is_nobody() -> None:
    storage = FakeStorage(MemoryTagCache())
    taken = Profile(id="user_2old", email="same@example.com", name="Old")
    identity = identity_on(
        storage,
        FakeProfiles(taken, Profile(id="user_2new", email="same@example.com", name="New")),
    )
    assert identity.authenticate(ISSUER.token("user_2old")) == Actor("user_2old", features=frozenset())
    assert identity.authenticate(ISSUER.token("user_2new")) is None
    with storage.unit_of_work() as uow:
        assert uow.users.get("user_2new") is None


def test_a_deleted_users_token_still_alive_does_not_bring_them_back() -> None:
    storage = FakeStorage(MemoryTagCache())
    identity = identity_on(storage, FakeProfiles())
    token = ISSUER.token("user_2del", email="del@example.com", name="Deleted")
    assert identity.authenticate(token) == Actor("user_2del", features=frozenset())
    ApplyUserEvent(storage=storage, clock=FakeClock(), recording_archive=NoRecordings())(
        Delivery("msg_del", UserDeleted("user_2del"))
    )
    fresh = identity_on(storage, FakeProfiles())  # the deletion invalidated what the cache had seen
    assert fresh.authenticate(token) is None
    with storage.unit_of_work() as uow:
        assert uow.users.get("user_2del") is None


def test_the_actor_carries_the_tokens_plan_and_features() -> None:
    storage = FakeStorage(MemoryTagCache())
    identity = identity_on(storage, FakeProfiles(Profile(id="user_2pro", email="p@example.com", name="P")))
    token = ISSUER.token("user_2pro", pla="u:pro", fea="u:unlimited_interviews,o:reports")
    assert identity.authenticate(token) == Actor(
        "user_2pro", plan="pro", features=frozenset({"unlimited_interviews"})
    )
