"""Idempotency keys in SQLite and PostgreSQL: the store agrees with the
fake's rules, of many threads and processes taking one key at once, exactly
one gets it, and the mark that a call committed is written in the action's
own transaction: kept when it commits, rolled back with its writes when not.
A call that outlives its lease and is taken over commits nothing, and a
takeover waits for a commit under way."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from adapters.db.engine import make_engine
from adapters.db.idempotency import SqlIdempotencyKeys
from adapters.db.storage import SqlStorage, SqlUnitOfWork
from adapters.db.tables import idempotency_keys, users
from adapters.fakes import FakeClock
from core.domain import ExperienceLevel, JobInfo
from core.idempotency import REPLAY_SECONDS, RUNNING_LEASE_SECONDS, HeldKey, TakenOver, holding
from tests.concurrently import at_once, in_processes

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    engine: Engine = request.getfixturevalue(name)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def new_user(engine: Engine) -> str:
    user_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(users.insert().values(
            id=user_id, name="u", email=f"{user_id}@example.com", created_at=NOW, updated_at=NOW))
    return user_id


def test_claim_finish_replay_mismatch_release_and_expiry(engine: Engine) -> None:
    clock = FakeClock(NOW)
    keys = SqlIdempotencyKeys(engine, clock)
    user, other = new_user(engine), new_user(engine)
    first = keys.claim(user, "k", "f1")
    assert first.state == "new"
    assert keys.claim(user, "k", "f1").state == "running"
    assert keys.claim(other, "k", "f1").state == "new"  # keys are per user
    keys.finish(user, "k", "not-the-token", "{}")
    assert keys.claim(user, "k", "f1").state == "running"
    keys.finish(user, "k", first.token, '{"id": "1"}')
    assert keys.claim(user, "k", "f1").response == '{"id": "1"}'
    assert keys.claim(user, "k", "f2").state == "mismatch"
    keys.release(user, "k", first.token)  # a finished key is kept
    assert keys.claim(user, "k", "f1").state == "done"

    second = keys.claim(user, "k2", "f")
    keys.release(user, "k2", second.token)
    assert keys.claim(user, "k2", "other").state == "new"  # freed

    clock.advance(RUNNING_LEASE_SECONDS + 1)  # k2's call died: taken over
    assert keys.claim(user, "k2", "f").state == "new"
    clock.advance(REPLAY_SECONDS)
    assert keys.claim(user, "k", "f2").state == "new"  # k lapsed


def test_purge_deletes_only_lapsed_keys_in_bounded_batches(engine: Engine) -> None:
    clock = FakeClock(NOW)
    keys = SqlIdempotencyKeys(engine, clock)
    user = new_user(engine)
    for n in range(5):
        keys.claim(user, f"old-{n}", "f")
    clock.advance(REPLAY_SECONDS + 1)
    keys.claim(user, "fresh", "f")
    batches = [keys.purge(limit=3)]
    while batches[-1]:  # other tests' keys share the PostgreSQL schema
        batches.append(keys.purge(limit=3))
    assert batches[0] == 3 and sum(batches) >= 5 and max(batches) <= 3
    with engine.connect() as connection:
        left = connection.execute(
            select(idempotency_keys.c.key).where(idempotency_keys.c.user_id == user)).scalars().all()
    assert left == ["fresh"]


def test_one_of_many_threads_taking_a_key_at_once_gets_it(engine: Engine) -> None:
    keys = SqlIdempotencyKeys(engine, FakeClock(NOW))
    user = new_user(engine)
    states = at_once([lambda: keys.claim(user, "race", "f").state for _ in range(16)])
    assert sorted(states) == ["new"] + ["running"] * 15


def test_one_of_many_processes_taking_a_key_at_once_gets_it(engine: Engine, url: str) -> None:
    user = new_user(engine)
    engine.dispose()  # no pooled connection crosses the fork

    def work() -> list[str]:
        own = make_engine(url)
        try:
            return [SqlIdempotencyKeys(own, FakeClock(NOW)).claim(user, "race", "f").state]
        finally:
            own.dispose()

    assert sorted(in_processes(work, 4)) == ["new", "running", "running", "running"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(func.count()).select_from(idempotency_keys).where(idempotency_keys.c.user_id == user)
        ).scalar_one()
    assert rows == 1


def test_storing_an_answer_after_the_write_never_fails_the_call() -> None:
    # the action has committed: a database gone by now must not turn its
    # answer into an error (the key lapses after its lease instead)
    gone = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/gone")
    keys = SqlIdempotencyKeys(gone, FakeClock(NOW))
    keys.finish("user", "key", "token", "{}")
    keys.release("user", "key", "token")
    gone.dispose()


def job_info(user_id: str) -> JobInfo:
    return JobInfo(str(uuid.uuid4()), user_id, "Backend", None, ExperienceLevel.SENIOR, "Python", NOW, NOW)


def committed(engine: Engine, user_id: str, key: str) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(idempotency_keys.c.committed).where(
            idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)).scalar_one()


def test_the_action_s_commit_marks_its_key_and_a_retry_never_runs_it_again(engine: Engine) -> None:
    clock = FakeClock(NOW)
    keys, storage = SqlIdempotencyKeys(engine, clock), SqlStorage(engine)
    user = new_user(engine)
    claim = keys.claim(user, "k", "f")
    held = HeldKey(user, "k", claim.token)
    job = job_info(user)
    with holding(held), storage.unit_of_work(write=True) as uow:
        uow.job_infos.add(job)
        uow.commit()
        uow.job_infos.add(job_info(user))  # a second commit of the same call
        uow.commit()
    assert held.committed and committed(engine, user, "k")
    with storage.unit_of_work() as uow:
        assert uow.job_infos.get(job.id) == job
    # its answer was never stored (finish failed): refused, even after the lease
    keys.release(user, "k", claim.token)  # a call that failed after its commit
    assert keys.claim(user, "k", "f").state == "lost"
    clock.advance(RUNNING_LEASE_SECONDS + 1)
    assert keys.claim(user, "k", "f").state == "lost"
    assert keys.claim(user, "k", "other").state == "mismatch"
    keys.finish(user, "k", claim.token, '{"id": "1"}')
    assert keys.claim(user, "k", "f").response == '{"id": "1"}'


class FailingCommit(SqlUnitOfWork):
    """A unit of work whose COMMIT fails (the database went away)."""

    def _commit(self) -> None:
        raise ConnectionError("the database went away at COMMIT")


def test_the_mark_is_rolled_back_with_the_action_s_writes(engine: Engine) -> None:
    clock = FakeClock(NOW)
    keys = SqlIdempotencyKeys(engine, clock)
    user = new_user(engine)
    claim = keys.claim(user, "k", "f")
    held = HeldKey(user, "k", claim.token)
    job = job_info(user)
    with pytest.raises(ConnectionError), holding(held), FailingCommit(engine, True, None) as uow:
        uow.job_infos.add(job)
        uow.commit()
    assert not held.committed and not committed(engine, user, "k")
    with SqlStorage(engine).unit_of_work() as uow:
        assert uow.job_infos.get(job.id) is None
    assert keys.claim(user, "k", "f").state == "running"
    keys.release(user, "k", claim.token)  # the call's failure frees its key
    assert keys.claim(user, "k", "f").state == "new"


def test_a_unit_of_work_outside_a_keyed_call_marks_nothing(engine: Engine) -> None:
    keys = SqlIdempotencyKeys(engine, FakeClock(NOW))
    user = new_user(engine)
    keys.claim(user, "k", "f")
    with SqlStorage(engine).unit_of_work(write=True) as uow:
        uow.job_infos.add(job_info(user))
        uow.commit()
    assert not committed(engine, user, "k")


def test_a_call_taken_over_after_its_lease_commits_nothing(engine: Engine) -> None:
    clock = FakeClock(NOW)
    keys, storage = SqlIdempotencyKeys(engine, clock), SqlStorage(engine)
    user = new_user(engine)
    slow = HeldKey(user, "k", keys.claim(user, "k", "f").token)
    clock.advance(RUNNING_LEASE_SECONDS + 1)  # the slow call is presumed dead
    retry = keys.claim(user, "k", "f")
    assert retry.state == "new"
    job = job_info(user)
    with pytest.raises(TakenOver), holding(slow), storage.unit_of_work(write=True) as uow:
        uow.job_infos.add(job)
        uow.commit()  # the slow call was alive after all: fenced off
    assert not slow.committed and not committed(engine, user, "k")
    with storage.unit_of_work() as uow:
        assert uow.job_infos.get(job.id) is None
    keys.release(user, "k", slow.token)  # its failure does not free the retry's key
    assert keys.claim(user, "k", "f").state == "running"


class PausedCommit(SqlUnitOfWork):
    """A unit of work that has marked its key and waits before COMMIT."""

    marked = threading.Event()
    go_on = threading.Event()

    def _commit(self) -> None:
        self.marked.set()
        assert self.go_on.wait(10)
        super()._commit()


def test_a_takeover_waits_for_a_commit_under_way_and_finds_it_done(engine: Engine) -> None:
    clock = FakeClock(NOW)
    keys = SqlIdempotencyKeys(engine, clock)
    user = new_user(engine)
    held = HeldKey(user, "k", keys.claim(user, "k", "f").token)
    PausedCommit.marked.clear()
    PausedCommit.go_on.clear()

    def commit_late() -> None:
        with holding(held), PausedCommit(engine, True, None) as uow:
            uow.job_infos.add(job_info(user))
            uow.commit()

    committing = threading.Thread(target=commit_late)
    committing.start()
    assert PausedCommit.marked.wait(10)
    clock.advance(RUNNING_LEASE_SECONDS + 1)
    claims: list[str] = []
    retry = threading.Thread(target=lambda: claims.append(keys.claim(user, "k", "f").state))
    retry.start()
    retry.join(0.5)
    assert retry.is_alive()  # waiting for the marked row
    PausedCommit.go_on.set()
    committing.join(10)
    retry.join(20)
    assert held.committed and claims == ["lost"]
