"""Brings a database's schema to the latest Alembic revision.

Safe when several processes do it at once (gunicorn workers starting
together): the whole upgrade is one write transaction (SQLite: ``BEGIN
IMMEDIATE``, see ``adapters.db.engine``) that on PostgreSQL first takes an
advisory lock of the schema, so callers run one after another and the later
ones find the schema already at head.

A start that finds the database at head (the usual restart) reads
``alembic_version`` with one plain query and never imports Alembic; the
head revision is read from the newest script's ``revision = "..."`` line.
A server that does not migrate (a gunicorn worker) checks with that same
query that it is not behind (``require_current``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, TimeoutError

from adapters.db.engine import connect

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_UNBOUNDED = ("SET LOCAL statement_timeout = 0", "SET LOCAL idle_in_transaction_session_timeout = 0")
_PG_MIGRATION_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtext('darasa:migrate:' || current_schema()))"
)


_REVISION = re.compile(r"^revision(?:: str)? = [\"']([^\"']+)[\"']", re.MULTILINE)


def upgrade(engine: Engine) -> None:
    """Migrate the database of ``engine`` to the latest revision."""
    if current_revisions(engine) == {head_revision()}:
        return  # nothing to do: Alembic stays unimported
    from alembic import command

    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "head")


class DatabaseBehind(RuntimeError):
    """The database lacks migrations this code has."""


def require_current(engine: Engine) -> None:
    """Raise ``DatabaseBehind`` when the database was never migrated or is at
    an older revision than this code's: every request would fail on what is
    missing. A database that cannot be reached now passes (requests get a
    503 until it can), and so does one at a revision this code does not
    know (a newer deployment's, during a rolling update)."""
    try:
        current = _stored_revisions(engine)
    except DBAPIError as error:
        if not _no_such_table(error):
            return
        current = set()
    except TimeoutError:  # no pooled connection in time
        return
    head = head_revision()
    if not current or (head not in current and current <= {_revision_of(s) for s in _scripts()}):
        found = ", ".join(sorted(current)) or "none"
        raise DatabaseBehind(
            f"the database is behind this code (its revision: {found}; this code's: {head}): "
            "run `darasa db upgrade` with the same DATABASE_URL first"
        )


def _no_such_table(error: DBAPIError) -> bool:
    """SQLite's "no such table", PostgreSQL's undefined_table (42P01)."""
    return getattr(error.orig, "sqlstate", None) == "42P01" or "no such table" in str(error.orig)


def head_revision() -> str:
    """The newest migration's revision id, from its script's text (the
    scripts are numbered, so the newest is the last by name)."""
    return _revision_of(max(_scripts()))


def _scripts() -> list[Path]:
    return list((MIGRATIONS / "versions").glob("[0-9]*.py"))


def _revision_of(script: Path) -> str:
    found = _REVISION.search(script.read_text(encoding="utf-8"))
    if found is None:
        raise RuntimeError(f"no revision = ... line in {script}")
    return found.group(1)


def current_revisions(engine: Engine) -> set[str]:
    """The revisions ``alembic_version`` holds; empty when it does not exist."""
    try:
        return _stored_revisions(engine)
    except DBAPIError:
        return set()


def _stored_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for running its commands on ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed when the block ends.

    On SQLite, foreign keys are off meanwhile (they can only be switched
    outside a transaction): Alembic's batch mode rebuilds a table by copying
    it and dropping the original, and with foreign keys on that drop would
    cascade into every referencing row. They are checked before committing.
    """
    with connect(engine, write=True) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # A migration may wait for another's lock and run long
                    # statements: the serving bounds (adapters.db.bounds) are
                    # not for it, even on an engine that sets them.
                    for statement in _PG_UNBOUNDED:
                        connection.exec_driver_sql(statement)
                    connection.exec_driver_sql(_PG_MIGRATION_LOCK)
                yield connection
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_pragma(connection, "foreign_keys = ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a PRAGMA on the driver's connection, outside any transaction."""
    connection.connection.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left rows breaking foreign keys: {broken[:5]}")
