"""The tag cache for several processes: tag versions live in Redis, values in
each process.

A read asks Redis for the versions of its tags (one MGET) and serves the local
entry only if they are the ones it was loaded under; a write bumps the
versions (one pipelined round trip), so an invalidation in any process is
seen by every other at once. An epoch key guards against Redis losing its
data: if the epoch changes, every local entry is stale.

While Redis cannot be reached, reads go to the storage (nothing is served
from local copies) and a process drops its local copies. A write whose
invalidation could not be delivered has still committed, so it is not
answered as failed: the process instead owes the cluster a new epoch, and
changes it at its first contact with Redis, before serving anything from the
cache again, which makes every process's copies stale at once. Local copies
also expire after ``max_age`` seconds, which bounds what a process that
missed the outage could serve before that new epoch arrives.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import redis

T = TypeVar("T")
log = logging.getLogger(__name__)


class RedisTagCache:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "darasa:cache",
        max_entries: int = 10_000,
        max_age: float = 60.0,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._epoch_key = f"{prefix}:epoch"
        self._entries: OrderedDict[str, tuple[tuple[Any, ...], float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._max_age = max_age
        self._owes_new_epoch = False

    def _tag_key(self, tag: str) -> str:
        return f"{self._prefix}:tag:{tag}"

    def _versions(self, tags: Sequence[str]) -> tuple[Any, ...] | None:
        """The epoch and the tags' versions, or None when they cannot be known."""
        try:
            if self._owes_new_epoch:
                self._redis.set(self._epoch_key, secrets.token_hex(8))
                self._owes_new_epoch = False
                log.warning("cache epoch renewed after an undelivered invalidation")
            found = self._redis.mget([self._epoch_key, *map(self._tag_key, tags)])
            if found[0] is None:
                self._redis.set(self._epoch_key, secrets.token_hex(8), nx=True)
                return None
        except redis.RedisError as error:
            log.warning("cache versions unavailable; reading through: %s", type(error).__name__)
            self._forget()
            return None
        return (*found, *tags)

    def _forget(self) -> None:
        with self._lock:
            self._entries.clear()

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T]) -> T:
        versions = self._versions(tags)
        if versions is None:
            return load()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == versions and now - entry[1] < self._max_age:
                self._entries.move_to_end(key)
                return entry[2]
        value = load()
        with self._lock:
            self._entries[key] = (versions, now, value)
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
        except redis.RedisError as error:
            # The write has committed: it must not be answered as failed. Other
            # processes could serve what it replaced once Redis is back, so
            # this process renews the epoch at its first contact with Redis.
            log.error("cache invalidation undelivered, epoch to renew: %s", type(error).__name__)
            self._owes_new_epoch = True
            self._forget()
