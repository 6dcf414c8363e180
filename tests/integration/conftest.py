"""Fixtures for tests against real databases.

- ``sqlite_engine``: a fresh, migrated SQLite file per test.
- ``postgres_url`` / ``postgres_engine``: a fresh, migrated schema on the
  PostgreSQL test server for the whole test session, dropped at its end; the
  URL selects the schema with ``options=-csearch_path=<schema>``, so any
  engine built from it (``make_engine``, ``DATABASE_URL``) works in there.
- ``empty_postgres_url``: a fresh schema with nothing in it, per test.
- ``storage``: the in-memory fake, SQLite and PostgreSQL in turn, so that one
  contract suite proves they agree.

The server is ``DARASA_TEST_POSTGRES_URL`` (default: the local test server).
When it cannot be reached its tests are skipped, or fail when
``DARASA_REQUIRE_SERVICES=1`` (as on CI): ``_services.postgres_url`` decides,
for these fixtures and for the tests that reach the servers directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from adapters.db.engine import make_engine
from adapters.db.migrate import upgrade
from adapters.db.storage import SqlStorage
from adapters.fakes.storage import FakeStorage
from core.ports import Storage
from tests.integration import _services
from tests.integration._services import fresh_postgres_schema


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The test server's URL, once it has answered."""
    return make_url(_services.postgres_url())


@pytest.fixture(scope="session")
def postgres_url(postgres_server: URL) -> Iterator[str]:
    """A migrated schema shared by the session; tests use random ids."""
    with fresh_postgres_schema(postgres_server) as url:
        engine = make_engine(url, bounded=False)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_postgres_url(postgres_server: URL) -> Iterator[str]:
    with fresh_postgres_schema(postgres_server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet, in a folder that does not either."""
    return f"sqlite:///{tmp_path / 'instance' / 'darasa.sqlite3'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def storage(request: pytest.FixtureRequest) -> Storage:
    if request.param == "memory":
        return FakeStorage()
    return SqlStorage(request.getfixturevalue(f"{request.param}_engine"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_storage(request: pytest.FixtureRequest) -> SqlStorage:
    """The SQL adapter alone, for what the fake has no say in."""
    return SqlStorage(request.getfixturevalue(f"{request.param}_engine"))
