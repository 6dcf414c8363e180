"""What ``adapters.db.engine`` begins on PostgreSQL, where the driver is in
autocommit and ``BEGIN`` is ours to send: a read (``connect(write=False)``,
or ``switch`` back to reading) nothing; a write, and any other connection of
the engine (migrations, purge, idempotency keys), a transaction that nothing
outside sees until it commits, a write allowed to run alone (on SQLite) too.
Read off the server's own transaction status and off a second connection."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Connection, Engine, bindparam, text

from adapters.db.engine import connect, switch
from adapters.db.prebuilt import Prebuilt
from adapters.db.tables import rate_limit_buckets as rows

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


def test_a_write_that_may_run_alone_still_begins_a_transaction(postgres_engine: Engine, key: str) -> None:
    """``lone_write`` is SQLite's: here a write in autocommit could commit,
    on a frozen server's thawing, what its client answered 503."""
    insert = Prebuilt(rows.insert().values(key=bindparam("key"), tokens=1.0, updated_at=0.0))
    with connect(postgres_engine, write=True, lone_write=True) as connection:
        insert(connection, {"key": key}, alone=True)
        assert _status(connection) == IN_TRANSACTION
        assert not _seen(postgres_engine, key)
        connection.commit()
    assert _seen(postgres_engine, key)
