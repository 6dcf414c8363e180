"""A connection ready for a write that may run alone, as a request has it:
its session read first (which finds the connection alive), then switched
to that write (``adapters.db.engine``); ``as_a_request`` does the same
through ``SqlStorage``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from adapters.db.engine import connect, switch
from adapters.db.storage import SqlStorage


@contextmanager
def writing_alone(engine: Engine) -> Iterator[Connection]:
    with connect(engine, write=False) as connection:
        connection.execute(text("SELECT 1"))
        switch(connection, write=True, lone_write=True)
        yield connection


@contextmanager
def as_a_request(storage: SqlStorage, user_id: str) -> Iterator[None]:
    """``storage``'s units of work in this block share one connection, as a
    request's do, the user's read on it first, as authentication's is."""
    storage.hold_connection()
    try:
        with storage.unit_of_work() as uow:
            assert uow.users.get(user_id) is not None
        yield
    finally:
        storage.let_go_of_connection()
