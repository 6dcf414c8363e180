"""Statements built once, for the few that every request runs (the session,
a job info, a page of records, the creates and updates of the benchmarks).

Each is compiled once per dialect and run on the connection's own driver
connection, its values converted by the columns' own SQLAlchemy types both
ways: the same SQL, the same rows, the same exceptions as
``Connection.execute`` gives (``tests/integration/test_prebuilt.py`` runs
each both ways on SQLite and PostgreSQL and compares), for a quarter of its
cost on SQLite (10 against 47 µs a select).

- A transaction is begun through the connection first, as
  ``Connection.execute`` begins one, so that a write's ``BEGIN`` (``BEGIN
  IMMEDIATE`` on SQLite) is sent by the dialect as for any statement
  (``adapters.db.engine``); a read of ``connect``'s begins nothing.
- On PostgreSQL the statement goes through the dialect's ``do_execute``,
  which ``adapters.db.bounds`` watches; what the driver raises is handled
  by the connection as a statement's error is (wrapped as SQLAlchemy's, a
  disconnect invalidating the connection and the pool), and a unit of
  work's first statement found on a dead pooled connection is run again
  on a fresh one (``RetryOnceConnection.retried_once``).
- A write that runs alone (``adapters.db.engine``) begins nothing. On
  PostgreSQL it runs in a form of its own, with a deadline in its WHERE
  (``RECEIVED_IN_TIME``, ``adapters.db.bounds``); one that changed nothing
  is asked whether it was in time before its result is answered.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Float, bindparam, func
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound, StatementError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

from adapters.db.engine import RECEIVED_BY, RetryOnceConnection

Processor = Callable[[Any], Any] | None


RECEIVED_IN_TIME = func.statement_timestamp() < func.to_timestamp(bindparam(RECEIVED_BY, 0.0, type_=Float()))
"""PostgreSQL: the WHERE of a write run alone, which changes nothing if the
server reads it after its deadline (``adapters.db.bounds``)."""


class Prebuilt:
    """``prebuilt(connection, parameters)``: the statement's result, as
    ``connection.execute(statement, parameters)`` gives it (``first``,
    ``all``, ``scalar``, ``scalar_one``, ``rowcount``).

    ``alone``: on PostgreSQL, the statement as a write runs alone: the same
    with ``RECEIVED_IN_TIME`` in its WHERE. Without it a write never runs
    alone there."""

    def __init__(self, statement: Executable, *, alone: Executable | None = None) -> None:
        self.statement = statement
        self._alone = alone
        self._forms: dict[str, _Form] = {}
        self._alone_forms: dict[str, _Form] = {}

    def __call__(self, connection: Connection, parameters: Mapping[str, Any], *, alone: bool = False) -> Any:
        """``alone``: the statement is a whole write by itself, run alone
        (in autocommit, committed as it runs) when its unit of work allows
        it (``RetryOnceConnection.lone_write``)."""
        dialect = connection.dialect
        form = self._forms.get(dialect.name) or self._compile(self._forms, self.statement, dialect)
        if not isinstance(connection, RetryOnceConnection):
            return form.begun_and_run(connection, form.values(parameters))
        if alone and connection.may_write_alone():
            if dialect.name == "sqlite":
                values = form.values(parameters)
                return connection.ran_alone(lambda: form.run(connection, values))
            if self._alone is not None:
                form = self._alone_forms.get(dialect.name) or self._compile(self._alone_forms, self._alone, dialect)
                values = form.values(parameters)
                return connection.ran_alone(lambda: form.run_alone(connection, values))
        values = form.values(parameters)  # before a write's BEGIN: its lock is held no longer than needed
        return connection.retried_once(lambda: form.begun_and_run(connection, values))

    @staticmethod
    def _compile(forms: dict[str, _Form], statement: Executable, dialect: Dialect) -> _Form:
        form = forms[dialect.name] = _FORMS[dialect.name](statement, dialect)
        return form


class _Form:
    """The statement compiled for one dialect: its SQL, its parameters with
    their types' converters, its columns' converters."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, cast(ClauseElement, statement).compile(dialect=dialect))
        names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        if "POSTCOMPILE" in compiled.string or not names or compiled.escaped_bind_names:
            raise ValueError("a Prebuilt takes bound parameters, none rendered at execution")
        self.sql = compiled.string
        self.names: list[str] = names
        self.driver_error: type[Exception] = dialect.loaded_dbapi.Error
        binds = {name: compiled.binds[name] for name in self.names}
        self.defaults = {name: bind.value for name, bind in binds.items() if not bind.required}
        self.to_driver: list[Processor] = [
            binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names
        ]
        # the result's columns as SQLAlchemy's own result reads them: (key, name, objects, type)
        columns = compiled._result_columns  # noqa: SLF001 - tests/integration/test_prebuilt.py keeps it honest
        self.columns = [column[0] for column in columns]
        self.from_driver: list[Processor] = [
            column[3].dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        self.row: Any = namedtuple("Row", self.columns) if columns else None  # noqa: PYI024

    def values(self, parameters: Mapping[str, Any]) -> Any:
        """The parameters in ``names``' order, as the driver takes them."""
        values = []
        for name, convert in zip(self.names, self.to_driver, strict=True):
            value = parameters[name] if name in parameters else self.defaults[name]
            values.append(value if convert is None or value is None else convert(value))
        return values

    def begun_and_run(self, connection: Connection, values: Any) -> _Result:
        if not connection.in_transaction() and getattr(connection, "writes", True):
            # as Connection.execute begins (the dialect's do_begin then sends
            # BEGIN IMMEDIATE, or BEGIN); a read of ``connect``'s
            # (``writes`` False) is in autocommit, its begin would send nothing
            connection.begin()
        return self.run(connection, values)

    def run(self, connection: Connection, values: Any) -> _Result:
        raise NotImplementedError

    def run_alone(self, connection: Connection, values: Any) -> _Result:
        """PostgreSQL's: a write in autocommit with its deadline."""
        raise NotImplementedError

    def make(self, raw: Sequence[Any]) -> Any:
        assert self.row is not None
        return self.row._make([
            value if convert is None or value is None else convert(value)
            for value, convert in zip(raw, self.from_driver, strict=True)
        ])

    def wrapped(self, error: Exception, values: Any, dialect: Dialect) -> StatementError:
        """What the driver raised, as ``Connection.execute`` raises it
        (``OperationalError``, ``IntegrityError``, ...)."""
        return DBAPIError.instance(self.sql, values, error, self.driver_error, dialect=dialect)


class _SqliteForm(_Form):
    """Positional parameters (``?``), run on the sqlite3 connection."""

    def run(self, connection: Connection, values: list[Any]) -> _Result:
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        try:
            cursor = driver.execute(self.sql, values)
        except self.driver_error as error:
            raise self.wrapped(error, values, connection.dialect) from error
        return _Result(self, cursor, connection.dialect, values)


class _PostgresForm(_Form):
    """Named parameters (``%(name)s``), run by the dialect's ``do_execute``
    on a psycopg cursor."""

    def values(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        return dict(zip(self.names, super().values(parameters), strict=True))

    def run(self, connection: Connection, values: dict[str, Any]) -> _Result:
        cursor = connection.connection.cursor()
        try:
            connection.dialect.do_execute(cursor, self.sql, values, None)
        except Exception as error:
            # as Connection.execute handles it: wrapped, and a disconnect
            # invalidates the connection (and the pool's older ones)
            connection._handle_dbapi_exception(error, self.sql, values, cursor, None)  # noqa: SLF001
        return _Result(self, cursor, connection.dialect, values)

    def run_alone(self, connection: Connection, values: dict[str, Any]) -> _Result:
        """A write in autocommit with its deadline (``RECEIVED_IN_TIME``);
        one that changed nothing is asked whether it was in time, and
        raises an outage if it may not have been."""
        from adapters.db import bounds  # psycopg's: imported only for PostgreSQL (start-up time)

        proxy = connection.connection
        cursor = proxy.cursor()
        dialect = connection.dialect
        try:
            values[RECEIVED_BY] = bounds.received_by(proxy.info, cursor, dialect)
            dialect.do_execute(cursor, self.sql, values, None)
            if cursor.rowcount <= 0:  # none, or not known (-1)
                checking = proxy.cursor()
                try:
                    bounds.read_in_time(proxy.info, checking, dialect, values[RECEIVED_BY])
                finally:
                    checking.close()
        except Exception as error:
            connection._handle_dbapi_exception(error, self.sql, values, cursor, None)  # noqa: SLF001
        return _Result(self, cursor, dialect, values)


_FORMS: dict[str, type[_Form]] = {"sqlite": _SqliteForm, "postgresql": _PostgresForm}


class _Result:
    """The part of SQLAlchemy's ``CursorResult`` that darasa's repositories use."""

    def __init__(self, form: _Form, cursor: Any, dialect: Dialect, values: Any) -> None:
        self._form = form
        self._cursor = cursor
        self._dialect = dialect
        self._values = values
        self.rowcount: int = cursor.rowcount

    def _fetch(self, size: int | None) -> list[Any]:
        """Up to ``size`` rows (all: None), converted; the cursor is done with."""
        try:
            raw = self._cursor.fetchall() if size is None else self._cursor.fetchmany(size)
        except self._form.driver_error as error:
            raise self._form.wrapped(error, self._values, self._dialect) from error
        finally:
            self._cursor.close()
        return [self._form.make(row) for row in raw]

    def first(self) -> Any:
        rows = self._fetch(1)
        return rows[0] if rows else None

    def all(self) -> list[Any]:
        return self._fetch(None)

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        rows = self._fetch(2)
        if not rows:
            raise NoResultFound("No row was found when one was required")
        if len(rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return rows[0][0]
