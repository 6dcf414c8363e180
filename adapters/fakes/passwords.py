"""A fast password hasher for tests: salted SHA-256 behind a marker, real
enough that a wrong password fails and a hash never shows the password."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_MARKER = "fake-sha256"


class FakePasswordHasher:
    """``fake-sha256$v<version>$<salt>$<hex>``. Hashes made under an older
    ``version`` report ``needs_rehash``, so tests can drive the upgrade path.
    ``verifications`` counts ``verify`` calls (the work a sign-in did)."""

    def __init__(self, version: int = 1) -> None:
        self.version = version
        self.verifications = 0

    def hash(self, password: str) -> str:
        salt = secrets.token_hex(8)
        return f"{_MARKER}$v{self.version}${salt}${self._digest(salt, password)}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        parts = password_hash.split("$")
        if len(parts) != 4 or parts[0] != _MARKER:
            return False
        _, _, salt, expected = parts
        return hmac.compare_digest(expected, self._digest(salt, password))

    def needs_rehash(self, password_hash: str) -> bool:
        parts = password_hash.split("$")
        return len(parts) != 4 or parts[0] != _MARKER or parts[1] != f"v{self.version}"

    @staticmethod
    def _digest(salt: str, password: str) -> str:
        data = f"{salt}:{password}".encode("utf-8", "surrogatepass")
        return hashlib.sha256(data).hexdigest()
