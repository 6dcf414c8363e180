"""Charging a token bucket: the one step every rate-limited use case takes.

A use case that limits asks for a constructor parameter named ``limiter``
and gets an ``ActionLimiter`` bound to its action: the action's name and the
buckets its ``Action`` declares, by purpose. It then only says whose bucket
to charge (``self.limiter.charge(actor.user_id)``, or ``per="ip"``); the key
``<action>:<purpose>:<subject>`` is never written by hand.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.domain import Bucket
from core.errors import RateLimited
from core.ports import RateLimiter

AI_BUCKET = Bucket(capacity=20, refill=20, interval=3600)
"""Every AI action's bucket, per user and action: 20 at once, then 20 an
hour (the settings' ``ai`` bucket, ``AI_RATE_LIMIT``). Charged only once the
call is otherwise acceptable, on top of the plan."""


class ActionLimiter:
    """The rate limiter as one action sees it. A purpose whose bucket is
    ``None`` is not limited (``AI_RATE_LIMIT=off``)."""

    def __init__(self, limiter: RateLimiter, action: str, buckets: Mapping[str, Bucket | None]) -> None:
        self._limiter = limiter
        self._action = action
        self._buckets = dict(buckets)

    def charge(self, subject: str, *, per: str = "user") -> None:
        """Take one token from the bucket of ``subject`` (a user id, a client
        address, a digest of an email) for this action, or raise
        ``RateLimited`` with how long to wait."""
        if per not in self._buckets:
            raise LookupError(f"action {self._action!r} declares no bucket for {per!r}")
        bucket = self._buckets[per]
        if bucket is None:
            return
        decision = self._limiter.consume(f"{self._action}:{per}:{subject}", bucket)
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
