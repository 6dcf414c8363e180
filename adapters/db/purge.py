"""Deleting what the database no longer needs, in bounded batches: sessions
expired (or revoked a day ago), idempotency keys past their 24 hours, and
rate-limit rows untouched for a week (a bucket idle that long is full again
and a window that old counts nothing: deleting them changes no decision).

Each batch is one short transaction deleting at most ``batch`` rows of one
table, so a purge never holds locks for long; ``purge`` stops after
``max_batches`` batches per table, and the next run goes on. ``darasa purge``
runs it once; ``start_periodic_purge`` runs it in the background of a server.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Table, delete, or_, select, tuple_
from sqlalchemy.exc import SQLAlchemyError

from adapters.db.tables import idempotency_keys, rate_limit_buckets, rate_limit_windows, sessions
from core.idempotency import REPLAY_SECONDS
from core.ports import Clock
from core.records import frozen

log = logging.getLogger(__name__)

BATCH = 1_000
MAX_BATCHES = 100
IDLE_LIMITS = timedelta(days=7)
"""Longer than any bucket takes to refill (the interview bucket: 3 days)."""
REVOKED_KEPT = timedelta(days=1)
PERIOD_SECONDS = 15 * 60


@frozen
class Purged:
    sessions: int
    idempotency_keys: int
    rate_limit_rows: int


def purge(engine: Engine, clock: Clock, batch: int = BATCH, max_batches: int = MAX_BATCHES) -> Purged:
    now = clock.now()
    idle = (now - IDLE_LIMITS).timestamp()
    return Purged(
        sessions=_in_batches(engine, sessions, [sessions.c.id], or_(
            sessions.c.expires_at < now, sessions.c.revoked_at < now - REVOKED_KEPT), batch, max_batches),
        idempotency_keys=_in_batches(
            engine, idempotency_keys, [idempotency_keys.c.user_id, idempotency_keys.c.key],
            idempotency_keys.c.created_at < now - timedelta(seconds=REPLAY_SECONDS), batch, max_batches),
        rate_limit_rows=_in_batches(engine, rate_limit_buckets, [rate_limit_buckets.c.key],
                                    rate_limit_buckets.c.updated_at < idle, batch, max_batches)
        + _in_batches(engine, rate_limit_windows, [rate_limit_windows.c.key],
                      rate_limit_windows.c.window_start < idle, batch, max_batches),
    )


def _in_batches(
    engine: Engine, table: Table, key: list[Any], condition: ColumnElement[bool],
    batch: int, max_batches: int,
) -> int:
    total = 0
    for _ in range(max_batches):
        chosen = select(*key).where(condition).limit(batch)
        target = key[0].in_(chosen) if len(key) == 1 else tuple_(*key).in_(chosen)
        with engine.begin() as connection:
            deleted = len(connection.execute(delete(table).where(target).returning(key[0])).all())
        total += deleted
        if deleted < batch:
            break
    return total


def start_periodic_purge(
    run: Callable[[], object], period: float = PERIOD_SECONDS, stop: threading.Event | None = None
) -> threading.Thread:
    """Run ``run`` every ``period`` seconds (jittered, so that workers spread
    out) on a daemon thread; a failure is logged and the next run tries again."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(period * random.uniform(0.5, 1.5)):
            try:
                run()
            except SQLAlchemyError as error:
                log.warning("periodic purge failed, will retry: %s", type(error).__name__)

    thread = threading.Thread(target=loop, name="darasa-purge", daemon=True)
    thread.start()
    return thread
