"""The storage contract for interviews, plans and allowance counters, on the
in-memory fake, SQLite and PostgreSQL alike; and ``lock_usage`` holding the
allowance exact under concurrent writers. Records get random ids, so runs
never collide on the shared PostgreSQL schema."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from attrs import evolve
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from adapters.db.storage import SqlStorage
from core.domain import Actor, Interview, Usage
from core.errors import Forbidden
from core.ports import Storage
from tests.concurrently import at_once
from tests.conftest import T0, a_user_with_a_job_info, make_job_info, make_user, new_id, saved


def new_interview(job_info_id: str, at: datetime = T0) -> Interview:
    return Interview(new_id(), job_info_id, "00:00:00", None, None, at, at)


# --- interviews ---------------------------------------------------------------


def test_an_interview_round_trips_and_is_updated(storage: Storage) -> None:
    _, job_info = a_user_with_a_job_info(storage)
    interview = new_interview(job_info.id)
    saved(storage, interview)
    with storage.unit_of_work() as uow:
        assert uow.interviews.get(interview.id) == interview
        assert uow.interviews.get(new_id()) is None
    changed = evolve(
        interview,
        duration="01:02:03",
        hume_chat_id="c" * 200,
        feedback="## Overall Rating: 7/10\n\nClear answers — ✓",
        started_at=T0 + timedelta(seconds=1),
        ended_at=T0 + timedelta(hours=1, minutes=2, seconds=4),
        updated_at=T0 + timedelta(hours=2),
    )
    with storage.unit_of_work(write=True) as uow:
        uow.interviews.update(changed)
        uow.commit()
    with storage.unit_of_work() as uow:
        found = uow.interviews.get(interview.id)
    assert found == changed
    assert found.created_at.tzinfo is not None and found.ended_at.utcoffset() == timedelta(0)


def test_add_owned_adds_on_the_owners_job_info_only_and_counts_what_it_adds(storage: Storage) -> None:
    user, job_info = a_user_with_a_job_info(storage)
    other = make_user()
    saved(storage, other)
    mine, foreign, nowhere = new_interview(job_info.id), new_interview(job_info.id), new_interview(new_id())
    with storage.unit_of_work(write=True) as uow:
        assert uow.interviews.add_owned(mine, user.id)
        assert not uow.interviews.add_owned(foreign, other.id)
        assert not uow.interviews.add_owned(nowhere, user.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.interviews.get(mine.id) == mine
        assert uow.interviews.get(foreign.id) is None
        assert uow.interviews.get(nowhere.id) is None
        # the allowance counts the interview added, and nothing for the refusals
        assert uow.users.usage(user.id) == Usage(interviews_created=1)
        assert uow.users.usage(other.id) == Usage()
        # and nothing else of the owner's row changed
        assert uow.users.get(user.id) == user


def test_every_interview_added_is_counted_and_add_owned_is_one_write(storage: Storage) -> None:
    """``add`` counts too (the allowance counts every interview created);
    ``add_owned`` is one statement, so a unit of ``one_write`` holds it
    (createInterview's on an unlimited plan), after a refusal that wrote
    nothing."""
    user, job_info = a_user_with_a_job_info(storage)
    saved(storage, new_interview(job_info.id))
    mine = new_interview(job_info.id)
    with storage.unit_of_work(write=True, one_write=True) as uow:
        assert not uow.interviews.add_owned(new_interview(new_id()), user.id)
        assert uow.interviews.add_owned(mine, user.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.interviews.get(mine.id) == mine
        assert uow.users.usage(user.id) == Usage(interviews_created=2)


@pytest.mark.postgres
def test_on_postgres_add_owned_refuses_a_job_info_deleted_while_it_runs(postgres_engine: Engine) -> None:
    """The job info is there when the insert's select reads it, deleted by a
    transaction that commits while the insert waits for it: no orphan."""
    storage = SqlStorage(postgres_engine)
    user, job_info = a_user_with_a_job_info(storage)
    interview = new_interview(job_info.id)
    with postgres_engine.connect() as deleter:
        deleter.execute(text("DELETE FROM job_infos WHERE id = :id"), {"id": job_info.id})

        def add() -> bool:
            with storage.unit_of_work(write=True) as uow:
                added = uow.interviews.add_owned(interview, user.id)
                if added:
                    uow.commit()
                return added

        with ThreadPoolExecutor(1) as pool:
            adding = pool.submit(add)
            time.sleep(0.3)
            assert not adding.done()  # waiting for the deleter's row lock
            deleter.commit()
            assert adding.result(timeout=10) is False
    with storage.unit_of_work() as uow:
        assert uow.interviews.get(interview.id) is None


def test_interviews_are_listed_newest_first_per_job_info(storage: Storage) -> None:
    user, job_info = a_user_with_a_job_info(storage)
    other = make_job_info(user_id=user.id)
    made = [new_interview(job_info.id, T0 + timedelta(minutes=m)) for m in (5, 1, 9, 3)]
    saved(storage, other, *made, new_interview(other.id, T0 + timedelta(hours=1)))
    with storage.unit_of_work() as uow:
        listed = uow.interviews.list_for_job_info(job_info.id)
        assert uow.interviews.list_for_job_info(new_id()) == []
    assert listed == sorted(made, key=lambda i: i.created_at, reverse=True)


def test_deleting_a_job_info_or_its_user_deletes_their_interviews(storage: Storage) -> None:
    user, job_info = a_user_with_a_job_info(storage)
    second = make_job_info(user_id=user.id)
    first_interview, second_interview = new_interview(job_info.id), new_interview(second.id)
    saved(storage, second, first_interview, second_interview)
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.delete(job_info.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.interviews.get(first_interview.id) is None
        assert uow.interviews.get(second_interview.id) == second_interview
    with storage.unit_of_work(write=True) as uow:
        uow.users.delete(user.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.interviews.get(second_interview.id) is None
        assert uow.users.usage(user.id) is None
        assert uow.users.plan(user.id) is None


# --- plans and counters ---------------------------------------------------------


def test_a_new_user_is_free_until_their_plan_is_set(storage: Storage) -> None:
    user = make_user()
    saved(storage, user)
    with storage.unit_of_work() as uow:
        assert uow.users.plan(user.id) == "free"
        assert uow.users.plan(new_id()) is None
    with storage.unit_of_work(write=True) as uow:
        uow.users.set_plan(user.id, "max")
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.plan(user.id) == "max"


def test_the_plan_read_after_an_ownership_check_is_the_owners_and_follows_this_unit_of_work(
    storage: Storage,
) -> None:
    """SQL reads the plan along with the ownership check (one round trip):
    read after it, the plan is the same as when read alone."""
    user, job_info = a_user_with_a_job_info(storage)
    actor = Actor(user.id)
    with storage.unit_of_work(write=True) as uow:
        uow.owned_job_info(actor, job_info.id)
        assert uow.users.plan(user.id) == "free"
        uow.users.set_plan(user.id, "pro")
        assert uow.users.plan(user.id) == "pro"
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        uow.owned_job_info(actor, job_info.id)
        assert uow.users.plan(user.id) == "pro"
        uow.users.delete(user.id)
        assert uow.users.plan(user.id) is None
    with storage.unit_of_work() as uow:
        with pytest.raises(Forbidden):
            uow.owned_job_info(Actor(new_id()), job_info.id)
        assert uow.owned_job_info(actor, job_info.id) == job_info
        assert uow.users.plan(user.id) == "pro"


def test_counters_start_at_zero_count_each_kind_and_are_never_given_back(storage: Storage) -> None:
    user, job_info = a_user_with_a_job_info(storage)
    with storage.unit_of_work() as uow:
        assert uow.users.usage(user.id) == Usage(0, 0)
        assert uow.users.usage(new_id()) is None
    for kind in ("interviews", "questions", "questions"):
        with storage.unit_of_work(write=True) as uow:
            uow.users.count_created(user.id, kind)
            uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert uow.users.lock_usage(user.id) == Usage(interviews_created=1, questions_created=2)
        assert uow.users.lock_usage(new_id()) is None
        uow.job_infos.delete(job_info.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.usage(user.id) == Usage(1, 2)


def test_a_count_not_committed_is_not_counted(storage: Storage) -> None:
    user = make_user()
    saved(storage, user)
    with storage.unit_of_work(write=True) as uow:
        uow.users.lock_usage(user.id)
        uow.users.count_created(user.id, "interviews")
        uow.users.set_plan(user.id, "pro")
    with storage.unit_of_work() as uow:
        assert uow.users.usage(user.id) == Usage(0, 0)
        assert uow.users.plan(user.id) == "free"


# --- the allowance under concurrency ---------------------------------------------


@pytest.mark.parametrize("allowance", [1, 3])
def test_concurrent_lock_check_insert_creates_exactly_the_allowance(
    storage: Storage, allowance: int
) -> None:
    """What createInterview does in its write transaction, by 20 threads at
    once for one user: lock the counters, check, insert (which counts it),
    commit."""
    attempts = 20
    user, job_info = a_user_with_a_job_info(storage)

    def attempt() -> bool:
        with storage.unit_of_work(write=True) as uow:
            usage = uow.users.lock_usage(user.id)
            assert usage is not None
            if usage.interviews_created >= allowance:
                return False
            time.sleep(0.01)  # widen the gap between the check and the write
            uow.interviews.add(new_interview(job_info.id))
            uow.commit()
            return True

    outcomes = at_once([attempt] * attempts)
    assert sum(outcomes) == allowance
    with storage.unit_of_work() as uow:
        assert len(uow.interviews.list_for_job_info(job_info.id)) == allowance
        assert uow.users.usage(user.id) == Usage(interviews_created=allowance)


@pytest.mark.postgres
def test_on_postgres_lock_usage_holds_the_users_row(postgres_engine: Engine) -> None:
    """Not only the engine's write lock: the user's row itself is locked, so
    any transaction that wants it waits (here: is refused at once)."""
    storage = SqlStorage(postgres_engine)
    user, other = make_user(), make_user()
    saved(storage, user, other)
    with storage.unit_of_work(write=True) as uow:
        assert uow.users.lock_usage(user.id) == Usage(0, 0)
        with postgres_engine.connect() as outsider:
            with pytest.raises(OperationalError, match="could not obtain lock"):
                outsider.execute(
                    text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"), {"id": user.id}
                )
            outsider.rollback()
            row = outsider.execute(
                text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"), {"id": other.id}
            ).first()
            assert row is not None
