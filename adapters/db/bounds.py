"""Bounds on every PostgreSQL round trip, so that a database that is down or
frozen costs a quick ``503``, never a hung worker (issue 8, finding 5).

- The server bounds itself: ``statement_timeout`` (a statement that runs too
  long is cancelled) and ``idle_in_transaction_session_timeout``, passed as
  connection options. The latter also makes a client's give-up safe: a
  server frozen between a transaction's last statement and its ``COMMIT``
  has been idle in that transaction for longer than the client waits, so when
  it thaws it ends the session before reading the ``COMMIT`` — a write the
  client answered as failed is never committed afterwards.
- The client bounds each call: a server that is frozen (SIGSTOP, a stalled
  host) still has its kernel acknowledge every packet, so TCP timeouts never
  fire and libpq would wait for ever. A watchdog thread shuts the socket of a
  call that has waited ``ROUND_TRIP_SECONDS`` down, which ends the wait with
  a disconnect error; the pool then drops that connection.
- A circuit breaker (``adapters.resilience``) opens on a connection failure
  or a call cut off by the watchdog, and while it is open every call fails
  at once. A pooled connection found closed (the server restarted) does not
  open it: the pool reconnects (``adapters.db.engine``), and only a failure
  to connect does.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
import psycopg.errors
from sqlalchemy import Engine, event

from adapters.resilience import CircuitBreaker

SERVER_STATEMENT_MS = 1500
"""The server cancels a statement after this long."""
SERVER_IDLE_IN_TRANSACTION_MS = 1500
"""The server ends a session idle inside a transaction for this long; must be
below ROUND_TRIP_SECONDS (see the module docstring)."""
ROUND_TRIP_SECONDS = 2.0
"""The client gives up on any call to the server (a statement, a commit, a
rollback, a ping) after this long."""
_WATCH_INTERVAL = 0.05

SERVER_OPTIONS = (f"-c statement_timeout={SERVER_STATEMENT_MS} "
                  f"-c idle_in_transaction_session_timeout={SERVER_IDLE_IN_TRANSACTION_MS}")
CONNECT_ARGS = {
    # A peer host that vanishes: unacknowledged data and silence are noticed.
    "tcp_user_timeout": int(ROUND_TRIP_SECONDS * 1000),
    "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2,
}


class Unavailable(psycopg.OperationalError):
    """The database is known to be down (the breaker is open), or a call to
    it took too long."""


class Watchdog:
    """One thread per process that shuts down the socket of any call that
    has waited past its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[int, tuple[float, int]] = {}
        self._next = 0
        self._pid = 0

    def watch(self, fd: int, seconds: float) -> int:
        with self._lock:
            if self._pid != os.getpid():  # first call, or a forked worker
                self._pid = os.getpid()
                self._calls.clear()
                threading.Thread(target=self._run, name="darasa-db-watchdog", daemon=True).start()
            self._next += 1
            self._calls[self._next] = (time.monotonic() + seconds, fd)
            return self._next

    def done(self, ticket: int) -> bool:
        """Forget a call; False when it had been cut off."""
        with self._lock:
            return self._calls.pop(ticket, None) is not None

    def _run(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(_WATCH_INTERVAL)
            now = time.monotonic()
            with self._lock:
                late = [(ticket, fd) for ticket, (deadline, fd) in self._calls.items() if deadline <= now]
                for ticket, fd in late:
                    del self._calls[ticket]
                    _shut_down(fd)


def _shut_down(fd: int) -> None:
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed meanwhile


WATCHDOG = Watchdog()


class Bounds:
    """The breaker and the watchdog around one engine's calls."""

    def __init__(self, breaker: CircuitBreaker | None = None, seconds: float = ROUND_TRIP_SECONDS) -> None:
        self.breaker = breaker or CircuitBreaker()
        self.seconds = seconds

    def call(self, connection: Any, method: Callable[..., Any], *args: Any) -> Any:
        """``method(*args)``, a call over ``connection`` (a psycopg connection)."""
        if not self.breaker.allow():
            connection.close()  # so the pool drops it: it is a disconnect
            raise Unavailable("the database is unavailable (circuit open)")
        if connection.closed:
            return method(*args)  # psycopg says so at once; the pool replaces it
        ticket = WATCHDOG.watch(connection.pgconn.socket, self.seconds)
        try:
            result = method(*args)
        except psycopg.Error as error:
            in_time = WATCHDOG.done(ticket)
            if isinstance(error, psycopg.errors.IdleInTransactionSessionTimeout):
                # The server ended a transaction left idle too long (a
                # frozen server thawing, or a stalled worker): nothing of it
                # was committed, and the connection is gone.
                raise Unavailable("the database ended an idle transaction") from error
            if (connection.closed or connection.broken) and not in_time:
                self.breaker.failed()
                raise Unavailable(f"the database did not answer within {self.seconds} s") from error
            # A pooled connection found closed at once (the server restarted,
            # or ended an idle session) says nothing of the server: the pool
            # reconnects, and a failure to connect opens the breaker.
            raise
        WATCHDOG.done(ticket)
        self.breaker.succeeded()
        return result

    def connecting(self, connect: Callable[[], Any]) -> Any:
        if not self.breaker.allow():
            raise Unavailable("the database is unavailable (circuit open)")
        try:
            connection = connect()
        except psycopg.OperationalError:
            self.breaker.failed()
            raise
        self.breaker.succeeded()
        return connection


def _raw(connection_or_cursor: Any) -> Any:
    """psycopg's connection behind a cursor, a pool's proxy or itself."""
    if isinstance(connection_or_cursor, psycopg.Cursor):
        return connection_or_cursor.connection
    return getattr(connection_or_cursor, "dbapi_connection", connection_or_cursor)


def install(engine: Engine, bounds: Bounds | None = None) -> Bounds:
    """Put ``bounds`` around every call ``engine`` makes to PostgreSQL."""
    bounds = bounds or Bounds()
    dialect = engine.dialect

    def calls(name: str) -> None:
        original = getattr(dialect, name)

        def guarded(dbapi_connection_or_cursor: Any, *args: Any, **kwargs: Any) -> Any:
            return bounds.call(_raw(dbapi_connection_or_cursor),
                               lambda: original(dbapi_connection_or_cursor, *args, **kwargs))

        setattr(dialect, name, guarded)

    for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit", "do_ping"):
        calls(name)
    original_rollback = dialect.do_rollback

    def rollback(dbapi_connection: Any) -> None:
        raw = _raw(dbapi_connection)
        if raw.closed:
            return  # the server has rolled it back already
        try:
            bounds.call(raw, lambda: original_rollback(dbapi_connection))
        except psycopg.OperationalError:
            if not (raw.closed or raw.broken):
                raise
            raw.close()  # gone with its transaction; the pool replaces it

    dialect.do_rollback = rollback  # type: ignore[method-assign]

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return bounds.connecting(lambda: dialect.connect(*cargs, **cparams))

    return bounds
