"""A server that does not migrate (a gunicorn worker, ``wsgi()``) refuses
to start on a database behind the code, instead of answering 500 to every
request; it starts when the database is current, unreachable (503 until
it is back) or ahead (a newer deployment's revision)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.db.engine import make_engine
from adapters.db.migrate import DatabaseBehind, head_revision, require_current, upgrade

REPO = Path(__file__).resolve().parents[2]


def _at_revision(url: str, revision: str | None) -> None:
    """Migrate ``url``, then claim ``revision`` (None: no migration at all)."""
    engine = make_engine(url, bounded=False)
    try:
        if revision is None:
            return
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


def _check(url: str) -> None:
    engine = make_engine(url)
    try:
        require_current(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "empty_postgres_url"))


@pytest.mark.parametrize("revision", [None, "0013", "0001"])
def test_a_database_behind_the_code_is_refused(database_url: str, revision: str | None) -> None:
    _at_revision(database_url, revision)
    with pytest.raises(DatabaseBehind, match="darasa db upgrade"):
        _check(database_url)


@pytest.mark.parametrize("revision", ["head", "9999"])
def test_a_current_or_newer_database_is_served(database_url: str, revision: str) -> None:
    _at_revision(database_url, head_revision() if revision == "head" else revision)
    _check(database_url)


@pytest.mark.postgres
def test_an_unreachable_database_is_no_reason_to_refuse() -> None:
    _check("postgresql+psycopg://postgres@127.0.0.1:9/test")  # nothing listens on port 9


def test_gunicorn_stops_with_the_reason_on_a_database_never_migrated(tmp_path: Path) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "gunicorn", "entrypoints.app:wsgi()", "--bind", "127.0.0.1:0", "--workers", "1",
         "--no-control-socket"],
        cwd=REPO, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "DARASA_INSTANCE": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )
    assert started.returncode != 0
    assert "run `darasa db upgrade`" in started.stderr
