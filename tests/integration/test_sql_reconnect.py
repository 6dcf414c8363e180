"""A pooled PostgreSQL connection the server has closed (a restart, a
failover, an idle timeout) costs no request an error: the unit of work's
first statement finds it dead, and it is replaced and the statement run
again — there is no pre-ping per checkout (``adapters.db.engine``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from adapters.db.engine import make_engine
from adapters.db.storage import SqlStorage
from tests.conftest import make_job_info, make_user, saved

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def _close_pooled_connection(engine: Engine, admin: Engine) -> None:
    """Open and pool one connection, then have the server end it."""
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_read_after_the_server_closed_the_pooled_connection_succeeds(
    engine: Engine, postgres_engine: Engine
) -> None:
    _close_pooled_connection(engine, postgres_engine)
    with SqlStorage(engine).unit_of_work() as uow:
        assert uow.job_infos.get(str(uuid.uuid4())) is None


def test_a_write_after_the_server_closed_the_pooled_connection_is_committed(
    engine: Engine, postgres_engine: Engine
) -> None:
    user_id = str(uuid.uuid4())
    _close_pooled_connection(engine, postgres_engine)
    storage = SqlStorage(engine)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.count_for_user(user_id) == 0
        uow.users.delete(user_id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.get(user_id) is None


def test_a_write_of_one_statement_after_the_server_closed_the_pooled_connection_is_committed(
    engine: Engine, postgres_engine: Engine
) -> None:
    """Such a write runs alone only once its unit of work has found the
    connection alive: one run alone is never run again, since it may have
    committed."""
    user = make_user()
    job_info = make_job_info(user_id=user.id)
    storage = SqlStorage(engine)
    saved(storage, user)
    _close_pooled_connection(engine, postgres_engine)
    with storage.unit_of_work(write=True, one_write=True) as uow:
        assert uow.job_infos.add_unless_full(job_info, 10)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.job_infos.get(job_info.id) == job_info
