"""Brings a database's schema to the latest Alembic revision.

Safe when several processes do it at once (gunicorn workers starting
together): the whole upgrade is one write transaction (SQLite: ``BEGIN
IMMEDIATE``, see ``adapters.db.engine``) that on PostgreSQL first takes an
advisory lock of the schema, so callers run one after another and the later
ones find the schema already at head.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from adapters.db.engine import WRITE

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_UNBOUNDED = ("SET LOCAL statement_timeout = 0", "SET LOCAL idle_in_transaction_session_timeout = 0")
_PG_MIGRATION_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtext('darasa:migrate:' || current_schema()))"
)


def upgrade(engine: Engine) -> None:
    """Migrate the database of ``engine`` to the latest revision."""
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "head")


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for running its commands on ``connection``."""
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
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
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
