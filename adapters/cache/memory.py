"""The in-process tag cache, for a single-process app and for tests.

Each tag has a version; an entry remembers the versions its tags had when its
value was read, before loading, and is served only while they are unchanged.
Invalidating bumps the versions, so an entry loaded before a write can never
be served after it, even if it is stored after the write. Entries are bounded
in number, in bytes in all and in bytes per user (``adapters.cache.entries``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from adapters.cache.entries import MAX_BYTES, MAX_BYTES_PER_OWNER, MAX_ENTRIES, SizedEntries

T = TypeVar("T")


class MemoryTagCache:
    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        max_bytes_per_user: int = MAX_BYTES_PER_OWNER,
    ) -> None:
        self._versions: dict[str, int] = {}
        self._entries = SizedEntries(max_entries, max_bytes, max_bytes_per_user)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _current(self, tags: Sequence[str]) -> tuple[int, ...]:
        return tuple(self._versions.get(tag, 0) for tag in tags)

    def entry_count(self) -> int:
        with self._lock:
            return len(self._entries)

    def kept_bytes(self, owner: str | None = None) -> int:
        """The estimated bytes kept: in all, or for ``owner``'s reads."""
        with self._lock:
            return self._entries.bytes if owner is None else self._entries.owner_bytes(owner)

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T], *, owner: str | None = None) -> T:
        tags = tuple(tags)
        with self._lock:
            versions = self._current(tags)
            entry = self._entries.get(key)
            if entry is not None and entry[0] == (versions, tags):
                self.hits += 1
                value: T = entry[1]
                return value
            self.misses += 1
        value = load()
        with self._lock:
            self._entries.put(key, (versions, tags), value, owner)
        return value

    def invalidate(self, tags: Iterable[str]) -> None:
        with self._lock:
            for tag in tags:
                self._versions[tag] = self._versions.get(tag, 0) + 1


class NoCache:
    """Caches nothing: for several processes sharing no cache backend, where
    a per-process cache could serve a value another process has replaced."""

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T], *, owner: str | None = None) -> T:
        return load()

    def invalidate(self, tags: Iterable[str]) -> None:
        return None
