"""The identity port for local accounts: a presented token is a session's
token if its digest names a live session of a user who still exists."""

from __future__ import annotations

from core.accounts import TOKEN_MAX
from core.domain import Actor
from core.ports import Clock, Storage, Tokens


class LocalIdentity:
    def __init__(self, storage: Storage, tokens: Tokens, clock: Clock) -> None:
        self._storage = storage
        self._tokens = tokens
        self._clock = clock

    def authenticate(self, token: str) -> Actor | None:
        """The session's user, or None for anything else: an unknown, revoked
        or expired session, a deleted user, or a token that is not even
        shaped like one of ours."""
        if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
            return None
        if not token.isascii() or not token.isprintable():
            return None
        digest = self._tokens.digest(token)
        with self._storage.unit_of_work() as uow:
            session = uow.sessions.by_digest(digest)
            if session is None or session.revoked_at is not None:
                return None
            if session.expires_at <= self._clock.now():
                return None
            if uow.users.get(session.user_id) is None:
                return None
        return Actor(session.user_id)
