"""Rate limiters whose state lives in the database, so the limits hold across
every process and host that shares it (SQLite or PostgreSQL).

A decision on PostgreSQL is one prebuilt statement in autocommit (one round
trip): an ``INSERT .. ON CONFLICT DO UPDATE .. WHERE allowed .. RETURNING``
whose row lock serialises concurrent callers, with the arithmetic of
``arithmetic.take`` or ``arithmetic.hit`` written in SQL; a refused call
reads the unchanged row in the same statement to say how long to wait (a
second statement only when a concurrent caller changed the row meanwhile).

Every other decision (SQLite; a PostgreSQL bucket asked for more than its
capacity) is one short transaction that locks the key's row
(PostgreSQL: ``SELECT .. FOR UPDATE``, creating a missing row with ``INSERT
.. ON CONFLICT DO NOTHING``) or the whole database (SQLite: ``BEGIN
IMMEDIATE`` on the raw connection, waiting up to the busy timeout for other
writers), reads the state, decides with ``arithmetic`` and writes the new
state. Times come from ``clock.now()``, as epoch seconds, so that all
processes agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, Table, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from adapters.db.engine import CUT_EARLY, connect
from adapters.db.tables import rate_limit_buckets, rate_limit_windows
from adapters.ratelimit import arithmetic
from adapters.ratelimit.arithmetic import BucketState, WindowState
from core.domain import Bucket, Decision
from core.ports import Clock

BUSY_TIMEOUT_MS = 15_000
"""How long a SQLite writer waits at least for the lock before giving up; a
connection configured to wait longer is left as it is."""

Decide = Callable[[Sequence[Any] | None], tuple[Decision, Sequence[Any] | None]]
"""Given a row's values (``None`` when missing), the decision and the values
to store (``None`` to leave the row as it is)."""


class _LockedRow:
    """Read, decide and write one row of a state table keyed by ``key``,
    atomically with respect to every other process using the database."""

    def __init__(self, engine: Engine, table: Table) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(f"no SQL rate limiter for {engine.dialect.name}")
        self._engine = engine
        self._table = table
        self._values = [c for c in table.columns if c.name != "key"]
        names = [f'"{c.name}"' for c in self._values]
        # SQLite goes through the raw connection to issue BEGIN IMMEDIATE itself.
        self._sqlite_select = f'SELECT {", ".join(names)} FROM "{table.name}" WHERE "key" = ?'
        self._sqlite_upsert = (
            f'INSERT INTO "{table.name}" ("key", {", ".join(names)}) '
            f'VALUES (?, {", ".join("?" for _ in names)}) ON CONFLICT ("key") DO UPDATE SET '
            + ", ".join(f"{n} = excluded.{n}" for n in names)
        )

    def apply(self, key: str, decide: Decide) -> Decision:
        if self._engine.dialect.name == "sqlite":
            return self._apply_sqlite(key, decide)
        return self._apply_postgresql(key, decide)

    def _apply_sqlite(self, key: str, decide: Decide) -> Decision:
        raw = self._engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            assert dbapi is not None  # a pooled connection that is open
            if not raw.info.get("darasa_busy_timeout"):
                (current,) = dbapi.execute("PRAGMA busy_timeout").fetchone()
                dbapi.execute(f"PRAGMA busy_timeout = {max(current, BUSY_TIMEOUT_MS)}")
                raw.info["darasa_busy_timeout"] = True
            isolation = dbapi.isolation_level
            dbapi.isolation_level = None  # no implicit BEGIN: we issue our own
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                try:
                    row = dbapi.execute(self._sqlite_select, (key,)).fetchone()
                    decision, values = decide(row)
                    if values is not None:
                        dbapi.execute(self._sqlite_upsert, (key, *values))
                    dbapi.commit()
                except BaseException:
                    dbapi.rollback()
                    raise
            finally:
                dbapi.isolation_level = isolation
            return decision
        finally:
            raw.close()

    def _apply_postgresql(self, key: str, decide: Decide) -> Decision:
        table = self._table
        locked = select(*self._values).where(table.c.key == key).with_for_update()

        def named(values: Sequence[Any]) -> dict[str, Any]:
            return {c.name: v for c, v in zip(self._values, values, strict=True)}

        with self._engine.begin() as conn:
            row = conn.execute(locked).first()
            if row is None:
                decision, values = decide(None)
                if values is None:
                    return decision
                created = conn.execute(
                    pg_insert(table)
                    .values(key=key, **named(values))
                    .on_conflict_do_nothing(index_elements=[table.c.key])
                    .returning(table.c.key)
                ).first()
                if created is not None:
                    return decision
                row = conn.execute(locked).one()  # another process created it meanwhile
            decision, values = decide(tuple(row))
            if values is not None:
                conn.execute(update(table).where(table.c.key == key).values(**named(values)))
            return decision


# ``arithmetic.take`` in SQL over the stored row ``b``: the time it is
# brought up to (never back), and the tokens there are then.
_STAMP = "GREATEST(b.updated_at, :now)"
_LEVEL = f"LEAST(:capacity, b.tokens + ({_STAMP} - b.updated_at) * :rate)"
_TAKE_POSTGRESQL = text(f"""
WITH stored AS (
    SELECT tokens, updated_at FROM rate_limit_buckets WHERE key = :key
), taken AS (
    INSERT INTO rate_limit_buckets AS b (key, tokens, updated_at)
    VALUES (:key, :capacity - :cost, :now)
    ON CONFLICT (key) DO UPDATE SET
        tokens = CASE WHEN {_LEVEL} >= :cost THEN {_LEVEL} - :cost ELSE 0 END,
        updated_at = CASE WHEN {_LEVEL} >= :cost THEN {_STAMP}
                          ELSE {_STAMP} + (:cost - {_LEVEL}) / NULLIF(:rate, 0) END
    WHERE :cost - {_LEVEL} <= GREATEST(0, :now + :tolerance - {_STAMP}) * :rate
    RETURNING b.tokens, b.updated_at
)
SELECT true AS allowed, tokens, updated_at FROM taken
UNION ALL
SELECT false, tokens, updated_at FROM stored WHERE NOT EXISTS (SELECT 1 FROM taken)
""")
_READ_POSTGRESQL = text("SELECT false, tokens, updated_at FROM rate_limit_buckets WHERE key = :key")


class SqlRateLimiter:
    """Token buckets in the ``rate_limit_buckets`` table."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._rows = _LockedRow(engine, rate_limit_buckets)
        self._clock = clock

    def consume(self, key: str, bucket: Bucket, tokens: float = 1) -> Decision:
        arithmetic.check_bucket(bucket, tokens)
        now = self._clock.now().timestamp()
        if self._engine.dialect.name == "postgresql" and tokens <= bucket.capacity:
            return self._take_postgresql(key, bucket, tokens, now)

        def decide(row: Sequence[Any] | None) -> tuple[Decision, Sequence[Any] | None]:
            state = None if row is None else BucketState(tokens=row[0], stamp=row[1])
            decision, new = arithmetic.take(state, bucket, tokens, now)
            return decision, None if new is None else (new.tokens, new.stamp)

        return self._rows.apply(key, decide)

    def _take_postgresql(self, key: str, bucket: Bucket, tokens: float, now: float) -> Decision:
        parameters = {
            "key": key,
            "capacity": float(bucket.capacity),
            "rate": arithmetic.rate_of(bucket),
            "cost": float(tokens),
            "now": now,
            "tolerance": arithmetic.TOLERANCE,
        }
        with connect(self._engine, write=False) as connection:  # autocommit
            # given up on at once when the server freezes: a token taken
            # when it thaws costs nothing that was promised
            row = connection.execute(_TAKE_POSTGRESQL, parameters, execution_options={CUT_EARLY: True}).first()
            if row is None:
                # Refused, and the row did not exist when the statement began:
                # a concurrent caller created it meanwhile. Read it now.
                row = connection.execute(_READ_POSTGRESQL, {"key": key}).one()
        allowed, left, stamp = row
        if allowed:
            return Decision(True, 0.0, max(0.0, left))
        # Refused: say how long until enough, from the row as the statement
        # began. A concurrent caller may have taken tokens since, which that
        # row does not show: then wait as long as the whole request takes to
        # accrue.
        decision, _ = arithmetic.take(BucketState(left, stamp), bucket, tokens, now)
        if decision.allowed:
            rate = arithmetic.rate_of(bucket)
            return Decision(False, tokens / rate if rate else math.inf, 0.0)
        return decision


# ``arithmetic.hit`` in SQL over the stored row ``w`` (its window's start is
# stored, its index recovered by rounding, as ``_state`` does): the window
# counted in (the stored one if the clock is not past it), the counts there,
# its start, and whether a hit is allowed.
_STORED = "round(w.window_start / :window)"
_KEPT = f"(:index <= {_STORED})"
_CURRENT = f"(CASE WHEN {_KEPT} THEN w.current ELSE 0 END)"
_PREVIOUS = (
    f"(CASE WHEN {_KEPT} THEN w.previous WHEN :index = {_STORED} + 1 THEN w.current ELSE 0 END)"
)
_START = f"(GREATEST(:index, {_STORED}) * :window)"
_READY = f"""CASE
    WHEN {_CURRENT} >= :limit THEN {_START} + :window * (2 - (:limit - 1) / {_CURRENT}::float8)
    WHEN {_PREVIOUS} = 0 THEN '-infinity'::float8
    ELSE {_START} + :window * GREATEST(0, 1 - (:limit - 1 - {_CURRENT}) / {_PREVIOUS}::float8)
END"""
_HIT_POSTGRESQL = text(f"""
WITH stored AS (
    SELECT window_start, current, previous FROM rate_limit_windows WHERE key = :key
), counted AS (
    INSERT INTO rate_limit_windows AS w (key, window_start, current, previous)
    VALUES (:key, :index * :window, 1, 0)
    ON CONFLICT (key) DO UPDATE SET
        window_start = {_START}, current = {_CURRENT} + 1, previous = {_PREVIOUS}
    WHERE {_READY} <= :now + :tolerance
    RETURNING w.window_start, w.current, w.previous
)
SELECT true AS allowed, window_start, current, previous FROM counted
UNION ALL
SELECT false, window_start, current, previous FROM stored WHERE NOT EXISTS (SELECT 1 FROM counted)
""")
_READ_WINDOW_POSTGRESQL = text(
    "SELECT false, window_start, current, previous FROM rate_limit_windows WHERE key = :key"
)


class SqlWindowLimiter:
    """Sliding-window counters in the ``rate_limit_windows`` table."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._rows = _LockedRow(engine, rate_limit_windows)
        self._clock = clock

    def hit(self, key: str, limit: int, window: float) -> Decision:
        arithmetic.check_window(limit, window)
        now = self._clock.now().timestamp()
        if self._engine.dialect.name == "postgresql":
            return self._hit_postgresql(key, limit, window, now)

        def decide(row: Sequence[Any] | None) -> tuple[Decision, Sequence[Any] | None]:
            decision, new = arithmetic.hit(_state(row, window), limit, window, now)
            if new is None:
                return decision, None
            return decision, (new.index * window, new.current, new.previous)

        return self._rows.apply(key, decide)

    def _hit_postgresql(self, key: str, limit: int, window: float, now: float) -> Decision:
        parameters = {
            "key": key,
            "index": float(math.floor(now / window)),
            "window": float(window),
            "limit": limit,
            "now": now,
            "tolerance": arithmetic.TOLERANCE,
        }
        with connect(self._engine, write=False) as connection:  # autocommit
            # given up on at once when the server freezes, as the bucket's
            row = connection.execute(_HIT_POSTGRESQL, parameters, execution_options={CUT_EARLY: True}).first()
            if row is not None and row.allowed:
                # Counted: the decision is the one made on the row before.
                before = (row.window_start, row.current - 1, row.previous)
                decision, _ = arithmetic.hit(_state(before, window), limit, window, now)
                return Decision(True, 0.0, decision.remaining)
            if row is not None:  # refused: say why, from the row as it was
                decision, _ = arithmetic.hit(_state(row[1:], window), limit, window, now)
                if not decision.allowed:
                    return decision
            # Refused by a row that a concurrent caller created or changed
            # after this statement began: decide on it as it is now.
            row = connection.execute(_READ_WINDOW_POSTGRESQL, {"key": key}).one()
        decision, _ = arithmetic.hit(_state(row[1:], window), limit, window, now)
        if decision.allowed:
            # That caller's clock was ahead and began a window that allows
            # this hit now: refused all the same, it may come again at once.
            return Decision(False, 0.0, decision.remaining + 1)
        return decision


def _state(row: Sequence[Any] | None, window: float) -> WindowState | None:
    """A window row (its start, current and previous counts) as the state."""
    if row is None:
        return None
    return WindowState(index=round(row[0] / window), current=row[1], previous=row[2])
