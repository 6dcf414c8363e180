"""The Clerk adapters built from ``ClerkSettings``; each is None when the
deployment is not on Clerk (the webhook route then answers 404)."""

from __future__ import annotations

from adapters.identity.clerk import ClerkTokens
from adapters.identity.clerk_users import ClerkBackend, ClerkWebhooks
from adapters.identity.jwks import JwksKeys, StaticKey
from core.ports import Clock
from entrypoints.clerk_settings import ClerkSettings


def clerk_tokens(settings: ClerkSettings, clock: Clock) -> ClerkTokens:
    if settings.jwt_key is not None:
        keys: StaticKey | JwksKeys = StaticKey(settings.jwt_key)
    else:
        assert settings.jwks_url is not None  # ClerkSettings requires one of them
        keys = JwksKeys(settings.jwks_url, clock)
    return ClerkTokens(keys, settings.authorized_parties)


def clerk_backend(settings: ClerkSettings | None) -> ClerkBackend | None:
    if settings is None or settings.secret_key is None:
        return None
    return ClerkBackend(settings.secret_key, settings.api_url)


def clerk_webhooks(settings: ClerkSettings | None) -> ClerkWebhooks | None:
    if settings is None or settings.webhook_signing_secret is None:
        return None
    return ClerkWebhooks(settings.webhook_signing_secret)
