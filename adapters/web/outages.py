"""What a backend outage looks like from the web edge: the exceptions that
mean "the database or Redis cannot be reached right now" (refused, reset,
timed out, pool exhausted), as opposed to a bug. The edge answers them with
``503 UNAVAILABLE`` and a ``Retry-After``, never the INTERNAL envelope, and
the per-IP limit lets requests through while its backend is away."""

from __future__ import annotations

import redis.exceptions
import sqlalchemy.exc

RETRY_AFTER_SECONDS = 5

OUTAGES: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,  # refused, reset, DNS (TimeoutError is one too)
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    sqlalchemy.exc.OperationalError,  # connection refused or lost, server shutting down
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection in time
)


def backend_of(error: BaseException) -> str:
    """Which backend an outage is of, for the log and the health answer."""
    return "redis" if isinstance(error, redis.exceptions.RedisError) else "database"
