"""``Prebuilt`` gives what ``Connection.execute`` gives for the same
statement, on SQLite and on PostgreSQL: the same rows (values, types, time
zones, column names), the same row counts and changes, the same exceptions;
a write's first prebuilt statement begins its transaction as any statement
would, and on PostgreSQL a unit of work's first one survives a pooled
connection the server has closed. Each prebuilt statement darasa runs is
checked, both ways, on one database of each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from adapters.db import accounts, interviews, questions, storage, user_plans
from adapters.db import tables as t
from adapters.db.engine import connect, make_engine
from adapters.db.migrate import upgrade
from adapters.db.prebuilt import Prebuilt

USER, JOB, INTERVIEW, QUESTION, DIGEST = (str(uuid.uuid4()) for _ in range(5))
NOW = datetime(2026, 12, 2, 11, 30, 15, 123456, tzinfo=UTC)
TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
"""What text may hold: PostgreSQL keeps no NUL (nor does validation let one in)."""


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('prebuilt') / 'db.sqlite3'}")
        upgrade(engine)
    else:  # the session's migrated schema; this module's rows have ids of their own
        engine = make_engine(request.getfixturevalue("postgres_url"))
    with engine.begin() as c:
        c.execute(insert(t.users).values(id=USER, name="Ada", email="ada@example.com", created_at=NOW,
                                         updated_at=NOW))
        c.execute(insert(t.sessions).values(id=str(uuid.uuid4()), user_id=USER, token_digest=DIGEST, created_at=NOW,
                                            expires_at=NOW + timedelta(days=1)))
        for n in range(5):
            c.execute(insert(t.job_infos).values(
                id=JOB if n == 0 else str(uuid.uuid4()), user_id=USER, name=f"Job {n}", title=None if n % 2 else "T",
                experience_level="senior", description="d" * n, created_at=NOW, updated_at=NOW + timedelta(seconds=n)))
        c.execute(insert(t.interviews).values(id=INTERVIEW, job_info_id=JOB, user_id=USER, duration="00:00:00",
                                              created_at=NOW, updated_at=NOW))
        c.execute(insert(t.questions).values(id=QUESTION, job_info_id=JOB, text="Why?", difficulty="easy",
                                             created_at=NOW, updated_at=NOW))
    yield engine
    engine.dispose()


def _both(connection: Connection, prebuilt: Prebuilt, parameters: dict[str, Any]) -> tuple[Any, Any]:
    return prebuilt(connection, parameters), connection.execute(prebuilt.statement, parameters)


def _same_rows(ours: Any, theirs: Any) -> list[Any]:
    rows, expected = ours.all(), theirs.all()
    assert [tuple(row) for row in rows] == [tuple(row) for row in expected]
    assert all(row._fields == tuple(expected_row._fields) for row, expected_row in zip(rows, expected, strict=True))
    for row in rows:  # every time read back is aware, in UTC, as the column type makes it
        assert all(value.tzinfo is UTC for value in row if isinstance(value, datetime))
    return rows


READS: list[tuple[Prebuilt, dict[str, Any]]] = [
    (accounts._LIVE_SESSION, {"digest": DIGEST}),
    (accounts._LIVE_SESSION, {"digest": "unknown"}),
    (storage._JOB_INFO_BY_ID, {"job_info_id": JOB}),
    (storage._JOB_INFO_AND_PLAN, {"job_info_id": JOB}),
    (storage._USER_EXISTS, {"user_id": USER}),
    (storage._COUNT_JOB_INFOS, {"user_id": USER}),
    (storage._USER_JOB_INFOS._first, {"owner": USER, "limit": 3}),
    (storage._USER_JOB_INFOS._later, {"owner": USER, "limit": 50, "after_at": NOW + timedelta(seconds=3),
                                      "after_id": JOB}),
    (interviews._INTERVIEW_BY_ID, {"id": INTERVIEW}),
    (interviews._JOB_INTERVIEWS._first, {"owner": JOB, "limit": 50}),
    (questions._QUESTION_BY_ID, {"id": QUESTION}),
    (questions._JOB_QUESTIONS._first, {"owner": JOB, "limit": 50}),
    (user_plans._PLAN, {"user_id": USER}),
    (user_plans._UNLOCKED_USAGE, {"user_id": USER}),
]


@pytest.mark.parametrize(("prebuilt", "parameters"), READS)
def test_a_read_gives_the_rows_execute_gives(engine: Engine, prebuilt: Prebuilt, parameters: dict[str, Any]) -> None:
    with connect(engine, write=False) as connection:
        _same_rows(*_both(connection, prebuilt, parameters))
        ours, theirs = _both(connection, prebuilt, parameters)
        assert ours.first() == theirs.first()


def test_scalars_answer_as_execute_does(engine: Engine) -> None:
    with connect(engine, write=False) as connection:
        assert storage._COUNT_JOB_INFOS(connection, {"user_id": USER}).scalar_one() == 5
        assert user_plans._PLAN(connection, {"user_id": USER}).scalar() == "free"
        assert user_plans._PLAN(connection, {"user_id": "nobody"}).scalar() is None


def _job_info_values(name: str, title: str | None, at: datetime, limit: int = 100) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "user_id": USER, "name": name, "title": title, "experience_level": "mid",
            "description": name * 3, "created_at": at, "updated_at": at, "limit": limit}


def _in_rolled_back_write(connection: Connection, run: Any) -> Any:
    """What ``run`` answers in a transaction then rolled back."""
    connection.begin()
    try:
        return run()
    finally:
        connection.rollback()


def _writes(connection: Connection, run: Any) -> tuple[Any, list[Any]]:
    """What ``run`` answers in a write transaction, and the job infos then;
    rolled back."""
    everything = select(t.job_infos).order_by(t.job_infos.c.id)
    return _in_rolled_back_write(
        connection, lambda: (run(), [tuple(row) for row in connection.execute(everything).all()]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(TEXT, min_size=1, max_size=40), title=st.none() | st.text(TEXT, max_size=20),
       at=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 1, 1),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                                                  timezone(timedelta(hours=-8))])),
       limit=st.sampled_from([0, 5, 6, 100]))
def test_a_write_changes_what_execute_changes(engine: Engine, name: str, title: str | None, at: datetime,
                                              limit: int) -> None:
    values = _job_info_values(name, title, at, limit)
    if engine.dialect.name == "sqlite":
        statement, added = storage._INSERT_JOB_INFO_UNLESS_FULL_COUNTED, lambda result: result.rowcount
    else:  # as SqlJobInfos runs it there
        statement, added = storage._INSERT_JOB_INFO_UNLESS_FULL_RETURNING, lambda result: len(result.all())
    with connect(engine, write=True) as connection:
        ours = _writes(connection, lambda: added(statement(connection, values)))
        theirs = _writes(connection, lambda: added(connection.execute(statement.statement, values)))
    assert ours == theirs and ours[0] == (1 if limit > 5 else 0)
    with connect(engine, write=True) as connection:
        change = {"job_info_id": JOB, "owner": USER, "name": name, "title": title, "experience_level": "junior",
                  "description": "x", "now": at}
        statement = storage._UPDATE_OWNED_JOB_INFO
        ours = _writes(connection, lambda: statement(connection, change).rowcount)
        theirs = _writes(connection, lambda: connection.execute(statement.statement, change).rowcount)
    assert ours == theirs and ours[0] == 1


def test_a_returning_insert_and_a_counter_answer_as_execute_does(engine: Engine) -> None:
    interview = {"id": str(uuid.uuid4()), "owner": USER, "job_info_id": JOB, "duration": "00:00:00",
                 "hume_chat_id": None, "feedback": None, "started_at": None, "ended_at": None,
                 "created_at": NOW, "updated_at": NOW}
    inserted, counted = interviews._INSERT_OWNED_RETURNING, user_plans._COUNT_CREATED["interviews"]
    delta = {"user_id": USER, "delta": 1}
    with connect(engine, write=True) as connection:
        ours = _in_rolled_back_write(connection, lambda: [tuple(r) for r in inserted(connection, interview).all()])
        theirs = _in_rolled_back_write(
            connection, lambda: [tuple(r) for r in connection.execute(inserted.statement, interview).all()])
        assert ours == theirs == [(interview["id"],)]
        not_theirs = {**interview, "owner": "nobody"}  # not the job's owner: nothing added
        ours = _in_rolled_back_write(connection, lambda: inserted(connection, not_theirs).all())
        theirs = _in_rolled_back_write(connection, lambda: connection.execute(inserted.statement, not_theirs).all())
        assert ours == theirs == []
        if engine.dialect.name == "sqlite":  # as SqlInterviews runs it there: its rowcount
            rows = interviews._INSERT_OWNED_COUNTED
            for values, added in ((interview, 1), (not_theirs, 0)):
                ours = _writes(connection, lambda: rows(connection, values).rowcount)  # noqa: B023 - called at once
                theirs = _writes(connection, lambda: connection.execute(rows.statement, values).rowcount)  # noqa: B023
                assert ours == theirs and ours[0] == added
        ours = _in_rolled_back_write(connection, lambda: counted(connection, delta).rowcount)
        theirs = _in_rolled_back_write(connection, lambda: connection.execute(counted.statement, delta).rowcount)
        assert ours == theirs == 1


def _begun(connection: Connection, run: Any) -> str | None:
    """What ``run`` begins: the statement it sends first on SQLite, or on
    PostgreSQL "BEGIN" if the server is then in a transaction."""
    driver = connection.connection.driver_connection
    if isinstance(driver, psycopg.Connection):
        run()
        return "BEGIN" if driver.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS else None
    sent: list[str] = []
    driver.set_trace_callback(sent.append)  # type: ignore[union-attr]
    run()
    return sent[0] if sent[0].startswith("BEGIN") else None


def test_the_first_prebuilt_statement_of_a_write_begins_its_transaction(engine: Engine) -> None:
    with connect(engine, write=True) as connection:
        begun = _begun(connection, lambda: storage._UPDATE_OWNED_JOB_INFO(connection, {
            "job_info_id": JOB, "owner": USER, "name": "Renamed", "title": None, "experience_level": "junior",
            "description": "x", "now": NOW}))
        assert begun == ("BEGIN IMMEDIATE" if engine.dialect.name == "sqlite" else "BEGIN")
        connection.rollback()  # nothing of it stays
    with connect(engine, write=False) as connection:
        assert storage._JOB_INFO_BY_ID(connection, {"job_info_id": JOB}).first().name == "Job 0"


def test_a_constraint_violated_is_sqlalchemys_integrity_error(engine: Engine) -> None:
    orphan = {"id": str(uuid.uuid4()), "owner": "nobody", "job_info_id": "no-such-job", "duration": "00:00:00",
              "hume_chat_id": None, "feedback": None, "started_at": None, "ended_at": None,
              "created_at": NOW, "updated_at": NOW}
    with connect(engine, write=True) as connection:
        answer = interviews._INSERT_OWNED_RETURNING(connection, orphan)  # owned by nobody: nothing inserted
        assert answer.first() is None
        with pytest.raises(IntegrityError):
            storage._UPDATE_JOB_INFO(connection, {  # a job info moved to a user that does not exist
                "job_info_id": JOB, "user_id": "nobody", "name": "n", "title": None, "experience_level": "mid",
                "description": "d", "created_at": NOW, "updated_at": NOW})
        connection.rollback()


def test_a_read_begins_nothing(engine: Engine) -> None:
    with connect(engine, write=False) as connection:
        assert _begun(connection, lambda: storage._JOB_INFO_BY_ID(connection, {"job_info_id": JOB}).first()) is None


def test_a_locked_database_is_sqlalchemys_operational_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'locked.db'}")
    upgrade(engine)
    try:
        with connect(engine, write=True) as holder, connect(engine, write=True) as waiter:
            holder.execute(select(1))  # BEGIN IMMEDIATE: the write lock is the holder's
            waiter.connection.driver_connection.execute("PRAGMA busy_timeout = 10")  # type: ignore[union-attr]
            with pytest.raises(OperationalError, match="locked"):
                storage._UPDATE_OWNED_JOB_INFO(waiter, {"job_info_id": JOB, "owner": USER, "name": "n",
                                                        "title": None, "experience_level": "mid",
                                                        "description": "d", "now": NOW})
    finally:
        engine.dispose()


def test_a_statement_rendered_at_execution_is_refused(engine: Engine) -> None:
    with connect(engine, write=False) as connection, pytest.raises(ValueError, match="bound parameters"):
        Prebuilt(select(t.users).where(t.users.c.id.in_(["a", "b"])))(connection, {})


def test_on_any_other_connection_of_the_engine_it_begins_as_execute_does(engine: Engine) -> None:
    """Migrations, purge and idempotency keys use the engine's own
    connections, which begin a transaction (``BEGIN``) on their first
    statement: a prebuilt one begins it too, and a rollback undoes it."""
    with engine.connect() as connection:
        begun = _begun(connection, lambda: user_plans._COUNT_CREATED["questions"](connection, {
            "user_id": USER, "delta": 7}))
        assert begun == "BEGIN" and connection.in_transaction()
        connection.rollback()
        assert user_plans._UNLOCKED_USAGE(connection, {"user_id": USER}).first().questions_created == 0
        connection.rollback()
