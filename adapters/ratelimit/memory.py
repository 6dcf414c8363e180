"""In-process rate limiters: the state lives in a dict behind a lock, so the
limits hold across the threads of one process (and no further).

Entries that no longer matter (a bucket that has refilled, a window two
windows old) are swept out as the dict grows, so memory stays bounded by the
keys active recently.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from adapters.ratelimit import arithmetic
from adapters.ratelimit.arithmetic import BucketState, WindowState
from core.domain import Bucket, Decision
from core.ports import Clock

S = TypeVar("S")

_FIRST_SWEEP = 1024


class _Expiring(Generic[S]):
    """A dict of states, each with the time after which it can be forgotten.
    Not thread-safe: the limiters hold their lock around it."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[S, float]] = {}
        self._sweep_at = _FIRST_SWEEP

    def get(self, key: str) -> S | None:
        entry = self._entries.get(key)
        return None if entry is None else entry[0]

    def put(self, key: str, state: S, forget_after: float, now: float) -> None:
        self._entries[key] = (state, forget_after)
        if len(self._entries) >= self._sweep_at:
            self._entries = {k: e for k, e in self._entries.items() if e[1] > now}
            self._sweep_at = max(_FIRST_SWEEP, 2 * len(self._entries))


class MemoryRateLimiter:
    """Token buckets for one process, timed by ``clock.monotonic()``."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: _Expiring[BucketState] = _Expiring()

    def consume(self, key: str, bucket: Bucket, tokens: float = 1) -> Decision:
        arithmetic.check_bucket(bucket, tokens)
        with self._lock:
            now = self._clock.monotonic()
            decision, state = arithmetic.take(self._buckets.get(key), bucket, tokens, now)
            if state is not None:
                full_in = arithmetic.seconds_to_full(state, bucket, now)
                self._buckets.put(key, state, now + full_in, now)
            return decision


class MemoryWindowLimiter:
    """Sliding-window counters for one process, timed by ``clock.monotonic()``."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: _Expiring[WindowState] = _Expiring()

    def hit(self, key: str, limit: int, window: float) -> Decision:
        arithmetic.check_window(limit, window)
        with self._lock:
            now = self._clock.monotonic()
            decision, state = arithmetic.hit(self._windows.get(key), limit, window, now)
            if state is not None:
                self._windows.put(key, state, arithmetic.window_expiry(state, window), now)
            return decision
