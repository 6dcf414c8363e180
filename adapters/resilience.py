"""A circuit breaker, so that a backend that is down costs microseconds, not a
timeout per call: after a failure the breaker opens for a cool-down, during
which calls fail at once; then one call at a time may try again, and the
first success closes it.

``adapters.redis_client.BreakerConnection`` puts one in front of every
Redis command of the process (connecting, sending, reading)."""

from __future__ import annotations

import threading
import time

COOL_DOWN_SECONDS = 2.0


class CircuitBreaker:
    def __init__(self, cool_down: float = COOL_DOWN_SECONDS) -> None:
        self._cool_down = cool_down
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._trying = False

    def allow(self) -> bool:
        """Whether a call may go to the backend now."""
        with self._lock:
            now = time.monotonic()
            if now >= self._open_until:
                return True
            return False

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self._cool_down

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        return not self.allow()
