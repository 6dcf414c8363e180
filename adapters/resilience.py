"""A circuit breaker, so that a backend that is down costs microseconds, not a
timeout per call: after a failure the breaker opens for a cool-down, during
which calls fail at once. Then, given a ``trial`` (a quick check that the
backend answers), one caller runs it while the others still fail at once,
and its verdict closes the breaker or opens it for another cool-down;
without one, calls go through again and the first success closes it.

``adapters.redis_client.BreakerConnection`` puts one in front of every
Redis command of the process (connecting, sending, reading);
``adapters.db.bounds`` one in front of every PostgreSQL call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COOL_DOWN_SECONDS = 2.0


class CircuitBreaker:
    def __init__(self, cool_down: float = COOL_DOWN_SECONDS, trial: Callable[[], bool] | None = None) -> None:
        self._cool_down = cool_down
        self._trial = trial
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0.0: closed
        self._trying = False

    def allow(self) -> bool:
        """Whether a call may go to the backend now."""
        with self._lock:
            if self._open_until == 0.0:
                return True
            if time.monotonic() < self._open_until or self._trying:
                return False
            if self._trial is None:
                return True
            self._trying = True
        answered = False
        try:
            answered = self._trial()
        finally:
            with self._lock:
                self._trying = False
                self._open_until = 0.0 if answered else time.monotonic() + self._cool_down
        return answered

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self._cool_down

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = 0.0

