"""The in-process tag cache, for a single-process app and for tests.

Each tag has a version; an entry remembers the versions its tags had when its
value was read, before loading, and is served only while they are unchanged.
Invalidating bumps the versions, so an entry loaded before a write can never
be served after it, even if it is stored after the write.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class MemoryTagCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._versions: dict[str, int] = {}
        self._entries: OrderedDict[str, tuple[tuple[int, ...], tuple[str, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def _current(self, tags: Sequence[str]) -> tuple[int, ...]:
        return tuple(self._versions.get(tag, 0) for tag in tags)

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T]) -> T:
        tags = tuple(tags)
        with self._lock:
            versions = self._current(tags)
            entry = self._entries.get(key)
            if entry is not None and entry[0] == versions and entry[1] == tags:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[2]
            self.misses += 1
        value = load()
        with self._lock:
            self._entries[key] = (versions, tags, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return value

    def invalidate(self, tags: Iterable[str]) -> None:
        with self._lock:
            for tag in tags:
                self._versions[tag] = self._versions.get(tag, 0) + 1


class NoCache:
    """Caches nothing: for several processes sharing no cache backend, where
    a per-process cache could serve a value another process has replaced."""

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T]) -> T:
        return load()

    def invalidate(self, tags: Iterable[str]) -> None:
        return None
