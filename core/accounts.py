"""Local accounts: sign up, sign in and sign out with an email and a password.

Passwords are kept only as hashes and session tokens only as keyed digests,
so a leaked database holds neither. Sign-in attempts are throttled per client
IP and per email, and a wrong password and an unknown email get the same
answer after comparable work.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from attrs import Attribute, field, frozen

from core.cache_tags import session_tags
from core.domain import User
from core.errors import EmailAlreadyRegistered, Invalid, NotAuthenticated
from core.ports import (
    Bucket,
    Clock,
    Ids,
    PasswordHasher,
    RateLimiter,
    Session,
    Storage,
    TagCache,
    Tokens,
)
from core.rate_limit import charge
from core.validation import text

EMAIL_MAX = 320
NAME_MAX = 200
PASSWORD_MIN = 8
PASSWORD_MAX = 256
"""Passwords are capped: hashing megabytes with argon2 would be a cheap DoS."""
TOKEN_MAX = 256
"""Longer presented tokens are not ours and are not even digested."""

SESSION_LIFETIME = timedelta(days=30)
SIGN_IN_PER_EMAIL = Bucket(capacity=10, refill=10, interval=15 * 60)
SIGN_IN_PER_IP = Bucket(capacity=30, refill=30, interval=15 * 60)
SIGN_UP_PER_IP = Bucket(capacity=10, refill=10, interval=60 * 60)

INVALID_CREDENTIALS = "Invalid email or password"
EMAIL_TAKEN = "An account with this email already exists"

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


# --- field rules ------------------------------------------------------------


def normalize_email(value: str) -> str:
    """The form an email is stored and looked up in: trimmed, lower-cased."""
    return value.strip().lower() if isinstance(value, str) else value


def _strip(value: str) -> str:
    return value.strip() if isinstance(value, str) else value


def valid_email(_instance: Any, _attribute: Attribute[Any], value: str) -> None:
    trimmed = value.strip()
    if not trimmed:
        raise ValueError("Required")
    if len(trimmed) > EMAIL_MAX:
        raise ValueError(f"Must be at most {EMAIL_MAX} characters")
    if not trimmed.isprintable() or not _EMAIL.fullmatch(trimmed):
        raise ValueError("Must be a valid email address")


def encodable(_instance: Any, _attribute: Attribute[Any], value: str) -> None:
    """Text that can be written out as UTF-8: JSON can smuggle in lone
    surrogates, which neither argon2 nor a database accepts."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Must be valid text") from None


def password_length(min_length: int) -> Callable[[Any, Attribute[Any], str], None]:
    """A password as typed: never trimmed, at least ``min_length`` and at
    most ``PASSWORD_MAX`` characters."""

    def check(_instance: Any, _attribute: Attribute[Any], value: str) -> None:
        if not value:
            raise ValueError("Required")
        if len(value) < min_length:
            raise ValueError(f"Must be at least {min_length} characters")
        if len(value) > PASSWORD_MAX:
            raise ValueError(f"Must be at most {PASSWORD_MAX} characters")
        encodable(_instance, _attribute, value)

    return check


# --- commands and result ----------------------------------------------------


@frozen(kw_only=True)
class SignUpCommand:
    email: str = field(converter=normalize_email, validator=valid_email)
    password: str = field(validator=password_length(PASSWORD_MIN), repr=False)
    name: str = field(converter=_strip, validator=[text(NAME_MAX), encodable])


@frozen(kw_only=True)
class SignInCommand:
    """The password rule is only "present and capped": the length policy of
    sign-up is not re-checked for accounts created before it changed."""

    email: str = field(converter=normalize_email, validator=valid_email)
    password: str = field(validator=password_length(1), repr=False)


@frozen
class SignedIn:
    user: User
    token: str = field(repr=False)


# --- use cases --------------------------------------------------------------


class _SessionOpener:
    """What signing up and signing in share: their collaborators, the limit
    per client IP (charged under ``<action>:ip:<ip>``) and opening a session
    that lives ``session_lifetime``."""

    action: str

    def __init__(
        self,
        storage: Storage,
        hasher: PasswordHasher,
        tokens: Tokens,
        clock: Clock,
        ids: Ids,
        limiter: RateLimiter,
        session_lifetime: timedelta,
        per_ip: Bucket,
    ) -> None:
        if session_lifetime <= timedelta(0):
            raise ValueError("session_lifetime must be positive")
        self.storage = storage
        self.hasher = hasher
        self.tokens = tokens
        self.clock = clock
        self.ids = ids
        self.limiter = limiter
        self.session_lifetime = session_lifetime
        self.per_ip = per_ip

    def _limit_ip(self, ip: str | None) -> None:
        """Charge the client IP's bucket; ``ip=None`` (the CLI) is not limited."""
        if ip is not None:
            charge(self.limiter, f"{self.action}:ip:{ip}", self.per_ip)

    def _new_session(self, user_id: str) -> tuple[Session, str]:
        token = self.tokens.new()
        now = self.clock.now()
        session = Session(
            id=self.ids.new(),
            user_id=user_id,
            token_digest=self.tokens.digest(token),
            created_at=now,
            expires_at=now + self.session_lifetime,
        )
        return session, token


class SignUp(_SessionOpener):
    """Create a local account and sign it in. Limited per client IP
    (``ip=None``, as from the CLI, is not limited)."""

    action = "sign-up"

    def __init__(
        self,
        storage: Storage,
        hasher: PasswordHasher,
        tokens: Tokens,
        clock: Clock,
        ids: Ids,
        limiter: RateLimiter,
        *,
        session_lifetime: timedelta = SESSION_LIFETIME,
        per_ip: Bucket = SIGN_UP_PER_IP,
    ) -> None:
        super().__init__(storage, hasher, tokens, clock, ids, limiter, session_lifetime, per_ip)

    def __call__(self, command: SignUpCommand, ip: str | None = None) -> SignedIn:
        self._limit_ip(ip)
        with self.storage.unit_of_work() as uow:
            taken = uow.users.get_by_email(command.email) is not None
        if taken:
            raise Invalid({"email": [EMAIL_TAKEN]})
        password_hash = self.hasher.hash(command.password)  # slow: outside the transaction
        now = self.clock.now()
        user = User(
            id=self.ids.new(),
            name=command.name,
            email=command.email,
            image_url=None,
            created_at=now,
            updated_at=now,
        )
        session, token = self._new_session(user.id)
        with self.storage.unit_of_work(write=True) as uow:
            try:
                uow.users.add(user, password_hash)
            except EmailAlreadyRegistered:
                raise Invalid({"email": [EMAIL_TAKEN]}) from None
            uow.sessions.add(session)
            uow.commit()
        return SignedIn(user, token)


class SignIn(_SessionOpener):
    """Check an email and password and open a session. Limited per client IP
    (unless ``ip`` is None) and per email; every mismatch, whether of the
    email or the password, says only ``INVALID_CREDENTIALS``."""

    action = "sign-in"

    def __init__(
        self,
        storage: Storage,
        hasher: PasswordHasher,
        tokens: Tokens,
        clock: Clock,
        ids: Ids,
        limiter: RateLimiter,
        *,
        session_lifetime: timedelta = SESSION_LIFETIME,
        per_ip: Bucket = SIGN_IN_PER_IP,
        per_email: Bucket = SIGN_IN_PER_EMAIL,
    ) -> None:
        super().__init__(storage, hasher, tokens, clock, ids, limiter, session_lifetime, per_ip)
        self.per_email = per_email
        # Verified against when the email is unknown, so that the answer takes
        # as long as for a wrong password.
        self._dummy_hash = hasher.hash(secrets.token_urlsafe(16))

    def __call__(self, command: SignInCommand, ip: str | None = None) -> SignedIn:
        self._limit_ip(ip)
        # Keyed digest: the limiter's backend never holds the plain address.
        charge(self.limiter, f"sign-in:email:{self.tokens.digest(command.email)}", self.per_email)
        with self.storage.unit_of_work() as uow:
            credentials = uow.users.credentials(command.email)
        if credentials is None:
            self.hasher.verify(self._dummy_hash, command.password)
            raise NotAuthenticated(INVALID_CREDENTIALS)
        if not self.hasher.verify(credentials.password_hash, command.password):
            raise NotAuthenticated(INVALID_CREDENTIALS)
        rehashed = (
            self.hasher.hash(command.password)
            if self.hasher.needs_rehash(credentials.password_hash)
            else None
        )
        session, token = self._new_session(credentials.user_id)
        with self.storage.unit_of_work(write=True) as uow:
            user = uow.users.get(credentials.user_id)
            if user is None:  # deleted since the password was checked
                raise NotAuthenticated(INVALID_CREDENTIALS)
            if rehashed is not None:
                uow.users.set_password_hash(user.id, rehashed)
            uow.sessions.add(session)
            uow.commit()
        return SignedIn(user, token)


class SignOut:
    """Revoke the session a token opened; an unknown or spent token is a no-op."""

    def __init__(self, storage: Storage, tokens: Tokens, clock: Clock, cache: TagCache) -> None:
        self.storage = storage
        self.tokens = tokens
        self.clock = clock
        self.cache = cache

    def __call__(self, token: str) -> None:
        if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
            return
        digest = self.tokens.digest(token)
        with self.storage.unit_of_work(write=True) as uow:
            session = uow.sessions.by_digest(digest)
            if session is None or session.revoked_at is not None:
                return
            uow.sessions.revoke(session.id, self.clock.now())
            uow.commit()
        self.cache.invalidate(session_tags(digest))
