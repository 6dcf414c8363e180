"""The per-user token bucket in front of every AI action, on top of the
plan: each action has its own bucket per user (key
``ai:<action>:<user id>``), charged only once the call is otherwise
acceptable."""

from __future__ import annotations

from core.ports import Bucket, Clock, Coach, Ids, RateLimiter, Storage, TagCache
from core.rate_limit import charge

AI_BUCKET = Bucket(capacity=20, refill=20, interval=3600)
"""Per user and action: 20 at once, then 20 an hour (``AI_RATE_LIMIT``)."""


class AiUseCase:
    """What every use case that asks the coach holds, and the charge of the
    caller's AI bucket that comes before asking."""

    def __init__(
        self,
        storage: Storage,
        cache: TagCache,
        clock: Clock,
        ids: Ids,
        limiter: RateLimiter,
        coach: Coach,
        bucket: Bucket | None = AI_BUCKET,
    ) -> None:
        self.storage = storage
        self.cache = cache
        self.clock = clock
        self.ids = ids
        self.limiter = limiter
        self.coach = coach
        self.bucket = bucket

    def charge_ai(self, action: str, user_id: str) -> None:
        """Take one token from the user's bucket for ``action``, or raise
        ``RateLimited``. ``bucket=None`` means the limit is off."""
        if self.bucket is None:
            return
        charge(self.limiter, f"ai:{action}:{user_id}", self.bucket)
