"""The Clerk deployment's settings (``IDENTITY=clerk``), parsed once at
start: a bad value stops the app with a message naming the variable. The
Clerk adapters (and cryptography) are imported only to parse them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attrs import field

from core.records import frozen

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

IDENTITIES = ("local", "clerk")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@frozen
class ClerkSettings:
    jwt_key: RSAPublicKey | None
    """``CLERK_JWT_KEY``: verify tokens offline with this key (preferred)."""
    jwks_url: str | None
    """``CLERK_JWKS_URL``: else with the keys published here."""
    authorized_parties: frozenset[str]
    webhook_signing_secret: str | None = field(repr=False)
    """Without it the webhook answers 404 and users arrive on first use only."""
    secret_key: str | None = field(repr=False)
    """For the Backend API, read on first use when the token has no email."""
    api_url: str = field(kw_only=True)
    sign_in_url: str = field(kw_only=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ClerkSettings:
        from adapters.identity.clerk import authorized_parties
        from adapters.identity.clerk_users import DEFAULT_API_URL

        jwt_key = _value(env, "CLERK_JWT_KEY")
        jwks_url = _url(env, "CLERK_JWKS_URL")
        if jwt_key is None and jwks_url is None:
            raise ValueError("IDENTITY=clerk needs CLERK_JWT_KEY (a PEM public key) or CLERK_JWKS_URL")
        sign_in_url = _value(env, "CLERK_SIGN_IN_URL")
        if sign_in_url is None:
            raise ValueError("IDENTITY=clerk needs CLERK_SIGN_IN_URL (where pages send a signed-out visitor)")
        if not sign_in_url.startswith(("https://", "http://", "/")):
            raise ValueError(f"CLERK_SIGN_IN_URL must be an http(s) URL or a path, not {sign_in_url!r}")
        return cls(
            jwt_key=_key(jwt_key),
            jwks_url=jwks_url,
            authorized_parties=authorized_parties(env.get("CLERK_AUTHORIZED_PARTIES")),
            webhook_signing_secret=_signing_secret(_value(env, "CLERK_WEBHOOK_SIGNING_SECRET")),
            secret_key=_value(env, "CLERK_SECRET_KEY"),
            api_url=_url(env, "CLERK_API_URL") or DEFAULT_API_URL,
            sign_in_url=sign_in_url,
        )


def identity_and_plans(env: Mapping[str, str]) -> tuple[str, str]:
    """``IDENTITY`` (default local) and ``PLANS`` (default: as IDENTITY)."""
    identity = env.get("IDENTITY") or "local"
    if identity not in IDENTITIES:
        raise ValueError(f"IDENTITY must be one of {', '.join(IDENTITIES)}, not {identity!r}")
    plans = env.get("PLANS") or identity
    if plans not in IDENTITIES:
        raise ValueError(f"PLANS must be one of {', '.join(IDENTITIES)}, not {plans!r}")
    if plans == "clerk" and identity != "clerk":
        raise ValueError("PLANS=clerk needs IDENTITY=clerk: the features come from its session tokens")
    return identity, plans


def _value(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _url(env: Mapping[str, str], name: str) -> str | None:
    """An https URL (http only to this machine: a key or a secret must not
    cross a network in the clear)."""
    value = _value(env, name)
    if value is None:
        return None
    parts = urlsplit(value)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise ValueError(f"{name} must be an https URL, not {value!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise ValueError(f"{name} must use https (http only for 127.0.0.1), not {value!r}")
    return value.rstrip("/")


def _key(pem: str | None) -> RSAPublicKey | None:
    if pem is None:
        return None
    from adapters.identity.jwks import rsa_public_key

    try:
        return rsa_public_key(pem)
    except ValueError as error:
        raise ValueError(f"CLERK_JWT_KEY: {error}") from None


def _signing_secret(secret: str | None) -> str | None:
    if secret is None:
        return None
    if not secret.startswith("whsec_"):
        raise ValueError("CLERK_WEBHOOK_SIGNING_SECRET must start with whsec_")
    from svix.webhooks import Webhook  # imported on Clerk only, not at start-up

    try:
        Webhook(secret)
    except Exception as error:  # noqa: BLE001 - the library's own errors (an empty secret) too
        raise ValueError(f"CLERK_WEBHOOK_SIGNING_SECRET is not a valid secret ({error})") from None
    return secret
