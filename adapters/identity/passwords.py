"""Password hashing with argon2id (argon2-cffi), imported when the hasher
is first made (the first password hashed or checked), not at start-up."""

from __future__ import annotations


class Argon2PasswordHasher:
    """The ``PasswordHasher`` port over argon2-cffi. The defaults are RFC
    9106's low-memory profile (argon2-cffi's own default); a stored hash made
    with other parameters is reported by ``needs_rehash`` so sign-in can
    upgrade it."""

    def __init__(
        self,
        time_cost: int | None = None,
        memory_cost: int | None = None,
        parallelism: int | None = None,
    ) -> None:
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError
        from argon2.profiles import RFC_9106_LOW_MEMORY as DEFAULT

        self._hasher = PasswordHasher(
            time_cost=DEFAULT.time_cost if time_cost is None else time_cost,
            memory_cost=DEFAULT.memory_cost if memory_cost is None else memory_cost,
            parallelism=DEFAULT.parallelism if parallelism is None else parallelism,
        )
        self._unreadable = InvalidHashError
        self._refused = (VerificationError, InvalidHashError)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """False for a wrong password and for a stored hash argon2 cannot read."""
        try:
            return self._hasher.verify(password_hash, password)
        except self._refused:
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except self._unreadable:
            return True
