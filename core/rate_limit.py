"""Charging a token bucket: the one step every rate-limited use case takes."""

from __future__ import annotations

from core.errors import RateLimited
from core.ports import Bucket, RateLimiter


def charge(limiter: RateLimiter, key: str, bucket: Bucket) -> None:
    """Take one token from ``bucket`` under ``key``, or raise ``RateLimited``
    with how long to wait."""
    decision = limiter.consume(key, bucket)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
