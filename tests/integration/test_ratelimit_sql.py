"""The SQL rate limiters on real SQLite files and PostgreSQL: they decide
exactly as the in-memory limiters do (whose properties the unit tests
check), survive a wall clock that jumps back, and stay exact when many
threads and processes share one bucket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, make_url

from adapters.db.engine import make_engine as make_app_engine
from adapters.db.tables import metadata, rate_limit_buckets, rate_limit_windows
from adapters.fakes import FakeClock
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from adapters.ratelimit.sql import SqlRateLimiter, SqlWindowLimiter
from adapters.system import SystemClock
from core.domain import Bucket
from tests.concurrently import at_once, in_processes
from tests.integration._services import fresh_postgres_schema, postgres_url, random_key

INTERVIEWS = Bucket(capacity=12, refill=4, interval=86_400)
YEAR = 365 * 86_400.0  # a window so long that no test run crosses its boundary

EngineSpec = tuple[str, str]
"""(how the engine is built, URL): enough for any process to build it."""


def make_engine(spec: EngineSpec) -> Engine:
    how, url = spec
    if how == "plain":
        return create_engine(url)
    return make_app_engine(url)  # the application's: WAL, BEGIN emitted by a listener


@pytest.fixture(scope="module", params=["sqlite-plain", "sqlite", "postgresql"])
def spec(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineSpec]:
    with ExitStack() as stack:
        if request.param == "postgresql":
            spec = ("app", stack.enter_context(fresh_postgres_schema(make_url(postgres_url()))))
        else:
            path = tmp_path_factory.mktemp("ratelimit") / "limits.sqlite"
            spec = ("plain" if request.param == "sqlite-plain" else "app", f"sqlite:///{path}")
        engine = make_engine(spec)
        metadata.create_all(engine, tables=[rate_limit_buckets, rate_limit_windows])
        engine.dispose()
        yield spec


@pytest.fixture(scope="module")
def engine(spec: EngineSpec) -> Iterator[Engine]:
    engine = make_engine(spec)
    yield engine
    engine.dispose()


class WallClock:
    """A wall clock on whole milliseconds that can be set anywhere, even back;
    ``monotonic`` reads the same seconds so memory and SQL limiters agree."""

    def __init__(self) -> None:
        self.ms = 1_767_225_600_000 + 12_345  # 2026-01-01, 12.345 s into a minute

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.ms / 1000, UTC)

    def monotonic(self) -> float:
        return self.ms / 1000


steps = st.lists(
    st.tuples(st.integers(0, 200_000), st.integers(0, 14)),  # (advance ms, tokens or hits)
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps, refill=st.integers(0, 5), interval=st.sampled_from([1, 60]))
def test_the_bucket_decides_as_the_memory_one_does(
    engine: Engine, steps: list[tuple[int, int]], refill: int, interval: int
) -> None:
    clock = WallClock()
    sql, memory = SqlRateLimiter(engine, clock), MemoryRateLimiter(clock)
    bucket, key = Bucket(capacity=12, refill=refill, interval=interval), random_key()
    for advance_ms, tokens in steps:
        clock.ms += advance_ms
        got, want = sql.consume(key, bucket, tokens), memory.consume(key, bucket, tokens)
        assert got.allowed == want.allowed
        assert got.retry_after == pytest.approx(want.retry_after, rel=1e-9, abs=1e-5)
        assert got.remaining == pytest.approx(want.remaining, rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps, window=st.sampled_from([1, 60]))
def test_the_window_decides_as_the_memory_one_does(
    engine: Engine, steps: list[tuple[int, int]], window: int
) -> None:
    clock = WallClock()
    sql, memory = SqlWindowLimiter(engine, clock), MemoryWindowLimiter(clock)
    key = random_key()
    for advance_ms, hits in steps:
        clock.ms += advance_ms // 100
        for _ in range(hits):
            got, want = sql.hit(key, 5, window), memory.hit(key, 5, window)
            assert got.allowed == want.allowed
            assert got.retry_after == pytest.approx(want.retry_after, rel=1e-9, abs=1e-5)
            assert got.remaining == want.remaining


def test_the_interview_bucket_allows_twelve_then_one_every_six_hours(engine: Engine) -> None:
    clock = FakeClock()
    limiter, key = SqlRateLimiter(engine, clock), random_key()
    assert [limiter.consume(key, INTERVIEWS).allowed for _ in range(13)] == [True] * 12 + [False]
    refused = limiter.consume(key, INTERVIEWS)
    assert refused.retry_after == pytest.approx(6 * 3600)
    clock.advance(refused.retry_after)
    assert limiter.consume(key, INTERVIEWS).allowed
    assert not limiter.consume(key, INTERVIEWS).allowed
    assert limiter.consume(random_key(), INTERVIEWS).remaining == 11


def test_more_than_the_capacity_is_refused_and_takes_nothing(engine: Engine) -> None:
    limiter, key = SqlRateLimiter(engine, FakeClock()), random_key()
    refused = limiter.consume(key, INTERVIEWS, tokens=13)
    assert (refused.allowed, refused.retry_after, refused.remaining) == (False, float("inf"), 12)
    assert limiter.consume(key, INTERVIEWS, tokens=12).allowed


def test_a_wall_clock_that_jumps_back_adds_no_tokens(engine: Engine) -> None:
    clock = WallClock()
    limiter, key = SqlRateLimiter(engine, clock), random_key()
    bucket = Bucket(capacity=2, refill=1, interval=60)
    assert limiter.consume(key, bucket, 2).allowed
    clock.ms -= 3_600_000  # an hour back
    refused = limiter.consume(key, bucket)
    assert not refused.allowed
    assert refused.retry_after == pytest.approx(3_600 + 60)
    clock.ms += 3_600_000 + 59_000  # 59 s after the first call: still not one token
    assert not limiter.consume(key, bucket).allowed
    clock.ms += 1_000
    assert limiter.consume(key, bucket).allowed


def test_the_window_allows_the_limit_then_refuses(engine: Engine) -> None:
    clock = FakeClock()
    limiter, key = SqlWindowLimiter(engine, clock), random_key()
    decisions = [limiter.hit(key, 100, 60) for _ in range(101)]
    assert all(d.allowed for d in decisions[:100])
    assert not decisions[100].allowed
    assert 0 < decisions[100].retry_after <= 120
    clock.advance(decisions[100].retry_after)
    assert limiter.hit(key, 100, 60).allowed


def test_a_wall_clock_that_jumps_back_keeps_counting_in_the_window_it_left(engine: Engine) -> None:
    clock = WallClock()
    limiter, key = SqlWindowLimiter(engine, clock), random_key()
    assert [limiter.hit(key, 3, 60).allowed for _ in range(3)] == [True] * 3
    clock.ms -= 3 * 60_000  # three windows back: the stored window still counts
    refused = limiter.hit(key, 3, 60)
    assert not refused.allowed
    assert refused.retry_after > 3 * 60


def test_threads_sharing_one_window_get_exactly_its_limit(engine: Engine) -> None:
    limiter, key = SqlWindowLimiter(engine, SystemClock()), random_key()
    results = at_once([lambda: limiter.hit(key, 12, YEAR).allowed] * 32)
    assert len(results) == 32
    assert results.count(True) == 12


def test_threads_sharing_one_bucket_get_exactly_its_capacity(engine: Engine) -> None:
    limiter, key = SqlRateLimiter(engine, SystemClock()), random_key()
    results = at_once([lambda: limiter.consume(key, INTERVIEWS).allowed] * 32)
    assert len(results) == 32
    assert results.count(True) == 12


def _bucket(engine: Engine, key: str) -> Callable[[], bool]:
    limiter = SqlRateLimiter(engine, SystemClock())
    return lambda: limiter.consume(key, INTERVIEWS).allowed  # a capacity of 12


def _window(engine: Engine, key: str) -> Callable[[], bool]:
    limiter = SqlWindowLimiter(engine, SystemClock())
    return lambda: limiter.hit(key, 12, YEAR).allowed


def _in_threads(spec: EngineSpec, decision: Callable[[Engine, str], Callable[[], bool]], key: str,
                threads: int) -> list[bool]:
    engine = make_engine(spec)
    try:
        return at_once([decision(engine, key)] * threads)
    finally:
        engine.dispose()


@pytest.mark.parametrize("decision", [_bucket, _window], ids=["bucket", "window"])
def test_processes_sharing_one_limit_get_exactly_it(
        spec: EngineSpec, decision: Callable[[Engine, str], Callable[[], bool]]) -> None:
    key, processes = random_key(), 6
    results = in_processes(lambda: _in_threads(spec, decision, key, 4), processes)
    assert len(results) == 4 * processes
    assert results.count(True) == 12


