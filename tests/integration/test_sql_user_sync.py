"""The storage a user sync needs, on the fake, SQLite and PostgreSQL alike:
users upserted by id with the email's unique constraint deciding, and
webhook deliveries remembered once, for a while."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from attrs import evolve

from core.errors import EmailAlreadyRegistered
from core.ports import Storage
from tests.concurrently import at_once
from tests.conftest import T0, make_job_info, make_user, saved


def test_upsert_inserts_a_new_user_then_updates_it_by_id(storage: Storage) -> None:
    user = make_user()
    with storage.unit_of_work(write=True) as uow:
        uow.users.upsert(user)
        uow.commit()
    changed = evolve(
        user,
        name="Amina W. Njeri",
        email=f"NEW-{user.email}",
        image_url="https://img.example/a.png",
        created_at=T0 + timedelta(days=1),
        updated_at=T0 + timedelta(days=1),
    )
    with storage.unit_of_work(write=True) as uow:
        uow.users.upsert(changed)
        uow.commit()
    with storage.unit_of_work() as uow:
        stored = uow.users.get(user.id)
    # the email is stored lower-cased; created_at is the first write's
    assert stored == evolve(changed, email=changed.email.lower(), created_at=T0)


def test_upsert_to_another_users_email_raises_and_writes_nothing(
    storage: Storage,
) -> None:
    first, second = make_user(), make_user()
    saved(storage, first, second)
    with storage.unit_of_work(write=True) as uow:
        with pytest.raises(EmailAlreadyRegistered):
            uow.users.upsert(evolve(second, email=first.email.upper(), name="Taken"))
        uow.users.upsert(evolve(first, name="Still usable"))  # the transaction goes on
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.get(second.id) == second
        assert uow.users.get(first.id).name == "Still usable"  # type: ignore[union-attr]


def test_add_if_absent_leaves_an_existing_user_as_it_is(storage: Storage) -> None:
    user = make_user()
    saved(storage, user)
    with storage.unit_of_work(write=True) as uow:
        uow.users.add_if_absent(evolve(user, name="From a stale token"))
        uow.users.add_if_absent(
            evolve(user, email=f"other-{user.email}", name="Other email")
        )
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) == user


def test_add_if_absent_refuses_another_users_email(storage: Storage) -> None:
    holder = make_user()
    saved(storage, holder)
    newcomer = make_user(email=holder.email)
    with storage.unit_of_work(write=True) as uow, pytest.raises(EmailAlreadyRegistered):
        uow.users.add_if_absent(newcomer)
    with storage.unit_of_work() as uow:
        assert uow.users.get(newcomer.id) is None


def test_racing_upserts_and_first_uses_of_one_id_make_one_user(
    storage: Storage,
) -> None:
    user = make_user()

    def write(index: int) -> None:
        with storage.unit_of_work(write=True) as uow:
            if index % 2:
                uow.users.upsert(evolve(user, name=f"Name {index}"))
            else:
                uow.users.add_if_absent(user)
            uow.commit()

    at_once([lambda i=i: write(i) for i in range(8)])
    with storage.unit_of_work() as uow:
        stored = uow.users.get(user.id)
        assert stored is not None
        assert uow.users.get_by_email(user.email) == stored


def test_a_delivery_is_recorded_once(storage: Storage) -> None:
    delivery = f"msg_{uuid.uuid4().hex}"
    with storage.unit_of_work(write=True) as uow:
        assert uow.deliveries.record(delivery, T0, forget_before=T0 - timedelta(days=7))
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert not uow.deliveries.record(
            delivery, T0, forget_before=T0 - timedelta(days=7)
        )


def test_a_recorded_delivery_is_remembered(storage: Storage) -> None:
    delivery = f"msg_{uuid.uuid4().hex}"
    with storage.unit_of_work(write=True) as uow:
        assert not uow.deliveries.remembered(delivery)
        uow.deliveries.record(delivery, T0, forget_before=T0 - timedelta(days=7))
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.deliveries.remembered(delivery)


def test_a_delivery_rolled_back_is_not_remembered(storage: Storage) -> None:
    delivery = f"msg_{uuid.uuid4().hex}"
    with storage.unit_of_work(write=True) as uow:
        assert uow.deliveries.record(delivery, T0, forget_before=T0 - timedelta(days=7))
    with storage.unit_of_work(write=True) as uow:
        assert uow.deliveries.record(delivery, T0, forget_before=T0 - timedelta(days=7))


def test_deliveries_older_than_the_retention_are_forgotten(storage: Storage) -> None:
    old = f"msg_{uuid.uuid4().hex}"
    later = T0 + timedelta(days=8)
    with storage.unit_of_work(write=True) as uow:
        uow.deliveries.record(old, T0, forget_before=T0 - timedelta(days=7))
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        uow.deliveries.record(
            f"msg_{uuid.uuid4().hex}", later, forget_before=later - timedelta(days=7)
        )
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert uow.deliveries.record(
            old, later, forget_before=later - timedelta(days=7)
        )


def test_racing_deliveries_of_one_id_are_recorded_once(storage: Storage) -> None:
    delivery = f"msg_{uuid.uuid4().hex}"

    def record(_: int) -> bool:
        with storage.unit_of_work(write=True) as uow:
            fresh = uow.deliveries.record(
                delivery, T0, forget_before=T0 - timedelta(days=7)
            )
            uow.commit()
            return fresh

    assert sorted(at_once([lambda: record(0)] * 6)) == [False] * 5 + [True]


def test_deleting_a_synced_user_deletes_what_they_own(storage: Storage) -> None:
    user = make_user()
    with storage.unit_of_work(write=True) as uow:
        uow.users.upsert(user)
        uow.commit()
    job_info = make_job_info(user_id=user.id)
    saved(storage, job_info)
    with storage.unit_of_work(write=True) as uow:
        uow.users.delete(user.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) is None
        assert uow.job_infos.get(job_info.id) is None
