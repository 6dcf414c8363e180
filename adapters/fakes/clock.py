"""A clock that moves only when told, and ids that count up: deterministic
stand-ins for the clock and ids ports."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self._now = start
        self._monotonic = 1_000.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a fake clock only moves forward")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._monotonic += seconds


class SequentialIds:
    """UUID-shaped ids from a counter, so tests can read them."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=next(self._counter)))
