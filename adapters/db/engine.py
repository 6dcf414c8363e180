"""Engines for SQLite (the embedded default) and PostgreSQL (scaled out).

On both, the driver is left in autocommit and we send ``BEGIN`` ourselves,
from the dialect's ``do_begin`` (so that SQLAlchemy wraps what it raises as
it wraps a statement's errors: a lock held too long is an outage, a dead
connection a disconnect, retried as below), as SQLAlchemy's SQLite
documentation shows ("Using SQLAlchemy to emit BEGIN in lieu of SQLite's
transaction control"). A unit of work's connection (``connect``) made a
write's by it or by ``switch`` begins a *write* transaction, one that
serialises writers from its first statement so that a read-check-write
sequence (a plan allowance) cannot interleave with another:

- SQLite: a write transaction begins with ``BEGIN IMMEDIATE`` and so holds
  the database's write lock from the start.
- PostgreSQL: writers of different users must not wait for each other, so a
  write transaction takes no lock up front; a read-check-write sequence locks
  what it checks (``Users.lock_usage`` is ``SELECT ... FOR UPDATE`` on the
  user's row). Transactions run at READ COMMITTED, so every statement after
  the lock sees what the previous holder committed. Migrations take an
  advisory lock of their own (``adapters.db.migrate``). psycopg's
  ``commit`` and ``rollback`` go by the server's transaction status, so they
  end what we began, and send nothing when nothing was.

A write that is its unit of work's only statement (createJobInfo's insert,
updateJobInfo's update, createInterview's insert:
``Storage.unit_of_work(one_write=True)``) runs alone, in autocommit,
committed as it runs: no ``BEGIN`` (``BEGIN IMMEDIATE``) nor ``COMMIT``, two
round trips of four on PostgreSQL; on SQLite the write lock held for that
statement only, never while its thread waits for the GIL
(``RetryOnceConnection.lone_write``). One statement is atomic either way; a
second one in that unit of work is refused. On PostgreSQL only on a bounded
engine, only on a connection that has answered since it left the pool (as
it has once a request read its session on it:
``RetryOnceConnection.may_write_alone``), and only a statement with a
deadline of its own (``Prebuilt(..., alone=...)``): a server frozen before
it reads a statement in autocommit would, on thawing, commit what its
client had given up on and answered 503 (a ``COMMIT`` is protected from
that by ``idle_in_transaction_session_timeout``); one read after its
deadline changes nothing (``adapters.db.bounds``, ``RECEIPT_SECONDS``).

A read (a unit of work that is not a write) runs in autocommit on both: no
BEGIN, no ROLLBACK, each statement seeing what was committed when it began.
On PostgreSQL at READ COMMITTED that is what a transaction would give anyway,
so one would only add round trips; SQLite then reads as PostgreSQL does,
in one call into the driver instead of three. The engine's other
connections (``engine.connect()``, ``engine.begin()``: purge, idempotency
keys, rate-limit rows) begin a plain ``BEGIN``.

Two things this avoids: switching a PostgreSQL connection's isolation
level between a read and a write (three ``execution_options`` calls a
write, each setting psycopg's ``autocommit`` and ``isolation_level``), and
a ``begin`` event listener, whose presence makes SQLAlchemy dispatch its
connection events on every statement of every connection. Together, under
callgrind, 6% of a PostgreSQL write's instructions and 1–4% of a SQLite
request's.

Round trips on PostgreSQL: no pre-ping per checkout. Pooled connections are
recycled after half an hour, and a connection found dead by the first
statement of a unit of work (nothing of it sent yet) is replaced and the
statement retried once (SQLAlchemy's "optimistic" disconnect handling; the
disconnect also invalidates the rest of the pool).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

CUT_EARLY = "darasa_cut_early"
"""Execution option (PostgreSQL): a statement in autocommit whose effect may
land after its caller was told it failed (a rate-limit decision), so that
``adapters.db.bounds`` may give up on it as soon as the server is found
frozen."""
WRITES_ALONE = "darasa_writes_alone"
"""Attribute of a PostgreSQL engine's dialect that ``adapters.db.bounds`` sets:
its writes may run alone (their deadlines are kept)."""
RECEIVED_BY = "received_by"
"""The bound parameter of a write run alone on PostgreSQL: when, on the
server's clock (in seconds since the epoch), the server must have read it
(``adapters.db.bounds``)."""
CONNECT_TIMEOUT_SECONDS = 2
"""PostgreSQL: how long opening a connection may take."""
POOL_TIMEOUT_SECONDS = 2
"""How long a request waits for a pooled connection when all are in use."""

SQLITE_BUSY_TIMEOUT_MS = 15_000

def make_engine(url: str, *, bounded: bool = True) -> Engine:
    """An engine for ``url``; ``postgres://`` and ``postgresql://`` mean psycopg 3.
    On PostgreSQL, ``bounded`` (serving) puts ``adapters.db.bounds`` around
    every call; migrations and ``darasa purge`` may take their time."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return _postgres_engine(parsed, bounded)
    raise ValueError(f"unsupported database {parsed.drivername!r}: use sqlite or postgresql")


def connect(engine: Engine, *, write: bool, lone_write: bool = False) -> Connection:
    """A connection for one unit of work: a write transaction, or a read in
    autocommit; retried once on a dead pooled connection, as the module
    says. ``lone_write``: its write may run alone (``RetryOnceConnection``)."""
    connection = RetryOnceConnection(engine)
    connection.writes = write
    connection.lone_write = write and lone_write and _writes_alone(engine.dialect)
    return connection


def switch(connection: Connection, *, write: bool, lone_write: bool = False) -> None:
    """Turn a unit of work's connection, between transactions, into a
    write's (as ``connect(write=True)`` gives) or a read's; no round trip.
    What the last read began (SQLAlchemy begins even in autocommit, though
    nothing is sent) ends first, so that the write's first statement begins
    its transaction."""
    assert isinstance(connection, RetryOnceConnection), "connect()'s connection"
    connection.rollback()
    connection.writes = write
    connection.lone_write = write and lone_write and _writes_alone(connection.dialect)
    connection.wrote_alone = False


def _writes_alone(dialect: Any) -> bool:
    return dialect.name == "sqlite" or getattr(dialect, WRITES_ALONE, False)


def changed_nothing(connection: Connection) -> None:
    """The write that ran alone on ``connection`` changed nothing: its unit
    of work may go on."""
    if isinstance(connection, RetryOnceConnection):
        connection.wrote_alone = False


def wrote_alone(connection: Connection) -> bool:
    """Whether a write ran alone on ``connection``, committed, in the unit of work."""
    return isinstance(connection, RetryOnceConnection) and connection.wrote_alone


class RetryOnceConnection(Connection):
    """A connection whose first statement, if it finds the pooled DBAPI
    connection dead, is run again on a fresh one. Only the first: after it
    something of the unit of work may have reached the server."""

    _sent = False
    writes = False
    """Whether its transactions are a write's (``connect``, ``switch``)."""
    lone_write = False
    """Whether its unit of work's write may run alone (as the module says):
    a statement that is the whole write by itself (one ``Prebuilt``
    called with ``alone``), its unit of work's first, run in autocommit,
    committed as it runs, with no ``BEGIN IMMEDIATE`` nor ``COMMIT``. Not
    when something else must commit with it (an idempotency key's mark)."""
    wrote_alone = False
    """A write ran alone and changed something: its unit of work may run
    nothing more (``retried_once`` refuses), since that would not commit
    with it."""

    def begin(self) -> Any:
        if self.in_transaction():
            return super().begin()  # which says so
        # tell the dialect's do_begin (which gets only the pool's proxy)
        # what to send: a read sends nothing
        proxy = self.connection
        proxy.info[_BEGIN] = (_WRITE_BEGINS[self.dialect.name] if self.writes else None)
        try:
            return super().begin()
        finally:
            proxy.info.pop(_BEGIN, None)

    def execute(self, statement: Any, parameters: Any = None, **kwargs: Any) -> Any:
        return self.retried_once(lambda: super(RetryOnceConnection, self).execute(statement, parameters, **kwargs))

    def retried_once(self, run: Callable[[], T]) -> T:
        """``run()``, a statement (its BEGIN included); if it is the unit of
        work's first and found the pooled DBAPI connection dead, run again
        on a fresh one (``Prebuilt`` runs its statements through this)."""
        if self.wrote_alone:
            raise RuntimeError("a unit of work whose write ran alone (committed) ran another statement")
        if self._sent or self.in_transaction():
            # after the first statement, or in a transaction begun
            # explicitly (``with connection.begin()``), which a retry would
            # leave behind: no retry
            return run()
        self._sent = True
        try:
            return run()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            self.rollback()  # lets the connection procure a new DBAPI connection
            return run()

    def may_write_alone(self) -> bool:
        """Whether a write may run alone now (``lone_write``, nothing begun).
        On PostgreSQL only on a connection that has answered since it left
        the pool (a request's session read on it): a write run alone is
        never run again on a fresh connection, so sent first it would fail
        on a pooled connection the server has closed, where a ``BEGIN`` is
        run again."""
        return self.lone_write and not self.in_transaction() and (self._sent or self.dialect.name == "sqlite")

    def ran_alone(self, run: Callable[[], T]) -> T:
        """``run()``, a write that ``may_write_alone``, sent in autocommit;
        its unit of work runs nothing more unless it changed nothing
        (``changed_nothing``). Never run again on a fresh connection: it may
        have committed."""
        self.lone_write = False
        self._sent = True
        self.wrote_alone = True
        return run()

    def begin_nested(self) -> Any:
        self._sent = True  # a savepoint's statements are not retried
        return super().begin_nested()


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database not in ("", ":memory:") and not url.query.get("uri"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _switch_to_wal(dbapi_connection)
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        # SQLite's own lower() folds ASCII only; fold as Python does, so that
        # case-insensitive searches agree with every other backend.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    def do_begin(dbapi_connection: Any) -> None:
        # straight to the driver: nothing to compile or log (on every write)
        statement = dbapi_connection.info.get(_BEGIN, "BEGIN")
        if statement is not None:  # a read sends nothing; the driver's rollback at its end neither
            dbapi_connection.driver_connection.execute(statement)

    engine.dialect.do_begin = do_begin  # type: ignore[method-assign]
    return engine


_BEGIN = "darasa_begin"
"""Key of a pooled connection's ``info``: what its ``do_begin`` sends (set
by ``RetryOnceConnection.begin``; otherwise ``BEGIN``)."""
_WRITE_BEGINS = {"sqlite": "BEGIN IMMEDIATE", "postgresql": "BEGIN"}


def _switch_to_wal(dbapi_connection: sqlite3.Connection) -> None:
    """WAL mode is kept in the file, so this only does work on a new file;
    but workers opening a new file together find it busy, and SQLite reports
    that at once rather than waiting: retry for as long as the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _postgres_engine(url: URL, bounded: bool) -> Engine:
    from adapters.db import bounds  # psycopg: imported only for PostgreSQL (start-up time)

    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if bounded:
        given = url.query.get("options") or ()
        options = " ".join([*([given] if isinstance(given, str) else given), bounds.SERVER_OPTIONS])
        connect_args.update(bounds.CONNECT_ARGS, options=options)
    engine = create_engine(
        url, pool_size=10, max_overflow=10, pool_recycle=1800,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        # A server that does not answer costs a quick 503, not a hung worker.
        connect_args=connect_args,
        hide_parameters=True,  # never log bound values: password hashes, emails, user text
        isolation_level="AUTOCOMMIT",  # the driver's: we send BEGIN (the module says why)
    )
    dialect = engine.dialect

    def do_begin(dbapi_connection: Any) -> None:
        statement = dbapi_connection.info.get(_BEGIN, "BEGIN")
        if statement is None:
            return  # a read
        cursor = dbapi_connection.cursor()
        try:
            dialect.do_execute_no_params(cursor, statement, None)  # through adapters.db.bounds
        finally:
            cursor.close()

    dialect.do_begin = do_begin  # type: ignore[method-assign]
    if bounded:
        bounds.install(engine)
    return engine
