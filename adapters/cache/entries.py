"""The values a process keeps for its tag cache, bounded three ways: in
number, in (estimated) bytes in all, and in bytes per owner (the user whose
call kept them), least recently used first out. A value larger than an
owner's share is not kept at all.

Sizes are estimates (``size_of``): the objects' own sizes, walked through
attrs instances, tuples, lists and dicts, which is what the cached reads
hold; the walk visits each object once and stops at ``SIZE_WALK_LIMIT``
objects (then the value counts as too large).
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from typing import Any, cast

import attrs

MAX_ENTRIES = 10_000
MAX_BYTES = 64 * 1024 * 1024
"""What one process keeps in all: 64 MiB."""
MAX_BYTES_PER_OWNER = 4 * 1024 * 1024
"""What one user's reads keep in one process: 4 MiB (a full list of
``MAX_JOB_INFOS`` long job infos fits)."""
SIZE_WALK_LIMIT = 100_000
NO_OWNER = ""


def size_of(value: object, limit: int = SIZE_WALK_LIMIT) -> int | None:
    """The estimated bytes ``value`` holds, or None past ``limit`` objects."""
    seen: set[int] = set()
    stack = [value]
    total = 0
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if len(seen) > limit:
            return None
        total += sys.getsizeof(item)
        if attrs.has(type(item)):
            stack.extend(getattr(item, f.name) for f in attrs.fields(cast(Any, type(item))))
        elif isinstance(item, tuple | list | set | frozenset):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
    return total


class SizedEntries:
    """Key -> (stamp, value), bounded; not thread-safe (the caches lock)."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        max_bytes_per_owner: int = MAX_BYTES_PER_OWNER,
    ) -> None:
        self._entries: OrderedDict[str, tuple[Any, Any, str, int]] = OrderedDict()
        self._owned: dict[str, OrderedDict[str, None]] = {}
        self._owner_bytes: dict[str, int] = {}
        self.bytes = 0
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._max_per_owner = max_bytes_per_owner

    def __len__(self) -> int:
        return len(self._entries)

    def owner_bytes(self, owner: str | None) -> int:
        return self._owner_bytes.get(owner or NO_OWNER, 0)

    def get(self, key: str) -> tuple[Any, Any] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        self._owned[entry[2]].move_to_end(key)
        return entry[0], entry[1]

    def put(self, key: str, stamp: Any, value: Any, owner: str | None) -> None:
        owner = owner or NO_OWNER
        self.discard(key)
        size = size_of((key, stamp, value))
        if size is None or size > self._max_per_owner or size > self._max_bytes:
            return
        self._entries[key] = (stamp, value, owner, size)
        self._owned.setdefault(owner, OrderedDict())[key] = None
        self._owner_bytes[owner] = self._owner_bytes.get(owner, 0) + size
        self.bytes += size
        while self._owner_bytes[owner] > self._max_per_owner:
            self.discard(next(iter(self._owned[owner])))
        while self.bytes > self._max_bytes or len(self._entries) > self._max_entries:
            self.discard(next(iter(self._entries)))

    def discard(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        owner, size = entry[2], entry[3]
        owned = self._owned[owner]
        del owned[key]
        self._owner_bytes[owner] -= size
        self.bytes -= size
        if not owned:
            del self._owned[owner], self._owner_bytes[owner]

    def clear(self) -> None:
        self._entries.clear()
        self._owned.clear()
        self._owner_bytes.clear()
        self.bytes = 0
