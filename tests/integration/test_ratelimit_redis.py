"""The Redis rate limiters on a real server: the same decisions as the
in-memory limiters, timed by the server's clock, one round trip each, with
keys that expire once they stop mattering, and exact under many threads and
processes."""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fakes import FakeClock
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from adapters.ratelimit.redis import PREFIX, RedisRateLimiter, RedisWindowLimiter, _Script
from core.domain import Bucket
from tests.concurrently import at_once, in_processes
from tests.integration._services import random_key, redis_url

INTERVIEWS = Bucket(capacity=12, refill=4, interval=86_400)
YEAR = 365 * 86_400.0  # a window so long that no test run crosses its boundary


class CountingConnection(redis.Connection):
    """Counts the commands sent to the server: one each is one round trip."""

    sent = 0

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        CountingConnection.sent += 1
        super().send_command(*args, **kwargs)


@pytest.fixture(scope="module")
def client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url())
    yield client
    client.close()


def test_the_interview_bucket_allows_twelve_then_one_every_six_hours(client: redis.Redis) -> None:
    limiter, key = RedisRateLimiter(client), random_key()
    decisions = [limiter.consume(key, INTERVIEWS) for _ in range(13)]
    assert [d.allowed for d in decisions] == [True] * 12 + [False]
    assert decisions[0].remaining == pytest.approx(11, abs=1e-3)
    assert 6 * 3600 - 60 < decisions[12].retry_after <= 6 * 3600
    assert limiter.consume(random_key(), INTERVIEWS).allowed


def test_more_than_the_capacity_is_refused_and_takes_nothing(client: redis.Redis) -> None:
    limiter, key = RedisRateLimiter(client), random_key()
    refused = limiter.consume(key, INTERVIEWS, tokens=13)
    assert (refused.allowed, refused.retry_after, refused.remaining) == (False, float("inf"), 12)
    assert limiter.consume(key, INTERVIEWS, tokens=12).allowed
    first, second = limiter.consume(key, INTERVIEWS), limiter.consume(key, INTERVIEWS)
    assert not first.allowed and not second.allowed
    assert second.remaining == pytest.approx(first.remaining, abs=1e-3)


def test_waiting_retry_after_is_enough(client: redis.Redis) -> None:
    bucket = Bucket(capacity=1, refill=1, interval=0.3)
    limiter, key = RedisRateLimiter(client), random_key()
    assert limiter.consume(key, bucket).allowed
    refused = limiter.consume(key, bucket)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 0.3
    time.sleep(refused.retry_after)
    assert limiter.consume(key, bucket).allowed


def test_tokens_accrue_up_to_the_capacity(client: redis.Redis) -> None:
    bucket = Bucket(capacity=2, refill=1, interval=0.05)
    limiter, key = RedisRateLimiter(client), random_key()
    assert limiter.consume(key, bucket).allowed
    time.sleep(0.3)  # long enough to accrue six tokens, were there no capacity
    assert limiter.consume(key, bucket, tokens=0).remaining == 2
    assert limiter.consume(key, bucket, tokens=2).allowed


def test_buckets_expire_once_full_again(client: redis.Redis) -> None:
    limiter, key = RedisRateLimiter(client), random_key()
    limiter.consume(key, Bucket(capacity=10, refill=1, interval=60), tokens=3)
    assert 0 < client.pttl(f"{PREFIX}bucket:{key}") <= 3 * 60_000 + 1
    never_refills = random_key()
    limiter.consume(never_refills, Bucket(capacity=1, refill=0, interval=60))
    assert client.pttl(f"{PREFIX}bucket:{never_refills}") == -1  # kept: it must stay empty
    client.delete(f"{PREFIX}bucket:{never_refills}")


def test_a_server_clock_that_went_back_adds_no_tokens(client: redis.Redis) -> None:
    limiter, key = RedisRateLimiter(client), random_key()
    seconds, micros = client.time()
    client.set(f"{PREFIX}bucket:{key}", struct.pack("<dd", 0, seconds + 3600), px=60_000)
    refused = limiter.consume(key, Bucket(capacity=5, refill=1, interval=10))
    assert not refused.allowed
    assert 3600 + 10 - 2 < refused.retry_after <= 3600 + 10


def test_the_window_allows_the_limit_then_refuses(client: redis.Redis) -> None:
    limiter, key = RedisWindowLimiter(client), random_key()
    decisions = [limiter.hit(key, 100, 60) for _ in range(101)]
    assert all(d.allowed for d in decisions[:100])
    assert [d.remaining for d in decisions[:2]] == [99, 98]
    assert not decisions[100].allowed
    assert 0 < decisions[100].retry_after <= 120
    assert 0 < client.pttl(f"{PREFIX}window:{key}") <= 120_000


def test_waiting_the_window_retry_after_is_enough(client: redis.Redis) -> None:
    limiter, key = RedisWindowLimiter(client), random_key()
    assert all(limiter.hit(key, 3, 0.25).allowed for _ in range(3))
    refused = limiter.hit(key, 3, 0.25)
    if refused.allowed:  # the window turned between the hits: that is allowed too
        refused = limiter.hit(key, 3, 0.25)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 0.5
    time.sleep(refused.retry_after)
    assert limiter.hit(key, 3, 0.25).allowed


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 14), max_size=20))
def test_the_bucket_decides_as_the_memory_one_does(asks: list[int]) -> None:
    # Refill 4 a day: the milliseconds this takes on the server's clock add
    # far less than the tolerances below.
    client = redis.Redis.from_url(redis_url())
    ours, memory, key = RedisRateLimiter(client), MemoryRateLimiter(FakeClock()), random_key()
    for tokens in asks:
        got, want = ours.consume(key, INTERVIEWS, tokens), memory.consume(key, INTERVIEWS, tokens)
        assert got.allowed == want.allowed
        assert got.remaining == pytest.approx(want.remaining, abs=1e-3)
        assert got.retry_after == pytest.approx(want.retry_after, abs=1.0)
    client.close()


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 8), st.lists(st.integers(0, 10), max_size=10))
def test_the_window_decides_as_the_memory_one_does(limit: int, bursts: list[int]) -> None:
    client = redis.Redis.from_url(redis_url(), decode_responses=True)
    ours, memory, key = RedisWindowLimiter(client), MemoryWindowLimiter(FakeClock()), random_key()
    for burst in bursts:
        for _ in range(burst):
            got, want = ours.hit(key, limit, YEAR), memory.hit(key, limit, YEAR)
            assert (got.allowed, got.remaining) == (want.allowed, want.remaining)
    client.close()


def test_each_decision_is_one_round_trip() -> None:
    pool = redis.ConnectionPool.from_url(redis_url(), connection_class=CountingConnection)
    client = redis.Redis(connection_pool=pool)
    bucket, window = RedisRateLimiter(client), RedisWindowLimiter(client)
    key = random_key()
    bucket.consume(key, INTERVIEWS)  # connects and loads the scripts
    window.hit(key, 100, 60)
    before = CountingConnection.sent
    for _ in range(20):
        bucket.consume(key, INTERVIEWS)
        window.hit(key, 100, 60)
    assert CountingConnection.sent - before == 40
    pool.disconnect()


def test_fractional_tokens_come_back_exactly() -> None:
    # A bucket that never refills keeps its level exact: the remaining tokens
    # travel as text that parses back to the same float (also through a
    # client that decodes replies).
    client = redis.Redis.from_url(redis_url(), decode_responses=True)
    limiter, key = RedisRateLimiter(client), random_key()
    bucket = Bucket(capacity=3, refill=0, interval=60)
    assert limiter.consume(key, bucket, tokens=0.25).remaining == 2.75
    assert limiter.consume(key, bucket, tokens=1 / 3).remaining == 2.75 - 1 / 3
    assert limiter.consume(key, bucket, tokens=2).remaining == 2.75 - 1 / 3 - 2
    refused = limiter.consume(key, bucket, tokens=1)
    assert (refused.allowed, refused.retry_after, refused.remaining) == (
        False, float("inf"), 2.75 - 1 / 3 - 2)
    client.delete(f"{PREFIX}bucket:{key}")
    client.close()


def test_a_script_the_server_lacks_is_sent_whole_once() -> None:
    pool = redis.ConnectionPool.from_url(redis_url(), connection_class=CountingConnection)
    client = redis.Redis(connection_pool=pool)
    client.ping()
    script = _Script(client, f"return 7 -- {random_key()}")  # a source no server has seen
    before = CountingConnection.sent
    assert script("unused").remaining == 7
    assert CountingConnection.sent - before == 2  # EVALSHA refused, then EVAL
    assert client.script_exists(script.sha) == [True]  # loaded: EVALSHA from now on
    before = CountingConnection.sent
    assert script("unused").remaining == 7
    assert CountingConnection.sent - before == 1
    pool.disconnect()


def _consume_in_threads(url: str, key: str, threads: int) -> list[bool]:
    client = redis.Redis.from_url(url)
    try:
        limiter = RedisRateLimiter(client)
        return at_once([lambda: limiter.consume(key, INTERVIEWS).allowed] * threads)
    finally:
        client.close()


def test_threads_sharing_one_bucket_get_exactly_its_capacity() -> None:
    results = _consume_in_threads(redis_url(), random_key(), 32)
    assert len(results) == 32
    assert results.count(True) == 12


def test_processes_sharing_one_bucket_get_exactly_its_capacity() -> None:
    url, key, processes = redis_url(), random_key(), 6
    results = in_processes(lambda: _consume_in_threads(url, key, 4), processes)
    assert len(results) == 4 * processes
    assert results.count(True) == 12
