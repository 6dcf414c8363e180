"""What a rate-limit decision costs: darasa's limiters on each backend, side
by side in one run with the ``limits`` library on the same backend.

``limits`` has no token bucket, so the comparison is honest only row by row:

- darasa's sliding-window counter (``*WindowLimiter``) against ``limits``'
  ``SlidingWindowCounterRateLimiter``: the same algorithm, like for like;
- darasa's token bucket (``*RateLimiter``) against ``limits``'
  ``MovingWindowRateLimiter`` (exact, its costliest) and
  ``FixedWindowRateLimiter`` (one counter, its cheapest): different
  algorithms with a similar job, for scale only.

Every row makes single-threaded decisions for ``--seconds`` in all, over
10,000 keys in turn (100 per minute each, so nearly all are allowed and
written), in ``--rounds`` slices taken in turn with the other rows; the best
slice counts. It also prints the CPU a decision costs, the least of any
slice, which a busy machine disturbs less than the rate: the deciding
thread's (``time.thread_time``, so not the round-trip proxy's threads) and,
for Redis, the server's (``INFO``'s ``used_cpu``), with the ratio of their
sum to the ``limits`` row's. For Redis it also counts round trips per
decision on the client (commands sent) and, from ``INFO``, the commands the
server ran per decision, including those run inside scripts (anything else
using the server meanwhile adds to these and to its CPU). SQL has no
``limits`` baseline.

    .venv/bin/python benchmarks/ratelimit.py [--seconds 2] [--rounds 8]
        [--redis-url redis://127.0.0.1:6379/15]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

A backend that cannot be reached is left out with a note.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import attrs
import limits
import redis
from attrs import frozen
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)
from sqlalchemy import Engine, make_url
from wire import RoundTripProxy  # beside this script

from adapters.db.engine import make_engine
from adapters.db.tables import metadata, rate_limit_buckets, rate_limit_windows
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from adapters.ratelimit.redis import RedisRateLimiter, RedisWindowLimiter
from adapters.ratelimit.sql import SqlRateLimiter, SqlWindowLimiter
from adapters.system import SystemClock
from core.domain import Bucket

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KEYS = 10_000
LIMIT, WINDOW = 100, 60.0
BUCKET = Bucket(capacity=LIMIT, refill=LIMIT, interval=WINDOW)  # 100 a minute, as a bucket
LIMITS_ITEM = limits.parse(f"{LIMIT}/minute")
BUCKET_ROW, WINDOW_ROW = "darasa token bucket", "darasa sliding window counter"
MOVING, SLIDING = "limits moving window", "limits sliding window counter"

Decide = Callable[[str], object]


class CountingConnection(redis.Connection):
    """Counts the commands this process sends: each one is a round trip."""

    sent = 0

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        CountingConnection.sent += 1
        super().send_command(*args, **kwargs)


@frozen
class Row:
    backend: str
    limiter: str
    decide: Decide
    baseline: str | None = None  # the ``limiter`` of the row to compare with
    client: redis.Redis | None = None  # to count Redis commands
    wire: RoundTripProxy | None = None  # to count round trips to a SQL server


@frozen
class Result:
    row: Row
    ops_per_second: float
    round_trips: float | None
    server_commands: float | None
    client_cpu: float  # seconds of the deciding thread's CPU per decision
    server_cpu: float | None  # seconds of the Redis server's CPU per decision


def measure(rows: list[Row], seconds: float, rounds: int) -> list[Result]:
    """Run every row ``rounds`` times for ``seconds / rounds``, the rows taking
    turns so that a noisy moment hurts no row alone; keep each row's best
    rate and, apart, its least CPU per decision."""
    keys = [[f"bench-{uuid.uuid4().hex[:8]}-{i}" for i in range(KEYS)] for _ in rows]
    for row, own in zip(rows, keys, strict=True):  # rows that share a store must not share keys
        for key in own[:100]:  # warm up: connections, scripts, caches
            row.decide(key)
    best: dict[int, Result] = {}
    for _ in range(rounds):
        for i, row in enumerate(rows):
            result = _slice(row, keys[i], seconds / rounds)
            if i in best:
                result = attrs.evolve(
                    result if result.ops_per_second > best[i].ops_per_second else best[i],
                    client_cpu=min(result.client_cpu, best[i].client_cpu),
                    server_cpu=_least(result.server_cpu, best[i].server_cpu),
                )
            best[i] = result
    return [best[i] for i in range(len(rows))]


def _least(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else min(a, b)


def _slice(row: Row, keys: list[str], seconds: float) -> Result:
    sent, (served, server_cpu) = CountingConnection.sent, _server_stats(row.client)
    trips = row.wire.round_trips if row.wire is not None else 0
    done, started, cpu = 0, time.perf_counter(), time.thread_time()
    deadline = started + seconds
    while True:
        for _ in range(64):
            row.decide(keys[done % KEYS])
            done += 1
        if time.perf_counter() >= deadline:
            break
    elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
    round_trips = server_commands = server_seconds = None
    if row.wire is not None:
        round_trips = (row.wire.round_trips - trips) / done
    if row.client is not None:
        commands, server_end = _server_stats(row.client)
        round_trips = (CountingConnection.sent - sent - 1) / done  # minus the first INFO
        server_commands = (commands - served - 1) / done  # the same
        server_seconds = (server_end - server_cpu) / done
    return Result(row, done / elapsed, round_trips, server_commands, cpu / done, server_seconds)


def _server_stats(client: redis.Redis | None) -> tuple[int, float]:
    """Commands the Redis server has run, and its CPU seconds, in one INFO."""
    if client is None:
        return 0, 0.0
    info = client.info()
    return int(info["total_commands_processed"]), info["used_cpu_user"] + info["used_cpu_sys"]


def memory_rows() -> list[Row]:
    clock = SystemClock()
    bucket, window = MemoryRateLimiter(clock), MemoryWindowLimiter(clock)
    rows = [
        Row("memory", BUCKET_ROW, lambda k: bucket.consume(k, BUCKET), MOVING),
        Row("memory", WINDOW_ROW, lambda k: window.hit(k, LIMIT, WINDOW), SLIDING),
    ]
    return rows + _limits_rows("memory", MemoryStorage(), None)


def _limits_rows(backend: str, storage: Any, client: redis.Redis | None) -> list[Row]:
    strategies = [
        (MOVING, MovingWindowRateLimiter(storage)),
        ("limits fixed window", FixedWindowRateLimiter(storage)),
        (SLIDING, SlidingWindowCounterRateLimiter(storage)),
    ]
    return [
        Row(backend, name, lambda k, s=strategy: s.hit(LIMITS_ITEM, k), client=client)
        for name, strategy in strategies
    ]


def sql_rows(backend: str, engine: Engine, wire: RoundTripProxy | None = None) -> list[Row]:
    metadata.create_all(engine, tables=[rate_limit_buckets, rate_limit_windows])
    clock = SystemClock()
    bucket, window = SqlRateLimiter(engine, clock), SqlWindowLimiter(engine, clock)
    return [
        Row(backend, BUCKET_ROW, lambda k: bucket.consume(k, BUCKET), wire=wire),
        Row(backend, WINDOW_ROW, lambda k: window.hit(k, LIMIT, WINDOW), wire=wire),
    ]


def redis_rows(url: str) -> list[Row]:
    pool = redis.ConnectionPool.from_url(url, connection_class=CountingConnection)
    client = redis.Redis(connection_pool=pool)
    client.ping()
    bucket, window = RedisRateLimiter(client), RedisWindowLimiter(client)
    storage = RedisStorage(url, connection_pool=pool)
    rows = [
        Row("redis", BUCKET_ROW, lambda k: bucket.consume(k, BUCKET), MOVING, client),
        Row("redis", WINDOW_ROW, lambda k: window.hit(k, LIMIT, WINDOW), SLIDING, client),
    ]
    return rows + _limits_rows("redis", storage, client)


@contextmanager
def postgres_engine(url: str, wire: RoundTripProxy) -> Iterator[Engine]:
    """An engine on a schema of the run's own (``history.postgres_schema``),
    talking to the server through ``wire`` (which counts its round trips)."""
    from history import postgres_schema

    with postgres_schema(url) as schema_url:
        if schema_url is None:
            raise RuntimeError(f"PostgreSQL at {url} cannot be reached")
        proxied = make_url(schema_url).set(host="127.0.0.1", port=wire.port)
        engine = make_engine(proxied.render_as_string(hide_password=False))
        try:
            yield engine
        finally:
            engine.dispose()


def print_table(results: list[Result]) -> None:
    by_name = {(r.row.backend, r.row.limiter): r for r in results}
    header = (
        f"{'backend':<10} {'limiter':<31} {'ops/s':>9} {'vs limits':>24} {'trips':>6}"
        f" {'server cmds':>11} {'cpu us':>7} {'server us':>9} {'cpu vs limits':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        baseline = by_name.get((r.row.backend, r.row.baseline or ""))
        ratio = ""
        if baseline is not None:
            name = r.row.baseline.removeprefix("limits ") if r.row.baseline else ""
            ratio = f"{r.ops_per_second / baseline.ops_per_second:.2f}x {name}"
        trips = "" if r.round_trips is None else f"{r.round_trips:.2f}"
        served = "" if r.server_commands is None else f"{r.server_commands:.2f}"
        server = "" if r.server_cpu is None else f"{r.server_cpu * 1e6:.1f}"
        cost = "" if baseline is None else f"{_cpu(r) / _cpu(baseline):.2f}x"
        print(
            f"{r.row.backend:<10} {r.row.limiter:<31} {r.ops_per_second:>9,.0f} {ratio:>24}"
            f" {trips:>6} {served:>11} {r.client_cpu * 1e6:>7.1f} {server:>9} {cost:>13}"
        )


def _cpu(result: Result) -> float:
    """CPU seconds per decision, the client's and the server's."""
    return result.client_cpu + (result.server_cpu or 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per row")
    parser.add_argument("--rounds", type=int, default=8, help="slices per row, taken in turn")
    parser.add_argument(
        "--redis-url", default=os.environ.get("DARASA_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("DARASA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    args = parser.parse_args()

    notes: list[str] = []
    with ExitStack() as stack:
        rows = memory_rows()
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sqlite = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
        stack.callback(sqlite.dispose)
        rows += sql_rows("sqlite", sqlite)
        try:
            server = make_url(args.postgres_url)
            wire = stack.enter_context(RoundTripProxy(server.host or "127.0.0.1", server.port or 5432))
            postgres = stack.enter_context(postgres_engine(args.postgres_url, wire))
            rows += sql_rows("postgresql", postgres, wire)
        except Exception as exc:  # unreachable or refused: leave the rows out
            notes.append(f"PostgreSQL left out: {exc.__class__.__name__}: {exc}".splitlines()[0])
        try:
            rows += redis_rows(args.redis_url)
        except redis.RedisError as exc:
            notes.append(f"Redis left out: {exc}")
        results = measure(rows, args.seconds, args.rounds)
    print_table(results)
    for note in notes:
        print(note)
    print(
        "\n'vs limits': ops/s over the named limits row on the same backend. The sliding"
        "\nwindow counters are like for like; the token bucket has no limits twin."
        "\n'trips': round trips per decision (Redis: commands sent; PostgreSQL: the"
        "\nclient's turns counted on the wire by a proxy, pool pre-ping included);"
        "\n'server cmds': commands the Redis server ran per decision, inside scripts included;"
        "\n'cpu us', 'server us': microseconds of CPU per decision, the deciding thread's and"
        "\nthe Redis server's (least of any slice); 'cpu vs limits': their sum over the"
        "\nnamed limits row's (below 1: cheaper)."
    )


if __name__ == "__main__":
    main()
