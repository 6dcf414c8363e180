"""The bounds on PostgreSQL calls (``adapters.db.bounds``) against a server
of the test's own that is frozen (SIGSTOP) at the worst moment: a write
transaction has sent its last statement and is about to commit. The commit
fails quickly, and when the server thaws it does not commit what the client
was told had failed; nor does a write run alone, in autocommit, which the
frozen server reads only after its deadline. Then the breaker fails calls at once, and the engine
works again once the server is back. Anything else caught by a freeze — a
read in flight, a new connection, the breaker's trial after its cool-down —
is given up on within a second: the server does not answer a probe. A slow
statement on a server that answers is left to the server's own timeout."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
import sqlalchemy.exc
from sqlalchemy import Engine, Text, bindparam, column, insert, select, table, text

from adapters.db.bounds import PROBE_SECONDS, ROUND_TRIP_SECONDS, SERVER_IDLE_IN_TRANSACTION_MS, SUSPECT_SECONDS
from adapters.db.engine import make_engine
from adapters.db.prebuilt import RECEIVED_IN_TIME, Prebuilt
from tests.integration.lone_writes import writing_alone
from tests.own_services import PG_BIN, OwnPostgres, own_postgres

pytestmark = pytest.mark.skipif(
    PG_BIN is None and os.environ.get("DARASA_REQUIRE_SERVICES") != "1",
    reason="needs PostgreSQL's server binaries to start a PostgreSQL of the test's own",
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[OwnPostgres]:
    with own_postgres() as server:
        yield server


@pytest.fixture
def engine(postgres: OwnPostgres) -> Iterator[Engine]:
    engine = make_engine(postgres.url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS notes (body text)"))
        connection.execute(text("DELETE FROM notes"))
    yield engine
    engine.dispose()


WITHIN_A_SECOND = SUSPECT_SECONDS + PROBE_SECONDS + 0.5
"""How long a call caught by a freeze may take: it waits, the server is
probed, the probe goes unanswered (and some slack for a shared machine)."""
QUICK = 0.5
"""How long a call may take while the breaker is open."""


def _select_one(engine: Engine) -> float:
    """Seconds until ``SELECT 1`` failed (it must)."""
    started = time.monotonic()
    with pytest.raises(sqlalchemy.exc.OperationalError):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    return time.monotonic() - started


def _bodies(postgres: OwnPostgres) -> list[str]:
    reader = make_engine(postgres.url, bounded=False)
    try:
        with reader.connect() as connection:
            return [row[0] for row in connection.execute(text("SELECT body FROM notes ORDER BY body"))]
    finally:
        reader.dispose()


def test_a_commit_refused_while_the_server_is_frozen_is_never_committed_later(
        postgres: OwnPostgres, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO notes VALUES ('acknowledged')"))
    transaction = engine.connect()
    transaction.begin()
    transaction.execute(text("INSERT INTO notes VALUES ('refused')"))
    postgres.signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(sqlalchemy.exc.OperationalError):
            transaction.commit()
        assert time.monotonic() - started < ROUND_TRIP_SECONDS + 1
        transaction.close()
        started = time.monotonic()
        with pytest.raises(sqlalchemy.exc.OperationalError):  # the breaker is open: at once
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        assert time.monotonic() - started < QUICK
    finally:
        postgres.signal(signal.SIGCONT)
    time.sleep(0.5)  # the thawed backend reads the COMMIT, or ends its session first
    assert _bodies(postgres) == ["acknowledged"]

    deadline = time.monotonic() + 10
    while True:  # once the breaker's cool-down is over, the engine serves again
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO notes VALUES ('after')"))
            break
        except sqlalchemy.exc.OperationalError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert _bodies(postgres) == ["acknowledged", "after"]


_NOTES = table("notes", column("body", Text()))
_BODY = bindparam("body", type_=Text())
_NOTE_ALONE = Prebuilt(insert(_NOTES).values(body=_BODY),
                       alone=insert(_NOTES).from_select(["body"], select(_BODY).where(RECEIVED_IN_TIME)))


def test_a_write_run_alone_that_a_frozen_server_reads_after_its_client_gave_up_changes_nothing(
        postgres: OwnPostgres, engine: Engine) -> None:
    """No ``COMMIT`` to refuse here: the write's deadline
    (``RECEIPT_SECONDS``) has passed when the thawed server reads it."""
    with writing_alone(engine) as connection:
        _NOTE_ALONE(connection, {"body": "acknowledged"}, alone=True)  # the server's clock read
    with writing_alone(engine) as connection:
        postgres.signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(sqlalchemy.exc.OperationalError):
                _NOTE_ALONE(connection, {"body": "refused"}, alone=True)
            assert time.monotonic() - started < ROUND_TRIP_SECONDS + 1
        finally:
            postgres.signal(signal.SIGCONT)
    time.sleep(0.5)  # the thawed backend reads the write
    assert _bodies(postgres) == ["acknowledged"]


def test_a_statement_that_runs_too_long_is_cancelled_by_the_server(engine: Engine) -> None:
    with pytest.raises(sqlalchemy.exc.OperationalError, match="statement timeout"):
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(5)"))
    with engine.connect() as connection:  # the connection was fine: no outage
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_transaction_left_idle_too_long_is_an_outage_and_commits_nothing(
        postgres: OwnPostgres, engine: Engine) -> None:
    transaction = engine.connect()
    transaction.begin()
    transaction.execute(text("INSERT INTO notes VALUES ('stalled')"))
    time.sleep(SERVER_IDLE_IN_TRANSACTION_MS / 1000 + 0.5)  # a worker that stalled mid-transaction
    with pytest.raises(sqlalchemy.exc.OperationalError):  # 503 at the edge, not 500
        transaction.commit()
    transaction.close()
    assert _bodies(postgres) == []


def test_a_read_caught_by_a_freeze_is_given_up_within_a_second(postgres: OwnPostgres, engine: Engine) -> None:
    with engine.connect() as connection:  # a pooled connection, ready
        connection.execute(text("SELECT 1"))
    postgres.signal(signal.SIGSTOP)
    try:
        assert _select_one(engine) < WITHIN_A_SECOND
        assert _select_one(engine) < QUICK  # the breaker is open
        time.sleep(2.1)  # its cool-down is over: its trial, a probe, is not answered either
        assert _select_one(engine) < WITHIN_A_SECOND
        assert _select_one(engine) < QUICK
    finally:
        postgres.signal(signal.SIGCONT)


def test_a_new_connection_to_a_frozen_server_fails_within_a_second(postgres: OwnPostgres, engine: Engine) -> None:
    engine.dispose()  # nothing pooled: the next call connects
    postgres.signal(signal.SIGSTOP)
    try:
        assert _select_one(engine) < WITHIN_A_SECOND
    finally:
        postgres.signal(signal.SIGCONT)
