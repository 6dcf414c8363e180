"""What createJobInfo and updateJobInfo write with, on the fake, SQLite and
PostgreSQL alike: ``job_infos.add_unless_full`` (the user's count of job
infos, kept on their row, checked and moved with the insert; a delete gives
the slot back; a user who is gone is ``OwnerMissing``) and
``job_infos.update_owned`` (updateJobInfo's one statement: only the owner's
job info changes, and its ``updated_at`` never goes back), each the one
write of its unit of work (``one_write``: on SQLite committed as it runs)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from adapters.cache.memory import MemoryTagCache
from adapters.db.storage import SqlStorage
from core.cache_tags import job_info_tags
from core.domain import ExperienceLevel
from core.errors import OwnerMissing
from core.idempotency import HeldKey, holding
from core.ports import Storage
from tests.concurrently import at_once
from tests.conftest import T0, make_job_info, make_user, new_id, saved
from tests.integration.lone_writes import as_a_request

CHANGES = {"name": "Data engineer", "title": "Senior Data Engineer",
           "experience_level": ExperienceLevel.SENIOR, "description": "Pipelines."}


def test_the_owner_replaces_the_fields_and_updated_at_moves_forward(storage: Storage) -> None:
    user = make_user()
    job_info = make_job_info(user_id=user.id, experience_level=ExperienceLevel.JUNIOR)
    saved(storage, user, job_info)
    later = T0 + timedelta(minutes=5)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.update_owned(user.id, job_info.id, **CHANGES, now=later)
        uow.commit()
    with storage.unit_of_work() as uow:
        found = uow.job_infos.get(job_info.id)
    assert found is not None
    assert (found.name, found.title, found.experience_level, found.description) == tuple(CHANGES.values())
    assert (found.created_at, found.updated_at, found.user_id) == (T0, later, user.id)


def test_updated_at_stays_when_the_clock_is_behind_it(storage: Storage) -> None:
    user = make_user()
    job_info = make_job_info(user_id=user.id, updated_at=T0 + timedelta(hours=1))
    saved(storage, user, job_info)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.update_owned(user.id, job_info.id, **CHANGES, now=T0)
        uow.commit()
    with storage.unit_of_work() as uow:
        found = uow.job_infos.get(job_info.id)
    assert found is not None and found.updated_at == T0 + timedelta(hours=1)
    assert found.name == CHANGES["name"]


def test_someone_elses_or_a_missing_job_info_is_not_touched(storage: Storage) -> None:
    owner, other = make_user(), make_user()
    job_info = make_job_info(user_id=owner.id)
    saved(storage, owner, other, job_info)
    with storage.unit_of_work(write=True) as uow:
        assert not uow.job_infos.update_owned(other.id, job_info.id, **CHANGES, now=T0 + timedelta(days=1))
        assert not uow.job_infos.update_owned(owner.id, new_id(), **CHANGES, now=T0 + timedelta(days=1))
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.job_infos.get(job_info.id) == job_info


def test_a_user_who_is_gone_is_refused_and_nothing_is_written(storage: Storage) -> None:
    user, gone = make_user(), new_id()
    saved(storage, user)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 10)
        uow.commit()
    with storage.unit_of_work(write=True) as uow, pytest.raises(OwnerMissing):
        uow.job_infos.add_unless_full(make_job_info(user_id=gone), 10)
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 1
        assert uow.job_infos.count_for_user(gone) == 0


def test_the_limit_counts_what_the_user_keeps_a_delete_frees_a_slot(storage: Storage) -> None:
    user, other = make_user(), make_user()
    saved(storage, user, other)
    kept = [make_job_info(user_id=user.id) for _ in range(2)]
    with storage.unit_of_work(write=True) as uow:
        assert all(uow.job_infos.add_unless_full(job_info, 2) for job_info in kept)
        assert uow.job_infos.add_unless_full(make_job_info(user_id=other.id), 2)  # another user's count
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert not uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 2)
        uow.job_infos.delete(kept[0].id)
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 2)
        assert not uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 2)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 2


def test_a_create_that_is_not_committed_takes_no_slot(storage: Storage) -> None:
    user = make_user()
    saved(storage, user)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 1)  # rolled back
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 1)
        uow.commit()


def test_simultaneous_creates_and_deletes_keep_the_count_exact(storage: Storage) -> None:
    """However the threads interleave, creates add exactly up to the limit,
    and a delete racing them frees exactly one slot."""
    limit, attempts = 3, 8
    user = make_user()
    saved(storage, user)
    first = make_job_info(user_id=user.id)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.add_unless_full(first, limit)
        uow.commit()

    def attempt() -> bool:
        with storage.unit_of_work(write=True) as uow:
            time.sleep(0.02)  # widen the gap between BEGIN and the write
            added = uow.job_infos.add_unless_full(make_job_info(user_id=user.id), limit)
            time.sleep(0.02)  # and between the write and the commit
            uow.commit()
            return added

    def delete_first() -> bool:
        with storage.unit_of_work(write=True) as uow:
            uow.job_infos.delete(first.id)
            uow.commit()
        return False

    outcomes = at_once([attempt] * attempts + [delete_first])
    with storage.unit_of_work() as uow:
        kept = uow.job_infos.count_for_user(user.id)
    assert kept == outcomes.count(True)  # the first is gone
    assert limit - 1 <= kept <= limit
    with storage.unit_of_work(write=True) as uow:  # the count on the row agrees with the rows
        for _ in range(limit - kept):
            assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), limit)
        assert not uow.job_infos.add_unless_full(make_job_info(user_id=user.id), limit)


# --- a unit of work of one write (createJobInfo's, updateJobInfo's) ---------


def test_a_unit_of_one_write_refuses_a_second_write(storage: Storage) -> None:
    user = make_user()
    job_info = make_job_info(user_id=user.id)
    saved(storage, user)
    with pytest.raises(RuntimeError), storage.unit_of_work(write=True, one_write=True) as uow:
        assert uow.job_infos.add_unless_full(job_info, 10)
        uow.job_infos.update_owned(user.id, job_info.id, **CHANGES, now=T0)
    with storage.unit_of_work() as uow:
        found = uow.job_infos.get(job_info.id)
    assert found is None or found.name == job_info.name  # never updated (SQL: added, as it ran)


def test_a_unit_of_one_write_that_wrote_nothing_may_go_on(storage: Storage) -> None:
    user = make_user()
    job_info = make_job_info(user_id=user.id)
    saved(storage, user, job_info)
    with storage.unit_of_work(write=True, one_write=True) as uow:
        assert not uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 1)  # full
        assert uow.job_infos.update_owned(user.id, job_info.id, **CHANGES, now=T0)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 1
        found = uow.job_infos.get(job_info.id)
    assert found is not None and found.name == CHANGES["name"]


def test_a_unit_of_one_write_commits_it_as_it_runs(sql_storage: SqlStorage) -> None:
    """No transaction of its own (on PostgreSQL, with its deadline:
    ``adapters.db.bounds``): another unit of work sees the write before
    ``commit()``, and it stays when the unit ends without one."""
    user = make_user()
    job_info = make_job_info(user_id=user.id)
    saved(sql_storage, user)
    with as_a_request(sql_storage, user.id), sql_storage.unit_of_work(write=True, one_write=True) as uow:
        assert uow.job_infos.add_unless_full(job_info, 10)
        with sql_storage.unit_of_work() as other:
            assert other.job_infos.get(job_info.id) is not None
    with sql_storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 1


def test_simultaneous_creates_run_alone_add_exactly_up_to_the_limit(sql_storage: SqlStorage) -> None:
    """As requests make them: each on a connection of its own, its session
    read first, so that the insert runs alone (on PostgreSQL in autocommit,
    with its deadline: the user's row locked and the count checked again by
    the insert's own statement)."""
    limit, attempts = 3, 10
    user = make_user()
    saved(sql_storage, user)

    def attempt() -> bool:
        with as_a_request(sql_storage, user.id), sql_storage.unit_of_work(write=True, one_write=True) as uow:
            added = uow.job_infos.add_unless_full(make_job_info(user_id=user.id), limit)
            uow.commit()
            return added

    assert at_once([attempt] * attempts).count(True) == limit
    with sql_storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == limit


def test_on_sql_with_an_idempotency_key_held_one_write_is_a_transaction(sql_storage: SqlStorage) -> None:
    """The key's mark must commit with the write: nothing is seen before
    ``commit()``, and nothing stays without it."""
    user = make_user()
    saved(sql_storage, user)
    with holding(HeldKey(user.id, "key-1", "token-1")):
        with sql_storage.unit_of_work(write=True, one_write=True) as uow:
            assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 10)
            with sql_storage.unit_of_work() as other:
                assert other.job_infos.count_for_user(user.id) == 0
    with sql_storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 0


def test_on_sqlite_a_write_committed_as_it_ran_invalidates_its_tags_without_commit(sqlite_engine: Engine) -> None:
    cache = MemoryTagCache()
    storage = SqlStorage(sqlite_engine, cache)
    user = make_user()
    job_info = make_job_info(user_id=user.id)
    saved(storage, user, job_info)
    tags = job_info_tags(job_info.id, user.id)
    assert cache.get_or_load("job", tags, lambda: "before") == "before"
    with pytest.raises(LookupError), storage.unit_of_work(write=True, one_write=True) as uow:
        assert uow.job_infos.update_owned(user.id, job_info.id, **CHANGES, now=T0)
        raise LookupError  # before commit(): the update has committed all the same
    assert cache.get_or_load("job", tags, lambda: "after") == "after"
