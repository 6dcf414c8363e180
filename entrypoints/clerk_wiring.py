"""The Clerk adapters built from ``ClerkSettings``; each is None when the
deployment is not on Clerk (the webhook route then answers 404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.ports import Clock
from entrypoints.clerk_settings import ClerkSettings

if TYPE_CHECKING:  # PyJWT, httpx and svix: imported only on Clerk (start-up time)
    from adapters.identity.clerk import ClerkIdentity, ClerkTokens
    from adapters.identity.clerk_users import ClerkBackend, ClerkWebhooks
    from adapters.identity.jwks import JwksKeys, StaticKey
    from core.user_sync import EnsureUser


def clerk_identity(tokens: ClerkTokens, ensure_user: EnsureUser) -> ClerkIdentity:
    from adapters.identity.clerk import ClerkIdentity

    return ClerkIdentity(tokens, ensure_user)


def clerk_tokens(settings: ClerkSettings, clock: Clock) -> ClerkTokens:
    from adapters.identity.clerk import ClerkTokens
    from adapters.identity.jwks import JwksKeys, StaticKey

    if settings.jwt_key is not None:
        keys: StaticKey | JwksKeys = StaticKey(settings.jwt_key)
    else:
        assert settings.jwks_url is not None  # ClerkSettings requires one of them
        keys = JwksKeys(settings.jwks_url, clock)
    return ClerkTokens(keys, settings.authorized_parties)


def clerk_backend(settings: ClerkSettings | None) -> ClerkBackend | None:
    if settings is None or settings.secret_key is None:
        return None
    from adapters.identity.clerk_users import ClerkBackend

    return ClerkBackend(settings.secret_key, settings.api_url)


def clerk_webhooks(settings: ClerkSettings | None) -> ClerkWebhooks | None:
    if settings is None or settings.webhook_signing_secret is None:
        return None
    from adapters.identity.clerk_users import ClerkWebhooks

    return ClerkWebhooks(settings.webhook_signing_secret)
