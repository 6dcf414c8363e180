"""The identity port for local accounts: a presented token is a session's
token if its digest names a live session of a user who still exists.

The lookup may be cached (it is on every request) by a cache that every
invalidation reaches (the process's own): sign-out invalidates the
session's tag and deleting a user invalidates every user's. The bootstrap
gives it no cache when the cache is shared through Redis, where an
invalidation can be lost in an outage: revocation never depends on it."""

from __future__ import annotations

from core.accounts import TOKEN_MAX
from core.cache_tags import session_tags
from core.domain import Actor, Session
from core.ports import Clock, Storage, TagCache, Tokens


class LocalIdentity:
    def __init__(self, storage: Storage, tokens: Tokens, clock: Clock, cache: TagCache) -> None:
        self._storage = storage
        self._tokens = tokens
        self._clock = clock
        self._cache = cache

    def authenticate(self, token: str) -> Actor | None:
        """The session's user, or None for anything else: an unknown, revoked
        or expired session, a deleted user, or a token that is not even
        shaped like one of ours."""
        if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
            return None
        if not token.isascii() or not token.isprintable():
            return None
        digest = self._tokens.digest(token)
        session = self._cache.get_or_load(
            f"session:{digest}", session_tags(digest), lambda: self._live_session(digest)
        )
        if session is None or session.expires_at <= self._clock.now():
            return None
        return Actor(session.user_id, session_id=session.id)

    def _live_session(self, digest: str) -> Session | None:
        with self._storage.unit_of_work() as uow:
            return uow.sessions.live_by_digest(digest)
