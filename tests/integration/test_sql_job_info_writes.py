"""What createJobInfo and updateJobInfo write with, on the fake, SQLite and
PostgreSQL alike: ``users.lock`` before a create (SQLite sends nothing, its
foreign key refuses a user who is gone) and ``job_infos.update_owned``
(updateJobInfo's one statement: only the owner's job info changes, and its
``updated_at`` never goes back)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from core.domain import ExperienceLevel
from core.errors import OwnerMissing
from core.ports import Storage
from tests.concurrently import at_once
from tests.conftest import T0, make_job_info, make_user, new_id, saved

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


def test_the_lock_before_a_create_or_the_foreign_key_refuses_a_user_who_is_gone(storage: Storage) -> None:
    user, gone = make_user(), new_id()
    saved(storage, user)
    with storage.unit_of_work(write=True) as uow:
        assert uow.users.lock(user.id)
        assert uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 10)
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        if uow.users.lock(gone):  # SQLite sends nothing: the insert's foreign key answers
            with pytest.raises(OwnerMissing):
                uow.job_infos.add_unless_full(make_job_info(user_id=gone), 10)
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 1
        assert uow.job_infos.count_for_user(gone) == 0


def test_simultaneous_creates_under_the_lock_add_exactly_up_to_the_limit(storage: Storage) -> None:
    """createJobInfo's sequence: ``users.lock``, then ``add_unless_full``.
    However the threads interleave (SQLite's lock is taken by the insert
    itself), exactly ``limit`` are added."""
    limit, attempts = 2, 6
    user = make_user()
    saved(storage, user)

    def attempt() -> bool:
        with storage.unit_of_work(write=True) as uow:
            assert uow.users.lock(user.id)
            time.sleep(0.05)  # widen the gap between the lock and the write
            added = uow.job_infos.add_unless_full(make_job_info(user_id=user.id), limit)
            uow.commit()
            return added

    outcomes = at_once([attempt] * attempts)
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == limit
    assert outcomes.count(True) == limit
