"""What ``adapters.db.engine`` sends SQLite to begin a unit of work: a read
(``connect(write=False)``, or ``switch`` back to reading) nothing, in
autocommit; a write ``BEGIN IMMEDIATE``; any other connection of the
engine (migrations, purge, idempotency keys) ``BEGIN``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from adapters.db.engine import CUT_EARLY, connect, make_engine, switch


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'units.db'}")
    yield engine
    engine.dispose()


def _sent(connection: Connection) -> list[str]:
    """The statements the driver runs from now on (SQLite's trace)."""
    sent: list[str] = []
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.set_trace_callback(sent.append)
    return sent


def _one_statement(connection: Connection) -> list[str]:
    sent = _sent(connection)
    connection.execute(text("SELECT 1")).scalar_one()
    return sent


def test_a_read_begins_nothing(engine: Engine) -> None:
    with connect(engine, write=False) as connection:
        assert _one_statement(connection) == ["SELECT 1"]
        assert not connection.connection.driver_connection.in_transaction  # type: ignore[union-attr]
    with connect(engine, write=False) as connection:
        connection.execution_options(**{CUT_EARLY: True})  # another option keeps it a read
        assert _one_statement(connection) == ["SELECT 1"]


def test_a_write_begins_immediate(engine: Engine) -> None:
    with connect(engine, write=True) as connection:
        assert _one_statement(connection) == ["BEGIN IMMEDIATE", "SELECT 1"]


def test_a_switched_connection_begins_as_it_was_switched(engine: Engine) -> None:
    with connect(engine, write=False) as connection:
        connection.execute(text("SELECT 1"))
        switch(connection, write=True)
        assert _one_statement(connection) == ["BEGIN IMMEDIATE", "SELECT 1"]
        connection.commit()
        switch(connection, write=False)
        assert _one_statement(connection) == ["SELECT 1"]


def test_another_connection_begins_a_transaction(engine: Engine) -> None:
    with engine.connect() as connection:
        assert _one_statement(connection) == ["BEGIN", "SELECT 1"]
    with engine.begin() as connection:
        assert _one_statement(connection) == ["SELECT 1"]  # begun already
    with connect(engine, write=False) as reader:
        assert _one_statement(reader) == ["SELECT 1"]
    with engine.connect() as connection:  # the same pooled connection: the read left nothing behind
        assert _one_statement(connection) == ["BEGIN", "SELECT 1"]


def test_a_write_still_locked_out_when_the_busy_timeout_ends_is_sqlalchemys_operational_error(engine: Engine) -> None:
    """The web edge answers SQLAlchemy's OperationalError with 503; the
    driver's own, raised by the BEGIN this module sends, would be a 500."""
    with connect(engine, write=True) as holder, connect(engine, write=True) as waiter:
        holder.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is the holder's
        waiter.connection.driver_connection.execute("PRAGMA busy_timeout = 10")  # type: ignore[union-attr]
        with pytest.raises(OperationalError, match="database is locked"):
            waiter.execute(text("SELECT 1"))
