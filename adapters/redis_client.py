"""The process's Redis client, made only when REDIS_URL is set (importing
redis-py costs start-up time): short timeouts, so a Redis that is down or
frozen costs a quick 503, not a hung worker (redis-py waits forever by
default), and a circuit breaker in front of every command."""

from __future__ import annotations

from typing import Any

import redis

from adapters.resilience import CircuitBreaker

TIMEOUT_SECONDS = 0.5
"""Connecting to Redis and every command on it: half a second at most (they
take well under a millisecond)."""


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        connection_class=BreakerConnection,  # a dead Redis fails fast, not per timeout
    )


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
