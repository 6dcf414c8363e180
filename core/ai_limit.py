"""The per-user token bucket in front of every AI action, on top of the
plan: each action has its own bucket per user (key
``ai:<action>:<user id>``), charged only once the call is otherwise
acceptable."""

from __future__ import annotations

from core.ports import Bucket, RateLimiter
from core.rate_limit import charge

AI_BUCKET = Bucket(capacity=20, refill=20, interval=3600)
"""Per user and action: 20 at once, then 20 an hour (``AI_RATE_LIMIT``)."""


def charge_ai(limiter: RateLimiter, bucket: Bucket | None, action: str, user_id: str) -> None:
    """Take one token from the user's bucket for ``action``, or raise
    ``RateLimited``. ``bucket=None`` means the limit is off."""
    if bucket is None:
        return
    charge(limiter, f"ai:{action}:{user_id}", bucket)
