"""A connection ready for a write that may run alone, as a request has it:
its session read first (which finds the connection alive), then switched
to that write (``adapters.db.engine``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from adapters.db.engine import connect, switch


@contextmanager
def writing_alone(engine: Engine) -> Iterator[Connection]:
    with connect(engine, write=False) as connection:
        connection.execute(text("SELECT 1"))
        switch(connection, write=True, lone_write=True)
        yield connection
