"""The identity port on Clerk session tokens.

A token (from ``Authorization: Bearer`` or Clerk's ``__session`` cookie) is
a JWT signed RS256 by the Clerk instance, verified offline with its PEM key
or with the keys of its JWKS URL: ``exp`` and ``nbf`` with a few seconds'
leeway, ``azp`` against the authorized parties when they are configured (and
then required), and a session whose ``sts`` is anything but active (Clerk's
"pending") is not signed in. Any failure is nobody, never an exception.

The user the token names is created on first use if no webhook has brought
them yet (``core.user_sync.EnsureUser``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from adapters.identity.clerk_claims import user_features, user_plan
from core.domain import Actor
from core.records import frozen
from core.user_sync import EnsureUser, Profile, display_name

log = logging.getLogger(__name__)

SESSION_COOKIE = "__session"
TOKEN_MAX = 8192
LEEWAY_SECONDS = 5
_USER_ID = re.compile(r"[A-Za-z0-9_\-]{1,36}")


class SigningKeys(Protocol):
    def key_for(self, kid: str | None) -> RSAPublicKey | None: ...


@frozen
class ClerkSession:
    """What a verified session token says: the user, their plan and
    features (``pla``, ``fea``), and their profile when the token's template
    carries an email."""

    user_id: str
    plan: str | None
    features: frozenset[str]
    profile: Profile | None


def authorized_parties(setting: str | None) -> frozenset[str]:
    """``CLERK_AUTHORIZED_PARTIES``: comma-separated origins."""
    if not setting:
        return frozenset()
    return frozenset(p.strip().rstrip("/") for p in setting.split(",") if p.strip())


class ClerkTokens:
    def __init__(self, keys: SigningKeys, parties: Iterable[str] = ()) -> None:
        self._keys = keys
        self._parties = frozenset(parties)

    def verify(self, token: str) -> ClerkSession | None:
        if (
            not isinstance(token, str)
            or not 0 < len(token) <= TOKEN_MAX
            or not token.isascii()
        ):
            return None
        import jwt  # PyJWT: imported on Clerk's first token, not at start-up

        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                return None
            key = self._keys.key_for(header.get("kid"))
            if key is None:
                return None
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub"], "verify_aud": False},
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            return None
        return self._session(claims)

    def _session(self, claims: dict[str, Any]) -> ClerkSession | None:
        sub = claims.get("sub")
        if not isinstance(sub, str) or not _USER_ID.fullmatch(sub):
            return None
        if claims.get("sts", "active") != "active":
            return None
        azp = claims.get("azp")
        if self._parties and (not isinstance(azp, str) or azp not in self._parties):
            return None
        return ClerkSession(
            user_id=sub,
            plan=user_plan(claims.get("pla")),
            features=user_features(claims.get("fea")),
            profile=_profile_of(sub, claims),
        )


def _profile_of(user_id: str, claims: dict[str, Any]) -> Profile | None:
    """The profile a custom session token template carries (``email``,
    ``name``, ``image_url``), if it does."""
    email, name, image = (
        claims.get("email"),
        claims.get("name"),
        claims.get("image_url"),
    )
    if not isinstance(email, str):
        return None
    try:
        return Profile(
            id=user_id,
            email=email,
            name=display_name(name),
            image_url=image if isinstance(image, str) and image else None,
        )
    except ValueError:
        return None


class ClerkIdentity:
    """Signed in: a valid session token of a user who exists, or could be
    created on first use. The actor carries the token's plan and features
    for the plans port (``PLANS=clerk``)."""

    def __init__(self, tokens: ClerkTokens, ensure_user: EnsureUser) -> None:
        self._tokens = tokens
        self._ensure_user = ensure_user

    def authenticate(self, token: str) -> Actor | None:
        session = self._tokens.verify(token)
        if session is None:
            return None
        if not self._ensure_user(session.user_id, session.profile):
            log.warning("signed-in Clerk user %s could not be created", session.user_id)
            return None
        return Actor(session.user_id, plan=session.plan, features=session.features)
