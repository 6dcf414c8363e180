"""The tag cache for several processes: tag versions live in Redis, values in
each process.

A read asks Redis for the versions of its tags (one MGET) and serves the local
entry only if they are the ones it was loaded under; a write gives the tags
a new version (one MSET: one command however many tags, where a pipeline of
INCRs cost a fifth more of the client's CPU), so an invalidation in any
process is seen by every other at once. A version is this process's random
prefix and a count (``Versions``): unique, and no system call per write
(``os.urandom`` let go of the GIL on every write, which under four threads
cost about 3% of a write's throughput through Redis: ``benchmarks/compare.py``).
An epoch key guards against Redis losing its data: if the epoch changes,
every local entry is stale.

While Redis cannot be reached, reads go to the storage (nothing is served
from local copies) and a process drops its local copies. A write whose
invalidation could not be delivered has still committed, so it is not
answered as failed: the process instead owes the cluster a new epoch, and
changes it at its first contact with Redis, before serving anything from the
cache again, which makes every process's copies stale at once. Local copies
also expire after ``max_age`` seconds, which bounds what a process that
missed the outage could serve before that new epoch arrives. Local copies are
bounded in number, in bytes in all and in bytes per user
(``adapters.cache.entries``).
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import redis

from adapters.cache.entries import MAX_BYTES, MAX_BYTES_PER_OWNER, MAX_ENTRIES, SizedEntries

T = TypeVar("T")
log = logging.getLogger(__name__)


class Versions:
    """Tag versions that no write anywhere has given: 8 random bytes drawn
    when the process starts (again in a forked child, whose parent goes on
    counting from the same number), then a count."""

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        self._prefix = secrets.token_bytes(8)
        self._count = itertools.count()

    def next(self) -> bytes:
        return self._prefix + next(self._count).to_bytes(8, "big")


VERSIONS = Versions()
os.register_at_fork(after_in_child=VERSIONS.renew)


class RedisTagCache:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "darasa:cache",
        max_entries: int = MAX_ENTRIES,
        max_age: float = 60.0,
        max_bytes: int = MAX_BYTES,
        max_bytes_per_user: int = MAX_BYTES_PER_OWNER,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._epoch_key = f"{prefix}:epoch"
        self._entries = SizedEntries(max_entries, max_bytes, max_bytes_per_user)
        self._lock = threading.Lock()
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

    def kept_bytes(self, owner: str | None = None) -> int:
        """The estimated bytes kept here: in all, or for ``owner``'s reads."""
        with self._lock:
            return self._entries.bytes if owner is None else self._entries.owner_bytes(owner)

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T], *, owner: str | None = None) -> T:
        versions = self._versions(tags)
        if versions is None:
            return load()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0][0] == versions and now - entry[0][1] < self._max_age:
                value: T = entry[1]
                return value
        value = load()
        with self._lock:
            self._entries.put(key, (versions, now), value, owner)
        return value

    def invalidate(self, tags: Iterable[str]) -> None:
        keys = [self._tag_key(tag) for tag in tags]
        if not keys:
            return
        # one command, whatever the number of tags: a version no write has
        # given before (a read compares versions for equality only)
        version = VERSIONS.next()
        try:
            self._redis.execute_command("MSET", *[part for key in keys for part in (key, version)])
        except redis.RedisError as error:
            # The write has committed: it must not be answered as failed. Other
            # processes could serve what it replaced once Redis is back, so
            # this process renews the epoch at its first contact with Redis.
            log.error("cache invalidation undelivered, epoch to renew: %s", type(error).__name__)
            self._owes_new_epoch = True
            self._forget()
