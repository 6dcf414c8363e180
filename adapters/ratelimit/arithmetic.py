"""The decision rules of the token bucket and the sliding-window counter, as
pure functions of the stored state and the time, shared by every backend.

The Redis adapter runs the same rules in Lua (it must decide inside one
script); ``adapters/ratelimit/redis.py`` mirrors these functions line for line
and the integration tests hold both to the same behaviour.

Times are seconds on any clock that the caller uses consistently. Two
floating-point details are settled here once:

* ``TOLERANCE``: a request that would be allowed within this many seconds is
  allowed now, so that a client waiting exactly ``retry_after`` (computed
  with rounding, or with a clock that has microsecond resolution) succeeds.
  The bucket then records the tokens as spent at the moment they accrue, so
  nothing is granted early: over any time ``t`` a bucket allows at most
  ``capacity + rate * (t + TOLERANCE)`` tokens.
* a clock that goes backwards adds nothing: the stored time never decreases
  and tokens accrue again only once the clock has passed it.
"""

from __future__ import annotations

import math

from core.domain import Bucket, Decision
from core.records import frozen

TOLERANCE = 1e-5
"""Seconds: how early a request may be that would be allowed after waiting."""


@frozen
class BucketState:
    """``tokens`` in the bucket as of ``stamp``; a missing state is a full bucket."""

    tokens: float
    stamp: float


@frozen
class WindowState:
    """Requests counted in the aligned window number ``index`` (it starts at
    ``index * window``) and in the one before it; a missing state is empty."""

    index: int
    current: int
    previous: int


def check_bucket(bucket: Bucket, tokens: float) -> None:
    """Reject a bucket or a request that has no sensible meaning."""
    if not bucket.capacity > 0 or not bucket.interval > 0 or not bucket.refill >= 0:
        raise ValueError(f"a bucket needs capacity > 0, interval > 0, refill >= 0: {bucket}")
    if not tokens >= 0 or math.isinf(tokens):
        raise ValueError(f"tokens must be a finite number >= 0, not {tokens}")


def check_window(limit: int, window: float) -> None:
    """Reject a window limit that has no sensible meaning."""
    if limit < 1 or not window > 0 or math.isinf(window):
        raise ValueError(f"a window limit needs limit >= 1 and 0 < window < inf: {limit}, {window}")


def rate_of(bucket: Bucket) -> float:
    """Tokens per second."""
    return bucket.refill / bucket.interval


def take(
    state: BucketState | None, bucket: Bucket, tokens: float, now: float
) -> tuple[Decision, BucketState | None]:
    """Decide whether ``tokens`` can be taken at ``now``.

    Returns the decision and the state to store, or ``None`` when the state
    need not change (a refused request takes nothing, and refilling is the
    same whether it is written now or computed later).
    """
    rate = rate_of(bucket)
    if state is None:
        level, stamp = bucket.capacity, now
    else:
        stamp = max(state.stamp, now)
        level = min(bucket.capacity, state.tokens + (stamp - state.stamp) * rate)
    if tokens <= level:
        left = level - tokens
        return Decision(True, 0.0, left), BucketState(left, stamp)
    if tokens > bucket.capacity or rate == 0:
        return Decision(False, math.inf, level), None
    ready = stamp + (tokens - level) / rate
    if ready > now + TOLERANCE:
        return Decision(False, ready - now, level), None
    # Allowed a hair early: the tokens count as spent the moment they accrue.
    return Decision(True, 0.0, 0.0), BucketState(0.0, ready)


def seconds_to_full(state: BucketState, bucket: Bucket, now: float) -> float:
    """How long until the bucket is full again (``inf`` if it never refills);
    from then on, forgetting the state changes nothing."""
    rate = rate_of(bucket)
    missing = bucket.capacity - state.tokens
    if missing <= 0:
        return max(0.0, state.stamp - now)
    if rate == 0:
        return math.inf
    return max(0.0, state.stamp - now) + missing / rate


def hit(
    state: WindowState | None, limit: int, window: float, now: float
) -> tuple[Decision, WindowState | None]:
    """Count one request at ``now`` with the sliding-window counter.

    The estimate of requests in the last ``window`` seconds is the count of
    the current aligned window plus the previous window's count weighted by
    how much of it the sliding window still covers. A request is allowed when
    the estimate leaves room for it; a refused request is not counted.

    What this guarantees (and no more): at most ``limit`` allowed requests in
    any aligned window, at most ``2 * limit - 1`` in any span of ``window``
    seconds, and ``limit`` requests in a row are allowed after two idle
    windows.
    """
    index = math.floor(now / window)
    current, previous = 0, 0
    if state is not None:
        if index <= state.index:  # same window, or the clock went back
            index, current, previous = state.index, state.current, state.previous
        elif index == state.index + 1:
            previous = state.current
    start = index * window
    # As the decision does, look TOLERANCE ahead, so that ``remaining`` is
    # exactly how many more requests would be allowed now.
    covered = 1.0 - min(1.0, max(0.0, (now + TOLERANCE - start) / window))
    estimate = previous * covered + current
    if current >= limit:
        ready = start + window * (2.0 - (limit - 1) / current)
    elif previous == 0:
        ready = -math.inf
    else:
        ready = start + window * max(0.0, 1.0 - (limit - 1 - current) / previous)
    if ready > now + TOLERANCE:
        return Decision(False, ready - now, _room(limit, estimate)), None
    return (
        Decision(True, 0.0, _room(limit, estimate + 1)),
        WindowState(index, current + 1, previous),
    )


def _room(limit: int, estimate: float) -> float:
    """How many more requests fit right now."""
    return float(max(0, math.floor(limit - estimate + 1e-9)))


def window_expiry(state: WindowState, window: float) -> float:
    """When the state stops mattering: two windows after its window began."""
    return (state.index + 2) * window
