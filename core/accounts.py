"""Local accounts: sign up, sign in and sign out with an email and a password.

Passwords are kept only as hashes and session tokens only as keyed digests,
so a leaked database holds neither. Sign-in attempts are throttled per
(email, client address), per address, and under a loose per-email ceiling
(the numbers are by the buckets below), and a wrong password and an unknown
email get the same answer after comparable work.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from attrs import Attribute, field

from core.domain import Bucket, Session, User
from core.errors import EmailAlreadyRegistered, Invalid, NotAuthenticated
from core.pipeline import Action, Context
from core.ports import Clock, Ids, PasswordHasher, PasswordStrength, Storage, Tokens
from core.rate_limit import ActionLimiter
from core.records import frozen
from core.validation import Validator, text

EMAIL_MAX = 320
NAME_MAX = 200
PASSWORD_MIN = 8
PASSWORD_MAX = 256
"""Passwords are capped: hashing megabytes with argon2 would be a cheap DoS."""
TOKEN_MAX = 256
"""Longer presented tokens are not ours and are not even digested."""

SESSION_LIFETIME = timedelta(days=30)
SIGN_IN_PER_EMAIL_IP = Bucket(capacity=10, refill=10, interval=15 * 60)
"""One address guessing one account: 10 attempts, then 10 more per 15 minutes."""
SIGN_IN_PER_IP = Bucket(capacity=30, refill=30, interval=15 * 60)
"""One address guessing any accounts: 30, then 30 more per 15 minutes."""
SIGN_IN_PER_EMAIL = Bucket(capacity=100, refill=100, interval=60 * 60)
"""The ceiling on one account from all addresses together: 100, then 100 an
hour. It only slows a guesser spread over 20 or more addresses (at most
about 2,400 guesses a day); what any one address does never reaches it, so
wrong passwords sent from elsewhere do not lock the owner out."""
SIGN_UP_PER_IP = Bucket(capacity=10, refill=10, interval=60 * 60)
"""The settings' ``sign_in_per_email_ip``, ``sign_in_per_ip``,
``sign_in_per_email`` and ``sign_up_per_ip`` buckets."""

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


def password_length(min_length: int) -> Validator:
    """A password as typed: never trimmed, at least ``min_length`` and at
    most ``PASSWORD_MAX`` characters."""

    def check(_instance: Any, _attribute: Attribute[Any], value: str) -> None:
        if not value:
            raise ValueError("Required")
        if len(value) < min_length:
            raise ValueError(f"Must be at least {min_length} characters")
        if len(value) > PASSWORD_MAX:
            raise ValueError(f"Must be at most {PASSWORD_MAX} characters")
        if "\x00" in value:
            raise ValueError("Must not contain NUL characters")
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


@frozen
class SignOutCommand:
    """signOut takes nothing: it ends the session the caller presented."""


# --- use cases --------------------------------------------------------------


def _positive(_instance: Any, _attribute: Attribute[Any], value: timedelta) -> None:
    if value <= timedelta(0):
        raise ValueError("session_lifetime must be positive")


def new_session(
    tokens: Tokens, clock: Clock, ids: Ids, user_id: str, lifetime: timedelta, client_ip: str | None = None
) -> tuple[Session, str]:
    """A session for the user and the token that opens it (only its digest
    is stored), remembering the address it was opened from (as a digest)."""
    token = tokens.new()
    now = clock.now()
    session = Session(
        id=ids.new(),
        user_id=user_id,
        token_digest=tokens.digest(token),
        created_at=now,
        expires_at=now + lifetime,
        address_digest=address_digest(tokens, user_id, client_ip),
    )
    return session, token


def address_digest(tokens: Tokens, user_id: str, client_ip: str | None) -> str | None:
    """The keyed digest of a user and an address: no address is stored."""
    return None if client_ip is None else tokens.digest(f"address\n{user_id}\n{client_ip}")


@frozen(kw_only=True)
class SignUp:
    """Create a local account and sign it in. The password must be strong
    enough (``password_strength``; the same rule for ``darasa users create``,
    which calls this action). Limited per client address (none, as from the
    CLI, is not limited)."""

    storage: Storage
    password_hasher: PasswordHasher
    password_strength: PasswordStrength
    tokens: Tokens
    clock: Clock
    ids: Ids
    limiter: ActionLimiter
    session_lifetime: timedelta = field(validator=_positive)

    def __call__(self, context: Context, command: SignUpCommand) -> SignedIn:
        weaknesses = self.password_strength.weaknesses(command.password, [command.email, command.name])
        if weaknesses:
            raise Invalid({"password": weaknesses})
        if context.client_ip is not None:
            self.limiter.charge(context.client_ip, per="ip")
        with self.storage.unit_of_work() as uow:
            taken = uow.users.get_by_email(command.email) is not None
        if taken:
            raise Invalid({"email": [EMAIL_TAKEN]})
        password_hash = self.password_hasher.hash(command.password)  # slow: outside the transaction
        now = self.clock.now()
        user = User(
            id=self.ids.new(),
            name=command.name,
            email=command.email,
            image_url=None,
            created_at=now,
            updated_at=now,
        )
        session, token = new_session(
            self.tokens, self.clock, self.ids, user.id, self.session_lifetime, context.client_ip
        )
        with self.storage.unit_of_work(write=True) as uow:
            try:
                uow.users.add(user, password_hash)
            except EmailAlreadyRegistered:
                raise Invalid({"email": [EMAIL_TAKEN]}) from None
            uow.sessions.add(session)
            uow.commit()
        return SignedIn(user, token)


@frozen(kw_only=True)
class SignIn:
    """Check an email and password and open a session. Limited per client
    address (unless there is none) and per email; every mismatch, whether of
    the email or the password, says only ``INVALID_CREDENTIALS``."""

    storage: Storage
    password_hasher: PasswordHasher
    tokens: Tokens
    clock: Clock
    ids: Ids
    limiter: ActionLimiter
    session_lifetime: timedelta = field(validator=_positive)
    _dummy: list[str] = field(init=False, factory=list)

    def _dummy_hash(self) -> str:
        """Verified against when the email is unknown, so that the answer
        takes as long as for a wrong password; made on first use."""
        if not self._dummy:
            self._dummy.append(self.password_hasher.hash(secrets.token_urlsafe(16)))
        return self._dummy[0]

    def __call__(self, context: Context, command: SignInCommand) -> SignedIn:
        # Keyed digests: the limiter's backend never holds the plain email.
        ip = context.client_ip
        if ip is not None:
            self.limiter.charge(self.tokens.digest(f"{command.email}\n{ip}"), per="email_ip")
            self.limiter.charge(ip, per="ip")
        with self.storage.unit_of_work() as uow:
            credentials = uow.users.credentials(command.email)
            known = credentials is not None and ip is not None and uow.sessions.opened_from(
                credentials.user_id, address_digest(self.tokens, credentials.user_id, ip) or "")
        if not known:  # the owner's own addresses are spared the per-email ceiling
            self.limiter.charge(self.tokens.digest(command.email), per="email")
        hasher = self.password_hasher
        if credentials is None:
            hasher.verify(self._dummy_hash(), command.password)
            raise NotAuthenticated(INVALID_CREDENTIALS)
        if not hasher.verify(credentials.password_hash, command.password):
            raise NotAuthenticated(INVALID_CREDENTIALS)
        rehashed = (
            hasher.hash(command.password) if hasher.needs_rehash(credentials.password_hash) else None
        )
        session, token = new_session(
            self.tokens, self.clock, self.ids, credentials.user_id, self.session_lifetime, ip
        )
        with self.storage.unit_of_work(write=True) as uow:
            user = uow.users.get(credentials.user_id)
            if user is None:  # deleted since the password was checked
                raise NotAuthenticated(INVALID_CREDENTIALS)
            if rehashed is not None:
                uow.users.set_password_hash(user.id, rehashed)
            uow.sessions.add(session)
            uow.commit()
        return SignedIn(user, token)


@frozen(kw_only=True)
class SignOut:
    """Revoke the session the caller presented; nobody, or a session already
    revoked, is a no-op."""

    storage: Storage
    clock: Clock

    def __call__(self, context: Context, _: SignOutCommand) -> None:
        actor = context.actor
        if actor is None or actor.session_id is None:
            return
        with self.storage.unit_of_work(write=True) as uow:
            session = uow.sessions.get(actor.session_id)
            if session is None or session.revoked_at is not None:
                return
            uow.sessions.revoke(session.id, self.clock.now())
            uow.commit()


actions: list[Action[Any, Any]] = [
    Action("signUp", SignUpCommand, SignedIn, SignUp, public=True,
           summary="Create a local account and sign in",
           buckets={"ip": "sign_up_per_ip"}),
    Action("signIn", SignInCommand, SignedIn, SignIn, public=True,
           summary="Sign in with email and password",
           buckets={"email_ip": "sign_in_per_email_ip", "ip": "sign_in_per_ip",
                    "email": "sign_in_per_email"}),
    Action("signOut", SignOutCommand, None, SignOut, public=True,
           summary="Revoke the current session"),
]
"""The public actions of local accounts."""
