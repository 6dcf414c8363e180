"""The tag cache for several processes: tag versions live in Redis, values in
each process.

A read asks Redis for the versions of its tags (one MGET) and serves the local
entry only if they are the ones it was loaded under; a write bumps the
versions (one pipelined round trip), so an invalidation in any process is
seen by every other at once. An epoch key guards against Redis losing its
data: if the epoch changes, every local entry is stale.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import redis

from core.errors import Unavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


class RedisTagCache:
    def __init__(self, client: redis.Redis, prefix: str = "darasa:cache", max_entries: int = 10_000) -> None:
        self._redis = client
        self._prefix = prefix
        self._epoch_key = f"{prefix}:epoch"
        self._entries: OrderedDict[str, tuple[tuple[Any, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def _tag_key(self, tag: str) -> str:
        return f"{self._prefix}:tag:{tag}"

    def _versions(self, tags: Sequence[str]) -> tuple[Any, ...] | None:
        """The epoch and the tags' versions, or None when they cannot be known."""
        try:
            found = self._redis.mget([self._epoch_key, *map(self._tag_key, tags)])
            if found[0] is None:
                self._redis.set(self._epoch_key, secrets.token_hex(8), nx=True)
                return None
        except redis.RedisError:
            log.warning("cache versions unavailable; reading through", exc_info=True)
            return None
        return (*found, *tags)

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T]) -> T:
        versions = self._versions(tags)
        if versions is None:
            return load()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == versions:
                self._entries.move_to_end(key)
                return entry[1]
        value = load()
        with self._lock:
            self._entries[key] = (versions, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value

    def invalidate(self, tags: Iterable[str]) -> None:
        keys = [self._tag_key(tag) for tag in tags]
        if not keys:
            return
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.incr(key)
                pipe.execute()
        except redis.RedisError as exc:
            # Other processes could go on serving what this write replaced.
            log.error("cache invalidation failed", exc_info=True)
            raise Unavailable() from exc
