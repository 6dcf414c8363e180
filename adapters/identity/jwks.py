"""Signing keys for session tokens: one PEM public key given offline, or the
keys of a JWKS URL, fetched on demand and cached.

The JWKS is fetched when a token names a key not in the cache (a rotation)
and when the cache is older than ``max_age``; but at most once per
``refetch_every`` seconds, so a stream of tokens naming made-up keys cannot
make darasa hammer the JWKS server. A failed fetch keeps the keys it had.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from core.ports import Clock

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

KEYS_MAX = 16
JWKS_MAX_BYTES = 64 * 1024
KID_MAX = 128


def rsa_public_key(pem: str) -> RSAPublicKey:
    """The RSA public key of a PEM text (``\\n`` written out as two
    characters, as in a one-line environment variable, is read as a line
    break). Raises ValueError."""
    text = pem.strip().replace("\\n", "\n")
    try:
        key = load_pem_public_key(text.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ValueError(f"not a PEM public key ({error})") from None
    if isinstance(key, RSAPublicKey):
        return key
    raise ValueError("not an RSA public key")


class StaticKey:
    """One key, whatever key id a token names (Clerk's ``CLERK_JWT_KEY``)."""

    def __init__(self, key: RSAPublicKey) -> None:
        self._key = key

    def key_for(self, kid: str | None) -> RSAPublicKey | None:
        return self._key


class JwksKeys:
    """The RSA signing keys of a JWKS URL, by key id."""

    def __init__(
        self,
        url: str,
        clock: Clock,
        *,
        timeout: float = 3.0,
        max_age: float = 3600.0,
        refetch_every: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        self._url = url
        self._clock = clock
        self._max_age = max_age
        self._refetch_every = refetch_every
        import httpx  # imported on Clerk only, not at start-up

        self._http = (
            http if http is not None else httpx.Client(timeout=httpx.Timeout(timeout))
        )
        self._keys: dict[str, RSAPublicKey] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str | None) -> RSAPublicKey | None:
        if not isinstance(kid, str) or not 0 < len(kid) <= KID_MAX:
            return None
        with self._lock:
            now = self._clock.monotonic()
            fresh = (
                self._fetched_at is not None and now - self._fetched_at < self._max_age
            )
            if kid in self._keys and fresh:
                return self._keys[kid]
            if self._tried_at is None or now - self._tried_at >= self._refetch_every:
                self._tried_at = now
                keys = self._fetch()
                if keys is not None:
                    self._keys, self._fetched_at = keys, now
            return self._keys.get(kid)

    def _fetch(self) -> dict[str, RSAPublicKey] | None:
        import httpx

        try:
            with self._http.stream(
                "GET", self._url, headers={"Accept": "application/json"}
            ) as response:
                if response.status_code != 200:
                    log.warning("JWKS %s answered %s", self._url, response.status_code)
                    return None
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > JWKS_MAX_BYTES:
                        log.warning(
                            "JWKS %s is larger than %s bytes", self._url, JWKS_MAX_BYTES
                        )
                        return None
            document = json.loads(body)
        except (httpx.HTTPError, ValueError, RecursionError) as error:
            log.warning("JWKS %s unavailable: %s", self._url, error)
            return None
        found = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(found, list):
            log.warning("JWKS %s has no keys", self._url)
            return None
        keys: dict[str, RSAPublicKey] = {}
        for jwk in found[:KEYS_MAX]:
            kid, key = _signing_key(jwk)
            if kid is not None and key is not None:
                keys[kid] = key
        return keys


def _signing_key(jwk: object) -> tuple[str | None, RSAPublicKey | None]:
    """An RS256 signing key of a JWKS, or (None, None) for any other entry."""
    import jwt

    if (
        not isinstance(jwk, dict)
        or jwk.get("kty") != "RSA"
        or jwk.get("use", "sig") != "sig"
    ):
        return None, None
    kid = jwk.get("kid")
    if (
        not isinstance(kid, str)
        or not 0 < len(kid) <= KID_MAX
        or jwk.get("alg", "RS256") != "RS256"
    ):
        return None, None
    try:
        key = jwt.PyJWK.from_dict(jwk, algorithm="RS256").key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None, None
    return (kid, key) if isinstance(key, RSAPublicKey) else (None, None)
