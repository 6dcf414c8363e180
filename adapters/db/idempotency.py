"""Idempotency keys in the database (SQLite or PostgreSQL), shared by every
process: each step is one short transaction of its own, apart from the
action's unit of work.

Taking a key is an ``INSERT .. ON CONFLICT DO NOTHING``; when the key is
there, an ``UPDATE`` that only matches a key past its 24 hours, or held past
its lease by a call that neither answered nor committed, takes it over;
otherwise the row says what to answer. The unique (user, key) row decides
every race. ``committed`` is set by the action's unit of work, in the
action's transaction (``adapters.db.storage``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy import Engine, and_, delete, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from adapters.db.engine import connect
from adapters.db.tables import idempotency_keys as table
from core.idempotency import REPLAY_SECONDS, RUNNING_LEASE_SECONDS, Claim
from core.ports import Clock

log = logging.getLogger(__name__)

CLAIM_ATTEMPTS = 3
"""A key released between our insert and our read is tried again, this many
times at most; then the call is answered as running (a retry will do)."""


class SqlIdempotencyKeys:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert

    def claim(self, user_id: str, key: str, fingerprint: str) -> Claim:
        for _ in range(CLAIM_ATTEMPTS):
            token, now = str(uuid.uuid4()), self._clock.now()
            mine = table.c.user_id == user_id, table.c.key == key
            with connect(self._engine, write=True) as connection, connection.begin():
                taken = connection.execute(
                    self._insert(table)
                    .values(user_id=user_id, key=key, fingerprint=fingerprint, token=token, created_at=now)
                    .on_conflict_do_nothing()
                    .returning(table.c.token)
                ).first()
                if taken is None:
                    taken = connection.execute(
                        update(table)
                        .where(
                            *mine,
                            or_(
                                table.c.created_at < now - timedelta(seconds=REPLAY_SECONDS),
                                and_(
                                    table.c.response.is_(None),
                                    table.c.committed.is_(False),
                                    table.c.created_at < now - timedelta(seconds=RUNNING_LEASE_SECONDS),
                                ),
                            ),
                        )
                        .values(
                            fingerprint=fingerprint, token=token, response=None, committed=False, created_at=now
                        )
                        .returning(table.c.token)
                    ).first()
                if taken is not None:
                    return Claim("new", token=token)
                row = connection.execute(
                    select(table.c.fingerprint, table.c.response, table.c.committed).where(*mine)
                ).first()
            if row is None:
                continue  # released in between: try again
            if row.fingerprint != fingerprint:
                return Claim("mismatch")
            if row.response is None:
                return Claim("lost" if row.committed else "running")
            return Claim("done", response=row.response)
        return Claim("running")

    def finish(self, user_id: str, key: str, token: str, response: str) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    update(table)
                    .where(table.c.user_id == user_id, table.c.key == key, table.c.token == token)
                    .values(response=response)
                )
        except SQLAlchemyError:
            log.warning("could not store the answer under an idempotency key; a retry is refused (409) "
                        "if the call committed, else may run in %ss", RUNNING_LEASE_SECONDS, exc_info=True)

    def release(self, user_id: str, key: str, token: str) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    delete(table).where(
                        table.c.user_id == user_id,
                        table.c.key == key,
                        table.c.token == token,
                        table.c.response.is_(None),
                        table.c.committed.is_(False),
                    )
                )
        except SQLAlchemyError:
            log.warning("could not release an idempotency key; it lapses in %ss",
                        RUNNING_LEASE_SECONDS, exc_info=True)

    def purge(self, limit: int) -> int:
        cutoff = self._clock.now() - timedelta(seconds=REPLAY_SECONDS)
        with self._engine.begin() as connection:
            expired = (
                select(table.c.user_id, table.c.key)
                .where(table.c.created_at < cutoff)
                .order_by(table.c.created_at)
                .limit(limit)
            )
            return len(connection.execute(
                delete(table).where(tuple_(table.c.user_id, table.c.key).in_(expired)).returning(table.c.key)
            ).all())
