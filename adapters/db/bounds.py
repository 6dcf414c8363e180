"""Bounds on every PostgreSQL round trip, so that a database that is down or
frozen costs a quick ``503`` (within a second), never a hung worker (issue 8,
finding 5).

- The server bounds itself: ``statement_timeout`` (a statement that runs too
  long is cancelled) and ``idle_in_transaction_session_timeout``, passed as
  connection options. The latter also makes a client's give-up on a
  ``COMMIT`` safe: a server frozen between a transaction's last statement and
  its ``COMMIT`` has been idle in that transaction for longer than the client
  waits for a commit, so when it thaws it ends the session before reading
  the ``COMMIT`` — a write the client answered as failed is never committed
  afterwards.
- The client bounds each call: a server that is frozen (SIGSTOP, a stalled
  host) still has its kernel acknowledge every packet, so TCP timeouts never
  fire and libpq would wait for ever. A watchdog thread watches every call.
  One that has waited ``SUSPECT_SECONDS`` makes it *probe* the server: a new
  TCP connection sends PostgreSQL's 8-byte SSL request, which a live server
  answers at once (a forked backend writes one byte) however busy its
  statements are. No answer within ``PROBE_SECONDS`` means the server is
  down: the breaker opens and every call that can safely be given up is cut
  (its socket shut down, which ends libpq's wait with a disconnect error;
  the pool then drops that connection). A call is given up on early unless
  giving up could report as failed what the server commits when it thaws: a
  ``COMMIT``, or a write in autocommit (statements the caller marks
  ``CUT_EARLY``, whose late effect does not matter, excepted). Those, and a
  slow call on a server that answers its probes, are cut only at
  ``ROUND_TRIP_SECONDS``.
- A write in autocommit that a unit of work runs alone (``adapters.db.engine``)
  carries its own deadline, on the server's clock: it changes nothing unless
  the server reads it within ``RECEIPT_SECONDS`` of its sending
  (``received_by``, in its WHERE as ``statement_timestamp() <``). Read in
  time, it ends within ``SERVER_STATEMENT_MS`` (cancelled, or committed),
  which leaves it inside ``ROUND_TRIP_SECONDS``: a server frozen before it
  read the write, thawing after its client gave up, finds it too late and
  changes nothing. The server's clock is read on each connection (one
  ``SELECT``, again after ``CLOCK_FRESH_SECONDS``), and the client's clock
  stands in for it from then on, on the side that can only make the
  deadline earlier. A write that changed nothing is asked whether it was in
  time (``read_in_time``), so that "too late" is answered as an outage, not
  as "no such record" or "limit reached".
- A circuit breaker (``adapters.resilience``) opens on a failed probe, a
  connection failure or a call cut off, and while it is open every call fails
  at once; after its cool-down the probe is its trial. A new connection is
  opened only after a probe answered (libpq's connect timeout cannot be
  under two seconds). A pooled connection found closed (the server
  restarted) does not open it: the pool reconnects (``adapters.db.engine``).
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
import psycopg.errors
from sqlalchemy import Engine, event

from adapters.db.engine import CUT_EARLY, RECEIVED_BY, WRITES_ALONE
from adapters.resilience import CircuitBreaker
from core.records import define

SERVER_STATEMENT_MS = 1500
"""The server cancels a statement after this long."""
SERVER_IDLE_IN_TRANSACTION_MS = 1500
"""The server ends a session idle inside a transaction for this long; must be
below ROUND_TRIP_SECONDS (see the module docstring)."""
ROUND_TRIP_SECONDS = 2.0
"""The client gives up on any call to the server (a statement, a commit, a
rollback) after this long, whatever its probes say."""
RECEIPT_SECONDS = 0.3
"""A write run alone changes nothing if the server reads it later than
this after it was sent; with SERVER_STATEMENT_MS it must leave some of
ROUND_TRIP_SECONDS for the answer to travel."""
assert RECEIPT_SECONDS + SERVER_STATEMENT_MS / 1000 + 0.2 <= ROUND_TRIP_SECONDS
CLOCK_FRESH_SECONDS = 10.0
"""How long a connection's reading of the server's clock is trusted."""
SUSPECT_SECONDS = 0.25
"""A call that has waited this long has the server probed (again each
SUSPECT_SECONDS while it waits)."""
PROBE_SECONDS = 0.4
"""A server that does not answer a probe within this long is down."""
_WATCH_INTERVAL = 0.05
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)
_IDLE = psycopg.pq.TransactionStatus.IDLE

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


def answers(host: str, port: int, seconds: float = PROBE_SECONDS) -> bool:
    """Whether the PostgreSQL server at ``host`` (a name, an address or a
    Unix socket's directory) and ``port`` answers an SSL request in time."""
    deadline = time.monotonic() + seconds
    try:
        if host.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(seconds)
            sock.connect(f"{host}/.s.PGSQL.{port}")
        else:
            sock = socket.create_connection((host, port), timeout=seconds)
        with sock:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock.sendall(_SSL_REQUEST)
            return sock.recv(1) in (b"N", b"S")
    except OSError:
        return False


@define(eq=False)
class _Call:
    fd: int
    bounds: Bounds
    started: float
    deadline: float
    cut_early: bool


class Watchdog:
    """One thread per process that watches every call: it has the server of a
    call that waits too long probed, and shuts down the socket of a call
    past its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[int, _Call] = {}
        self._next = 0
        self._pid = 0

    def watch(self, fd: int, bounds: Bounds, cut_early: bool) -> int:
        with self._lock:
            if self._pid != os.getpid():  # first call, or a forked worker
                self._pid = os.getpid()
                self._calls.clear()
                threading.Thread(target=self._run, name="darasa-db-watchdog", daemon=True).start()
            self._next += 1
            now = time.monotonic()
            self._calls[self._next] = _Call(fd, bounds, now, now + bounds.seconds, cut_early)
            return self._next

    def done(self, ticket: int) -> bool:
        """Forget a call; False when it had been cut off."""
        with self._lock:
            return self._calls.pop(ticket, None) is not None

    def cut(self, bounds: Bounds) -> None:
        """Cut off every call to ``bounds``' server that may be given up early."""
        with self._lock:
            for ticket, call in list(self._calls.items()):
                if call.bounds is bounds and call.cut_early:
                    del self._calls[ticket]
                    _shut_down(call.fd)

    def _run(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(_WATCH_INTERVAL)
            now = time.monotonic()
            suspects: set[Bounds] = set()
            with self._lock:
                for ticket, call in list(self._calls.items()):
                    if call.deadline <= now:
                        del self._calls[ticket]
                        _shut_down(call.fd)
                    elif now - call.started >= SUSPECT_SECONDS:
                        suspects.add(call.bounds)
            for bounds in suspects:
                bounds.suspect(now)


def _shut_down(fd: int) -> None:
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed meanwhile


WATCHDOG = Watchdog()


class Bounds:
    """The breaker, the probes and the watchdog around one engine's calls."""

    def __init__(self, address: tuple[str, int] | None = None, seconds: float = ROUND_TRIP_SECONDS) -> None:
        self.address = address
        """The server's host (or socket directory) and port, once known."""
        self.seconds = seconds
        self.breaker = CircuitBreaker(trial=self.answers)
        self._lock = threading.Lock()
        self._probing = False
        self._probed_at = 0.0

    def answers(self) -> bool:
        """Whether the server answers a probe (True while its address is
        unknown: then only libpq's own timeouts bound a connection)."""
        return self.address is None or answers(*self.address)

    def suspect(self, now: float) -> None:
        """A call has waited long: probe the server (once at a time, at
        most once every SUSPECT_SECONDS), and if it does not answer, open
        the breaker and cut off the calls that may be given up early."""
        with self._lock:
            if self._probing or now - self._probed_at < SUSPECT_SECONDS:
                return
            self._probing = True
        threading.Thread(target=self._probe, name="darasa-db-probe", daemon=True).start()

    def _probe(self) -> None:
        alive = self.answers()  # never raises
        with self._lock:
            self._probing = False
            self._probed_at = time.monotonic()
        if not alive:
            self.breaker.failed()
            WATCHDOG.cut(self)

    def call(self, connection: Any, method: Callable[[], Any], cut_early: bool) -> Any:
        """``method()``, a call over ``connection`` (a psycopg connection);
        ``cut_early``: it may be given up on as soon as a probe fails."""
        if not self.breaker.allow():
            connection.close()  # so the pool drops it: it is a disconnect
            raise Unavailable("the database is unavailable (circuit open)")
        if connection.closed:
            return method()  # psycopg says so at once; the pool replaces it
        ticket = WATCHDOG.watch(connection.pgconn.socket, self, cut_early)
        try:
            result = method()
        except psycopg.Error as error:
            in_time = WATCHDOG.done(ticket)
            if isinstance(error, psycopg.errors.IdleInTransactionSessionTimeout):
                # The server ended a transaction left idle too long (a
                # frozen server thawing, or a stalled worker): nothing of it
                # was committed, and the connection is gone.
                raise Unavailable("the database ended an idle transaction") from error
            if (connection.closed or connection.broken) and not in_time:
                self.breaker.failed()
                raise Unavailable("the database did not answer in time") from error
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
        if not self.answers():
            self.breaker.failed()
            raise Unavailable("the database does not answer")
        try:
            connection = connect()
        except psycopg.OperationalError:
            self.breaker.failed()
            raise
        self.address = (connection.info.host, connection.info.port)
        self.breaker.succeeded()
        return connection


_CLOCK = "darasa_server_clock"
"""Key of a pooled connection's ``info``: (when it was read, on the client's
monotonic clock; the server's clock minus the client's, at most)."""
_SERVER_CLOCK = "SELECT extract(epoch FROM clock_timestamp())::float8"
_IN_TIME = f"SELECT statement_timestamp() < to_timestamp(%({RECEIVED_BY})s)"


def received_by(info: dict[Any, Any], cursor: Any, dialect: Any) -> float:
    """The ``RECEIVED_BY`` of a write sent now on ``cursor``'s connection
    (whose pool ``info`` keeps its reading of the server's clock): the
    server's time ``RECEIPT_SECONDS`` from now, or earlier, never later.

    The server's clock was read at some instant between sending the
    ``SELECT`` and its answer; taking the answer's arrival for that instant
    gives the least the server's clock can be ahead of the client's, so a
    write the server reads in time by this deadline was read, on the
    client's clock, within ``RECEIPT_SECONDS``."""
    clock = info.get(_CLOCK)
    if clock is None or time.monotonic() - clock[0] > CLOCK_FRESH_SECONDS:
        dialect.do_execute_no_params(cursor, _SERVER_CLOCK, None)
        (server_now,) = cursor.fetchone()
        answered = time.monotonic()
        clock = info[_CLOCK] = (answered, server_now - answered)
    return time.monotonic() + RECEIPT_SECONDS + clock[1]


def read_in_time(info: dict[Any, Any], cursor: Any, dialect: Any, deadline: float) -> None:
    """A write sent with ``deadline`` changed nothing: return if the server
    read it in time (so nothing was what it had to change), raise
    ``Unavailable`` if it may have read it too late. A ``SELECT`` read
    before the deadline was read after the write, so the write was too."""
    dialect.do_execute(cursor, _IN_TIME, {RECEIVED_BY: deadline}, None)
    (in_time,) = cursor.fetchone()
    if not in_time:
        info.pop(_CLOCK, None)  # read again: the server's clock may have moved
        raise Unavailable("the database read a write too late to run it")


def _raw(connection_or_cursor: Any) -> Any:
    """psycopg's connection behind a cursor, a pool's proxy or itself."""
    if isinstance(connection_or_cursor, psycopg.Cursor):
        return connection_or_cursor.connection
    return getattr(connection_or_cursor, "dbapi_connection", connection_or_cursor)


def _may_cut_early(raw: Any, statement: Any, context: Any) -> bool:
    """Whether giving up on this statement can never report as failed what
    the server commits when it thaws."""
    if raw.pgconn.transaction_status != _IDLE:
        return True  # in a transaction: nothing commits without a COMMIT
    if isinstance(statement, str) and statement.lstrip()[:6].upper() in ("SELECT", "BEGIN"):
        return True
    return context is not None and bool(context.execution_options.get(CUT_EARLY, False))


def install(engine: Engine, bounds: Bounds | None = None) -> Bounds:
    """Put ``bounds`` around every call ``engine`` makes to PostgreSQL."""
    if bounds is None:
        host = engine.url.host
        bounds = Bounds((host, engine.url.port or 5432) if host else None)
    dialect = engine.dialect

    def statements(name: str) -> None:
        original = getattr(dialect, name)

        def guarded(cursor: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
            raw = _raw(cursor)
            context = kwargs.get("context", args[-1] if args else None)
            return bounds.call(raw, lambda: original(cursor, statement, *args, **kwargs),
                               _may_cut_early(raw, statement, context))

        setattr(dialect, name, guarded)

    for name in ("do_execute", "do_executemany", "do_execute_no_params"):
        statements(name)
    original_commit = dialect.do_commit

    def commit(dbapi_connection: Any) -> None:
        bounds.call(_raw(dbapi_connection), lambda: original_commit(dbapi_connection), False)

    dialect.do_commit = commit  # type: ignore[method-assign]
    original_rollback = dialect.do_rollback

    def rollback(dbapi_connection: Any) -> None:
        raw = _raw(dbapi_connection)
        if raw.closed:
            return  # the server has rolled it back already
        try:
            bounds.call(raw, lambda: original_rollback(dbapi_connection), True)
        except psycopg.OperationalError:
            if not (raw.closed or raw.broken):
                raise
            raw.close()  # gone with its transaction; the pool replaces it

    dialect.do_rollback = rollback  # type: ignore[method-assign]
    setattr(dialect, WRITES_ALONE, True)  # bounded: its writes may run alone (adapters.db.engine)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return bounds.connecting(lambda: dialect.connect(*cargs, **cparams))

    return bounds
