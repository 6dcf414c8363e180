"""A circuit breaker, so that a backend that is down costs microseconds, not a
timeout per call: after a failure the breaker opens for a cool-down, during
which calls fail at once; then one call at a time may try again, and the
first success closes it.

``BreakerConnection`` puts one in front of every Redis command of the
process (connecting, sending, reading)."""

from __future__ import annotations

import threading
import time
from typing import Any

import redis

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


class BreakerConnection(redis.Connection):
    """A Redis connection that consults the process's breaker: while it is
    open every command fails at once with ``redis.ConnectionError``; a
    connection or timeout error opens it."""

    breaker = CircuitBreaker()

    def _guarded(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.breaker.allow():
            self.disconnect()
            raise redis.ConnectionError("Redis is unavailable (circuit open)")
        try:
            result = call(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            self.breaker.failed()
            raise
        return result

    def connect(self) -> None:
        self._guarded(super().connect)

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        self._guarded(super().send_packed_command, command, check_health)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        response = self._guarded(super().read_response, *args, **kwargs)
        self.breaker.succeeded()
        return response
