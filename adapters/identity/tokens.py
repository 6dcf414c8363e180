"""Session tokens: random for the client, an HMAC digest for storage."""

from __future__ import annotations

import hashlib
import hmac
import secrets


class KeyedTokens:
    """``new()`` hands out 32 random bytes, URL-safe; ``digest()`` is
    HMAC-SHA256 under the application's secret key, hex. Without the key a
    stolen digest cannot be turned back into, or matched with, a token."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("KeyedTokens needs a non-empty secret key")
        self._key = secret_key.encode("utf-8")

    def new(self) -> str:
        return secrets.token_urlsafe(32)

    def digest(self, token: str) -> str:
        data = token.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()
