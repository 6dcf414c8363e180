"""Migrations: ``upgrade()`` builds exactly the schema of
``adapters.db.tables`` on an empty database, does nothing the second time,
and is safe when several processes (gunicorn workers) run it at once."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from adapters.db import tables
from adapters.db.engine import make_engine
from adapters.db.migrate import alembic_config, head_revision, migration_connection, upgrade

postgres = pytest.mark.postgres
WORKERS = 4
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def assert_schema_at_head(engine: Engine) -> None:
    """Every table is there, the database is at the latest revision, and
    Alembic finds nothing in ``adapters.db.tables`` left to migrate."""
    assert set(inspect(engine).get_table_names()) == set(tables.metadata.tables) | {
        "alembic_version"
    }
    with migration_connection(engine) as connection:
        config = alembic_config(connection)
        head = ScriptDirectory.from_config(config).get_current_head()
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [(head,)]
        command.check(config)  # raises if the migrations and the tables differ


def upgrade_twice_then_check(url: str) -> None:
    engine = make_engine(url, bounded=False)
    try:
        upgrade(engine)
        upgrade(engine)
        assert_schema_at_head(engine)
    finally:
        engine.dispose()


def test_upgrade_creates_the_schema_on_an_empty_sqlite_database_once(sqlite_url: str) -> None:
    upgrade_twice_then_check(sqlite_url)


@postgres
def test_upgrade_creates_the_schema_on_an_empty_postgres_schema_once(
    empty_postgres_url: str,
) -> None:
    upgrade_twice_then_check(empty_postgres_url)


def test_sqlite_foreign_keys_are_enforced_again_after_an_upgrade(sqlite_url: str) -> None:
    """The upgrade turns them off on its connection; the pool hands that
    connection out again afterwards."""
    engine = make_engine(sqlite_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            with pytest.raises(IntegrityError):
                connection.execute(
                    tables.sessions.insert().values(
                        id="s1", user_id="no-such-user", token_digest="d",
                        created_at=NOW, expires_at=NOW,
                    )
                )
    finally:
        engine.dispose()


def _upgrade_in_another_process(url: str, start: Barrier) -> None:
    engine = make_engine(url, bounded=False)
    start.wait()
    upgrade(engine)
    engine.dispose()


def upgrade_from_processes_at_once(url: str) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    workers = [
        context.Process(target=_upgrade_in_another_process, args=(url, start))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    engine = make_engine(url, bounded=False)
    try:
        assert_schema_at_head(engine)
    finally:
        engine.dispose()


def test_workers_upgrading_a_fresh_sqlite_database_at_once_all_succeed(sqlite_url: str) -> None:
    upgrade_from_processes_at_once(sqlite_url)


@postgres
def test_workers_upgrading_a_fresh_postgres_schema_at_once_all_succeed(
    empty_postgres_url: str,
) -> None:
    upgrade_from_processes_at_once(empty_postgres_url)


def test_the_head_revision_read_from_the_scripts_is_alembics(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, bounded=False)
    try:
        with migration_connection(engine) as connection:
            assert head_revision() == ScriptDirectory.from_config(alembic_config(connection)).get_current_head()
    finally:
        engine.dispose()


def test_a_restart_finds_the_database_at_head_without_importing_alembic(sqlite_url: str) -> None:
    upgrade_twice_then_check(sqlite_url)
    restart = (
        "import sys\n"
        "from adapters.db.engine import make_engine\n"
        "from adapters.db.migrate import upgrade\n"
        f"upgrade(make_engine({sqlite_url!r}, bounded=False))\n"
        "print('alembic' in sys.modules)\n"
    )
    ran = subprocess.run([sys.executable, "-c", restart], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "False"
