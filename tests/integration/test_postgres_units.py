"""What ``adapters.db.engine`` begins on PostgreSQL, where the driver is in
autocommit and ``BEGIN`` is ours to send: a read (``connect(write=False)``,
or ``switch`` back to reading) nothing; a write, and any other connection of
the engine (migrations, purge, idempotency keys), a transaction that nothing
outside sees until it commits, unless it is a write allowed to run alone
with its deadline, which commits as it runs, and changes nothing when the
server reads it too late. Read off the server's own transaction status and
off a second connection."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy.exc
from sqlalchemy import Connection, Engine, Float, bindparam, select, text

from adapters.db import bounds
from adapters.db.engine import connect, make_engine, switch
from adapters.db.prebuilt import RECEIVED_IN_TIME, Prebuilt
from adapters.db.tables import rate_limit_buckets as rows
from tests.integration.lone_writes import writing_alone

pytestmark = pytest.mark.postgres

IDLE, IN_TRANSACTION = psycopg.pq.TransactionStatus.IDLE, psycopg.pq.TransactionStatus.INTRANS


def _status(connection: Connection) -> psycopg.pq.TransactionStatus:
    """The server's transaction status, as its last answer reported it."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver.info.transaction_status


@pytest.fixture
def key(postgres_engine: Engine) -> Iterator[str]:
    key = f"units-{uuid.uuid4()}"
    yield key
    with postgres_engine.begin() as connection:
        connection.execute(rows.delete().where(rows.c.key == key))


def _insert(connection: Connection, key: str) -> None:
    connection.execute(rows.insert().values(key=key, tokens=1.0, updated_at=0.0))


def _seen(engine: Engine, key: str) -> bool:
    with connect(engine, write=False) as other:
        return other.execute(rows.select().where(rows.c.key == key)).first() is not None


def test_a_read_begins_nothing(postgres_engine: Engine) -> None:
    with connect(postgres_engine, write=False) as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert _status(connection) == IDLE


def test_a_write_is_seen_only_once_committed(postgres_engine: Engine, key: str) -> None:
    with connect(postgres_engine, write=True) as connection:
        _insert(connection, key)
        assert _status(connection) == IN_TRANSACTION
        assert not _seen(postgres_engine, key)
        connection.commit()
        assert _status(connection) == IDLE
    assert _seen(postgres_engine, key)


def test_a_write_not_committed_leaves_nothing(postgres_engine: Engine, key: str) -> None:
    with connect(postgres_engine, write=True) as connection:
        _insert(connection, key)
    assert not _seen(postgres_engine, key)
    with connect(postgres_engine, write=False) as connection:  # its pooled connection, clean
        connection.execute(text("SELECT 1"))
        assert _status(connection) == IDLE


def test_a_switched_connection_begins_as_it_was_switched(postgres_engine: Engine, key: str) -> None:
    with connect(postgres_engine, write=False) as connection:
        connection.execute(text("SELECT 1"))
        switch(connection, write=True)
        _insert(connection, key)
        assert _status(connection) == IN_TRANSACTION
        connection.commit()
        switch(connection, write=False)
        connection.execute(text("SELECT 1"))
        assert _status(connection) == IDLE
    assert _seen(postgres_engine, key)


def test_another_connection_begins_a_transaction(postgres_engine: Engine, key: str) -> None:
    with connect(postgres_engine, write=False) as reader:
        reader.execute(text("SELECT 1"))
    with postgres_engine.connect() as connection:  # the reader's pooled connection
        _insert(connection, key)
        assert _status(connection) == IN_TRANSACTION
        assert not _seen(postgres_engine, key)
        connection.rollback()
    assert not _seen(postgres_engine, key)


def test_a_write_without_a_deadline_that_may_run_alone_still_begins_a_transaction(
        postgres_engine: Engine, key: str) -> None:
    """Only a statement with its deadline (``Prebuilt(..., alone=...)``) runs
    alone here: in autocommit without one it could commit, on a frozen
    server's thawing, what its client answered 503."""
    insert = Prebuilt(rows.insert().values(key=bindparam("key"), tokens=1.0, updated_at=0.0))
    with writing_alone(postgres_engine) as connection:
        insert(connection, {"key": key}, alone=True)
        assert _status(connection) == IN_TRANSACTION
        assert not _seen(postgres_engine, key)
        connection.commit()
    assert _seen(postgres_engine, key)


_TOKENS = bindparam("tokens", type_=Float())
_UPDATE = rows.update().where(rows.c.key == bindparam("key")).values(tokens=_TOKENS)
_TAKE = Prebuilt(_UPDATE, alone=_UPDATE.where(RECEIVED_IN_TIME))


def _tokens(engine: Engine, key: str) -> float:
    with connect(engine, write=False) as connection:
        return connection.execute(select(rows.c.tokens).where(rows.c.key == key)).scalar_one()


def test_a_write_with_its_deadline_runs_alone_committed_as_it_runs(postgres_engine: Engine, key: str) -> None:
    with postgres_engine.begin() as connection:
        _insert(connection, key)
    with writing_alone(postgres_engine) as connection:
        assert _TAKE(connection, {"key": key, "tokens": 2.0}, alone=True).rowcount == 1
        assert _status(connection) == IDLE
        assert _tokens(postgres_engine, key) == 2.0  # seen before any commit
    assert _tokens(postgres_engine, key) == 2.0
    with writing_alone(postgres_engine) as connection:  # in time, nothing to change
        assert _TAKE(connection, {"key": f"{key}-none", "tokens": 3.0}, alone=True).rowcount == 0


def test_a_write_with_its_deadline_as_its_units_first_statement_begins_a_transaction(
        postgres_engine: Engine, key: str) -> None:
    """Its connection not yet found alive, it is sent after a ``BEGIN``,
    which is run again on a fresh connection if the pooled one is dead
    (``tests/integration/test_sql_reconnect.py``)."""
    with postgres_engine.begin() as connection:
        _insert(connection, key)
    with connect(postgres_engine, write=True, lone_write=True) as connection:
        assert _TAKE(connection, {"key": key, "tokens": 2.0}, alone=True).rowcount == 1
        assert _status(connection) == IN_TRANSACTION
        connection.commit()
    assert _tokens(postgres_engine, key) == 2.0


def test_a_write_read_after_its_deadline_changes_nothing_and_is_an_outage(
        postgres_engine: Engine, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a server frozen until after the deadline would read it: "too
    late" is a 503 at the edge (an ``OperationalError``), not "no such
    row", and the connection's reading of the server's clock is taken again."""
    with postgres_engine.begin() as connection:
        _insert(connection, key)
    monkeypatch.setattr(bounds, "RECEIPT_SECONDS", -1.0)  # every deadline already past
    with writing_alone(postgres_engine) as connection:
        with pytest.raises(sqlalchemy.exc.OperationalError, match="too late"):
            _TAKE(connection, {"key": key, "tokens": 5.0}, alone=True)
        assert bounds._CLOCK not in connection.connection.info  # noqa: SLF001
    assert _tokens(postgres_engine, key) == 1.0


def test_a_deadline_is_never_later_on_the_servers_clock_than_its_allowance(postgres_engine: Engine) -> None:
    """Never later than ``RECEIPT_SECONDS`` after it was drawn, and earlier
    by no more than the client's clock can tell (the time the test took
    since the server's clock was read, twice: the reading's round trip and
    the wait before the check)."""
    with connect(postgres_engine, write=False) as connection:
        proxy = connection.connection
        started = time.monotonic()
        for _ in range(3):  # the clock read, then the reading reused
            cursor = proxy.cursor()
            deadline = bounds.received_by(proxy.info, cursor, postgres_engine.dialect)
            cursor.execute("SELECT extract(epoch FROM clock_timestamp())::float8")
            (server_now,) = cursor.fetchone()
            cursor.close()
            uncertain = 2 * (time.monotonic() - started)
            assert bounds.RECEIPT_SECONDS - uncertain <= deadline - server_now <= bounds.RECEIPT_SECONDS + 1e-3


def test_an_engine_without_bounds_runs_no_write_alone(postgres_engine: Engine, postgres_url: str, key: str) -> None:
    engine = make_engine(postgres_url, bounded=False)
    try:
        with engine.begin() as connection:
            _insert(connection, key)
        with writing_alone(engine) as connection:
            _TAKE(connection, {"key": key, "tokens": 4.0}, alone=True)
            assert _status(connection) == IN_TRANSACTION
            connection.commit()
    finally:
        engine.dispose()
    assert _tokens(postgres_engine, key) == 4.0
