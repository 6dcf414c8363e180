"""Properties of the in-process rate limiters (and so of the decision rules
every backend shares): the token bucket of the design's "Plans and limits",
checked against an exact model of its words, and the guarantees the
sliding-window counter really gives."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fakes import FakeClock
from adapters.ratelimit import arithmetic
from adapters.ratelimit.arithmetic import TOLERANCE, BucketState, WindowState
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from core.domain import Bucket
from tests.concurrently import at_once

INTERVIEWS = Bucket(capacity=12, refill=4, interval=86_400)
ROUNDING = Fraction(1, 10**9)
"""Relative slack for float token counts against exact arithmetic."""

buckets = st.builds(
    Bucket,
    capacity=st.integers(1, 20),
    refill=st.integers(0, 10),
    interval=st.sampled_from([0.25, 1.0, 60.0, 86_400.0]),
)


@st.composite
def bucket_runs(draw: st.DrawFn) -> tuple[Bucket, list[tuple[float, float, bool]]]:
    """A bucket and steps of (advance the clock, ask for n tokens, on refusal
    wait exactly retry_after and ask again)."""
    bucket = draw(buckets)
    n = st.one_of(
        st.integers(0, int(bucket.capacity) + 2).map(float),
        st.floats(0, bucket.capacity + 2, allow_nan=False),
    )
    advance = st.one_of(
        st.just(0.0),
        st.floats(0, 3 * bucket.interval, allow_nan=False, allow_subnormal=False),
    )
    steps = draw(st.lists(st.tuples(advance, n, st.booleans()), max_size=40))
    return bucket, steps


class Model:
    """The design in exact arithmetic: the bucket starts full, accrues
    refill/interval per second up to the capacity, allows a request when the
    tokens are there (or will be within TOLERANCE, then owing the rest), and a
    refused request takes nothing."""

    def __init__(self, bucket: Bucket) -> None:
        self.capacity = Fraction(bucket.capacity)
        self.rate = Fraction(bucket.refill) / Fraction(bucket.interval)
        self.level = self.capacity
        self.allowed = Fraction(0)

    def advance(self, seconds: float) -> None:
        self.level = min(self.capacity, self.level + self.rate * Fraction(seconds))

    def would_allow(self, n: float) -> bool:
        wanted = Fraction(n)
        return wanted <= self.capacity and self.level + self.rate * Fraction(TOLERANCE) >= wanted

    def take(self, n: float) -> None:
        self.level -= Fraction(n)
        self.allowed += Fraction(n)

    def borderline(self, n: float) -> bool:
        """Whether float rounding could tip the decision either way."""
        edge = self.level + self.rate * Fraction(TOLERANCE) - Fraction(n)
        return abs(edge) <= ROUNDING * max(1, self.capacity)


@settings(max_examples=300, deadline=None)
@given(bucket_runs())
def test_the_bucket_behaves_as_the_design_says(run: tuple[Bucket, list]) -> None:
    bucket, steps = run
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    model = Model(bucket)
    elapsed = Fraction(0)

    def consume(n: float) -> bool:
        decision = limiter.consume("k", bucket, n)
        if not model.borderline(n):  # there, rounding may tip it: follow the limiter
            assert decision.allowed == model.would_allow(n)
        if decision.allowed:
            model.take(n)
        assert 0 <= decision.remaining <= bucket.capacity
        assert decision.remaining == pytest.approx(float(max(0, model.level)), abs=1e-6)
        if n > bucket.capacity:
            assert not decision.allowed
        # Never more than the capacity plus what accrued since the start (give
        # or take the rounding of float token counts).
        accrued = model.rate * (elapsed + Fraction(TOLERANCE))
        assert model.allowed <= model.capacity + accrued + ROUNDING * model.capacity
        if not decision.allowed:
            assert decision.retry_after > 0
            # A refused call charged nothing: asking again now answers the same.
            assert limiter.consume("k", bucket, n) == decision
        return decision.allowed

    for advance, n, wait in steps:
        clock.advance(advance)
        model.advance(advance)
        elapsed += Fraction(advance)
        allowed = consume(n)
        if not allowed and wait:
            retry = limiter.consume("k", bucket, n).retry_after
            if math.isfinite(retry):
                clock.advance(retry)
                model.advance(retry)
                elapsed += Fraction(retry)
                assert consume(n), "waiting retry_after must be enough"


def test_the_interview_bucket_allows_twelve_then_one_every_six_hours() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    assert [limiter.consume("u", INTERVIEWS).allowed for _ in range(13)] == [True] * 12 + [False]
    refused = limiter.consume("u", INTERVIEWS)
    assert refused.retry_after == pytest.approx(6 * 3600)
    clock.advance(6 * 3600)
    assert limiter.consume("u", INTERVIEWS).allowed
    assert not limiter.consume("u", INTERVIEWS).allowed
    assert limiter.consume("someone else", INTERVIEWS).remaining == 11


def test_more_than_the_capacity_is_refused_forever_and_takes_nothing() -> None:
    limiter = MemoryRateLimiter(FakeClock())
    refused = limiter.consume("u", INTERVIEWS, tokens=13)
    assert not refused.allowed
    assert refused.retry_after == math.inf
    assert refused.remaining == 12
    assert limiter.consume("u", INTERVIEWS, tokens=12).allowed


def test_a_clock_that_goes_back_adds_no_tokens() -> None:
    state = BucketState(tokens=0.0, stamp=1_000.0)
    bucket = Bucket(capacity=10, refill=1, interval=1)
    refused, unchanged = arithmetic.take(state, bucket, 1, now=400.0)
    assert not refused.allowed
    assert unchanged is None
    assert refused.retry_after == pytest.approx(601)  # back to 1000, then one second
    full = BucketState(tokens=10.0, stamp=1_000.0)
    taken, later = arithmetic.take(full, bucket, 10, now=400.0)  # the tokens are there
    assert taken.allowed
    assert later == BucketState(tokens=0.0, stamp=1_000.0)
    allowed, after = arithmetic.take(state, bucket, 1, now=1_001.0)
    assert allowed.allowed
    assert after == BucketState(tokens=0.0, stamp=1_001.0)


def test_a_window_clock_that_goes_back_stays_in_the_later_window() -> None:
    state = WindowState(index=10, current=3, previous=0)
    refused, _ = arithmetic.hit(state, limit=3, window=60, now=500.0)
    assert not refused.allowed
    allowed, after = arithmetic.hit(state, limit=4, window=60, now=500.0)
    assert allowed.allowed
    assert after == WindowState(index=10, current=4, previous=0)


@pytest.mark.parametrize(
    ("bucket", "tokens"),
    [
        (Bucket(0, 1, 1), 1),
        (Bucket(1, -1, 1), 1),
        (Bucket(1, 1, 0), 1),
        (Bucket(1, 1, 1), -1),
        (Bucket(1, 1, 1), math.nan),
    ],
)
def test_nonsense_buckets_are_rejected(bucket: Bucket, tokens: float) -> None:
    with pytest.raises(ValueError):
        MemoryRateLimiter(FakeClock()).consume("k", bucket, tokens)


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (1, 0), (1, math.inf), (1, math.nan)])
def test_nonsense_windows_are_rejected(limit: int, window: float) -> None:
    with pytest.raises(ValueError):
        MemoryWindowLimiter(FakeClock()).hit("k", limit, window)


def test_threads_share_one_bucket_exactly() -> None:
    limiter = MemoryRateLimiter(FakeClock())
    results = at_once([lambda: limiter.consume("shared", INTERVIEWS).allowed] * 32)
    assert results.count(True) == 12


def test_forgotten_full_buckets_still_answer_as_full() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock)
    bucket = Bucket(capacity=2, refill=1, interval=1)
    assert limiter.consume("old", bucket, 2).allowed
    clock.advance(10)  # "old" is full again and may be swept out below
    for i in range(5_000):
        limiter.consume(f"key-{i}", bucket)
    assert limiter.consume("old", bucket, 2).remaining == 0
    assert not limiter.consume("old", bucket).allowed


# --- the sliding-window counter ---------------------------------------------


@st.composite
def window_runs(draw: st.DrawFn) -> tuple[int, float, list[tuple[float, bool, bool]]]:
    """A limit, a window and steps of (advance the clock, on refusal wait
    retry_after and hit again, then hit until refused)."""
    limit = draw(st.integers(1, 12))
    window = draw(st.sampled_from([1.0, 60.0]))
    advance = st.one_of(
        st.just(0.0),
        st.floats(0, window / limit, allow_nan=False, allow_subnormal=False),
        st.floats(0, 3 * window, allow_nan=False, allow_subnormal=False),
    )
    steps = draw(st.lists(st.tuples(advance, st.booleans(), st.booleans()), max_size=60))
    return limit, window, steps


@settings(max_examples=300, deadline=None)
@given(window_runs())
def test_the_sliding_window_keeps_its_guarantees(run: tuple[int, float, list]) -> None:
    limit, window, steps = run
    clock = FakeClock()
    limiter = MemoryWindowLimiter(clock)
    allowed_at: list[float] = []

    def hit() -> bool:
        decision = limiter.hit("ip", limit, window)
        assert 0 <= decision.remaining <= limit
        if decision.allowed:
            allowed_at.append(clock.monotonic())
        else:
            assert decision.retry_after > 0
            assert limiter.hit("ip", limit, window) == decision  # nothing was counted
        return decision.allowed

    for advance, wait, burst in steps:
        clock.advance(advance)
        decision_allowed = hit()
        if not decision_allowed and wait:
            clock.advance(limiter.hit("ip", limit, window).retry_after)
            assert hit(), "waiting retry_after must be enough"
        if burst:
            remaining = limiter.hit("ip", limit, window).remaining  # refused, or counted
            allowed = 0
            while hit():
                allowed += 1
            assert allowed == remaining

    # Never more than `limit` in any aligned window ...
    per_window: dict[int, int] = {}
    for t in allowed_at:
        per_window[math.floor(t / window)] = per_window.get(math.floor(t / window), 0) + 1
    assert all(count <= limit for count in per_window.values())
    # ... and never more than 2 * limit - 1 in any span of one window's length.
    for i, start in enumerate(allowed_at):
        assert sum(1 for t in allowed_at[i:] if t < start + window) <= 2 * limit - 1


def test_a_fresh_client_gets_the_whole_limit_then_waits() -> None:
    clock = FakeClock()
    limiter = MemoryWindowLimiter(clock)
    decisions = [limiter.hit("ip", 100, 60) for _ in range(101)]
    assert all(d.allowed for d in decisions[:100])
    assert [d.remaining for d in decisions[:3]] == [99, 98, 97]
    assert not decisions[100].allowed
    assert 0 < decisions[100].retry_after <= 120
    assert limiter.hit("another ip", 100, 60).allowed
    clock.advance(120)  # two whole windows later nothing is remembered
    assert all(limiter.hit("ip", 100, 60).allowed for _ in range(100))


def test_the_previous_window_counts_by_how_much_it_still_overlaps() -> None:
    clock = FakeClock()  # monotonic 1000.0: 40 s into a 60 s window
    limiter = MemoryWindowLimiter(clock)
    assert all(limiter.hit("ip", 10, 60).allowed for _ in range(10))
    clock.advance(20 + 30)  # halfway through the next window: 5 of the 10 still count
    assert [limiter.hit("ip", 10, 60).allowed for _ in range(6)] == [True] * 5 + [False]
