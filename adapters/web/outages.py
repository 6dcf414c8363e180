"""What a backend outage looks like from the web edge: the exceptions that
mean "the database or Redis cannot be reached right now" (refused, reset,
timed out, pool exhausted), as opposed to a bug. The edge answers them with
``503 UNAVAILABLE`` and a ``Retry-After``, never the INTERNAL envelope, and
the per-IP limit lets requests through while its backend is away.

Redis's client is imported only when REDIS_URL is set, so its exceptions
join the list once it is: none of them can be raised before."""

from __future__ import annotations

import sys

import sqlalchemy.exc

RETRY_AFTER_SECONDS = 5

DATABASE_OUTAGES: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,  # connection refused or lost, server shutting down
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection in time
)


def outages() -> tuple[type[Exception], ...]:
    """The outage exceptions: the database's, and Redis's once its client is loaded."""
    redis = sys.modules.get("redis.exceptions")
    if redis is None:
        return DATABASE_OUTAGES
    return (
        redis.ConnectionError,  # refused, reset, DNS (TimeoutError is one too)
        redis.TimeoutError,
        redis.BusyLoadingError,
        *DATABASE_OUTAGES,
    )


def backend_of(error: BaseException) -> str:
    """Which backend an outage is of, for the log and the health answer."""
    redis = sys.modules.get("redis.exceptions")
    return "redis" if redis is not None and isinstance(error, redis.RedisError) else "database"
