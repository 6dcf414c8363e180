"""The storage contract, run on the in-memory fake, SQLite and PostgreSQL
alike: what one backend does, the others do too. Records get random ids, so
runs never collide on the shared PostgreSQL schema."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from attrs import evolve
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from adapters.db.engine import make_engine
from adapters.db.storage import SqlStorage
from core.domain import Credentials, ExperienceLevel, Session
from core.errors import EmailAlreadyRegistered, OwnerMissing
from core.ports import Storage
from tests.concurrently import at_once
from tests.conftest import T0, make_job_info, make_user, new_id, saved


def new_session(user_id: str) -> Session:
    return Session(
        id=new_id(),
        user_id=user_id,
        token_digest=uuid.uuid4().hex * 2,
        created_at=T0,
        expires_at=T0 + timedelta(days=30),
    )


# --- users ------------------------------------------------------------------


def test_a_user_round_trips_and_is_found_by_email_in_any_case(storage: Storage) -> None:
    user = make_user(image_url="https://img.example.com/amina.png")
    saved(storage, user)
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) == user
        assert uow.users.get_by_email(user.email.upper()) == user
        assert uow.users.credentials(user.email.upper()) == Credentials(
            user.id, f"hash-of-{user.id}"
        )
        assert uow.users.get(new_id()) is None
        assert uow.users.get_by_email("nobody@example.com") is None
        assert uow.users.credentials("nobody@example.com") is None


def test_a_user_without_a_password_has_no_credentials_until_one_is_set(storage: Storage) -> None:
    user = make_user()
    with storage.unit_of_work(write=True) as uow:
        uow.users.add(user)
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert uow.users.credentials(user.email) is None
        uow.users.set_password_hash(user.id, "argon2-hash")
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.credentials(user.email) == Credentials(user.id, "argon2-hash")


def test_a_taken_email_in_another_case_is_refused_and_nothing_else_is_lost(
    storage: Storage,
) -> None:
    first = make_user()
    saved(storage, first)
    second, latecomer = make_user(), make_user(email=first.email.upper())
    job_info = make_job_info(user_id=second.id)
    with storage.unit_of_work(write=True) as uow:
        uow.users.add(second)
        with pytest.raises(EmailAlreadyRegistered):
            uow.users.add(latecomer)
        uow.job_infos.add(job_info)  # the transaction is still usable
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.get(latecomer.id) is None
        assert uow.users.get(second.id) == second
        assert uow.users.get_by_email(first.email) == first
        assert uow.job_infos.get(job_info.id) == job_info


def test_deleting_a_user_deletes_their_job_infos_and_sessions_only(storage: Storage) -> None:
    user, other = make_user(), make_user()
    job_info, session = make_job_info(user_id=user.id), new_session(user.id)
    others_job_info, others_session = make_job_info(user_id=other.id), new_session(other.id)
    saved(storage, user, other, job_info, session, others_job_info, others_session)
    with storage.unit_of_work(write=True) as uow:
        uow.users.delete(user.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) is None
        assert uow.users.credentials(user.email) is None
        assert uow.job_infos.get(job_info.id) is None
        assert uow.job_infos.count_for_user(user.id) == 0
        assert uow.sessions.by_digest(session.token_digest) is None
        assert uow.job_infos.get(others_job_info.id) == others_job_info
        assert uow.sessions.by_digest(others_session.token_digest) == others_session


# --- sessions ---------------------------------------------------------------


def test_a_session_is_found_by_its_digest_and_revoked_once(storage: Storage) -> None:
    user = make_user()
    session = new_session(user.id)
    saved(storage, user, session)
    with storage.unit_of_work(write=True) as uow:
        assert uow.sessions.by_digest(session.token_digest) == session
        assert uow.sessions.by_digest("unknown") is None
        uow.sessions.revoke(session.id, T0 + timedelta(hours=1))
        uow.sessions.revoke(session.id, T0 + timedelta(hours=2))
        uow.commit()
    with storage.unit_of_work() as uow:
        revoked = uow.sessions.by_digest(session.token_digest)
    assert revoked == evolve(session, revoked_at=T0 + timedelta(hours=1))


def test_a_session_remembers_the_address_it_was_opened_from(storage: Storage) -> None:
    user, other = make_user(), make_user()
    session = evolve(new_session(user.id), address_digest="d" * 64)
    saved(storage, user, other, session)
    with storage.unit_of_work(write=True) as uow:
        uow.sessions.revoke(session.id, T0)  # signed out since: still a known address
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.sessions.by_digest(session.token_digest) == evolve(session, revoked_at=T0)
        assert uow.sessions.opened_from(user.id, "d" * 64)
        assert not uow.sessions.opened_from(user.id, "e" * 64)
        assert not uow.sessions.opened_from(other.id, "d" * 64)


def test_a_live_session_is_one_not_revoked_whose_user_exists(storage: Storage) -> None:
    user, gone = make_user(), make_user()
    live, revoked, orphan = new_session(user.id), new_session(user.id), new_session(gone.id)
    saved(storage, user, gone, live, revoked, orphan)
    with storage.unit_of_work(write=True) as uow:
        uow.sessions.revoke(revoked.id, T0)
        uow.users.delete(gone.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.sessions.live_by_digest(live.token_digest) == live
        assert uow.sessions.live_by_digest(revoked.token_digest) is None
        assert uow.sessions.live_by_digest(orphan.token_digest) is None
        assert uow.sessions.live_by_digest("unknown") is None


# --- job infos --------------------------------------------------------------


def test_a_job_info_is_added_updated_and_deleted(storage: Storage) -> None:
    user = make_user()
    job_info = make_job_info(user_id=user.id, title=None, experience_level=ExperienceLevel.JUNIOR)
    saved(storage, user, job_info)
    changed = evolve(
        job_info,
        name="Data engineer",
        title="Senior Data Engineer",
        experience_level=ExperienceLevel.SENIOR,
        description="Pipelines.",
        updated_at=T0 + timedelta(minutes=5),
    )
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.get(job_info.id) == job_info
        uow.job_infos.update(changed)
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.get(job_info.id) == changed
        uow.job_infos.delete(job_info.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.job_infos.get(job_info.id) is None
        assert uow.users.get(user.id) == user


def test_a_job_info_for_a_missing_user_is_refused_and_writes_nothing(storage: Storage) -> None:
    with storage.unit_of_work(write=True) as uow:
        with pytest.raises(OwnerMissing):
            uow.job_infos.add(make_job_info(user_id="no-such-user"))
    user = make_user()
    saved(storage, user)
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user("no-such-user") == 0
        assert uow.job_infos.list_for_user(user.id) == []


def test_a_job_info_is_added_only_while_its_user_has_fewer_than_the_limit(storage: Storage) -> None:
    user, other = make_user(), make_user()
    saved(storage, user, other, make_job_info(user_id=other.id))
    first, second = make_job_info(user_id=user.id), make_job_info(user_id=user.id, name="Ünïcode ✨", title=None)
    with storage.unit_of_work(write=True) as uow:
        assert uow.job_infos.add_unless_full(first, 2)
        assert uow.job_infos.add_unless_full(second, 2)
        assert not uow.job_infos.add_unless_full(make_job_info(user_id=user.id), 2)
        uow.commit()
    with storage.unit_of_work(write=True) as uow, pytest.raises(OwnerMissing):
        uow.job_infos.add_unless_full(make_job_info(user_id="no-such-user"), 2)
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == 2
        assert (uow.job_infos.get(first.id), uow.job_infos.get(second.id)) == (first, second)


def test_unicode_and_the_longest_description_round_trip(storage: Storage) -> None:
    user = make_user(name="Zoë Wanjirũ 王")
    long_description = ("Ngazi ya juu — 東京 🚀 naïve café. " * 700)[:20_000]
    job_info = make_job_info(
        user_id=user.id, name="Ingénieure logicielle ✨", title="Développeuse «senior»",
        description=long_description,
    )
    saved(storage, user, job_info)
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) == user
        found = uow.job_infos.get(job_info.id)
    assert found == job_info
    assert found is not None and len(found.description) == 20_000


def test_datetimes_come_back_aware_in_utc_and_equal(storage: Storage) -> None:
    user = make_user(created_at=T0, updated_at=T0 + timedelta(microseconds=1))
    job_info = make_job_info(user_id=user.id, updated_at=T0 + timedelta(days=400, microseconds=999_999))
    saved(storage, user, job_info)
    with storage.unit_of_work() as uow:
        found_user, found_job = uow.users.get(user.id), uow.job_infos.get(job_info.id)
    assert found_user is not None and found_job is not None
    for found, original in [
        (found_user.created_at, user.created_at),
        (found_user.updated_at, user.updated_at),
        (found_job.updated_at, job_info.updated_at),
    ]:
        assert found == original
        assert found.utcoffset() == timedelta(0)


def test_job_infos_are_listed_last_updated_first_and_counted_per_user(storage: Storage) -> None:
    user, other = make_user(), make_user()
    oldest = make_job_info(user_id=user.id, updated_at=T0)
    newest = make_job_info(user_id=user.id, updated_at=T0 + timedelta(hours=2))
    tied = [make_job_info(user_id=user.id, updated_at=T0 + timedelta(hours=1)) for _ in range(3)]
    saved(storage, user, other, oldest, *tied, newest, make_job_info(user_id=other.id))
    with storage.unit_of_work() as uow:
        listed = uow.job_infos.list_for_user(user.id)
        count = uow.job_infos.count_for_user(user.id)
    ties_by_id = sorted(tied, key=lambda j: j.id, reverse=True)
    assert listed == [newest, *ties_by_id, oldest]
    assert count == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("BACKEND", {"backend"}),  # name, any case
        ("staff engineer", {"titled"}),  # title
        ("KUBERNETES", {"described"}),  # description
        ("%", {"percent"}),  # LIKE wildcards match themselves only
        ("_", {"underscore"}),
        ("\\", {"backslash"}),
        ("/", {"slash"}),
        ("école", {"accented"}),  # case folding beyond ASCII
        ("nothing like it", set()),
        ("", {"backend", "titled", "described", "percent", "underscore", "backslash", "slash",
              "accented"}),
    ],
)
def test_a_query_matches_name_title_or_description_case_insensitively(
    storage: Storage, query: str, expected: set[str]
) -> None:
    user = make_user()
    plain = {"title": None, "description": "Plain text."}
    records = {
        "backend": make_job_info(user_id=user.id, name="Backend developer", **plain),
        "titled": make_job_info(user_id=user.id, name="Role", title="Staff Engineer", description="x"),
        "described": make_job_info(user_id=user.id, name="Role", description="We run Kubernetes."),
        "percent": make_job_info(user_id=user.id, name="100% remote", **plain),
        "underscore": make_job_info(user_id=user.id, name="snake_case lover", **plain),
        "backslash": make_job_info(user_id=user.id, name="C:\\Users", **plain),
        "slash": make_job_info(user_id=user.id, name="CI/CD", **plain),
        "accented": make_job_info(user_id=user.id, name="Formateur, ÉCOLE 42", **plain),
    }
    saved(storage, user, *records.values())
    with storage.unit_of_work() as uow:
        found = {j.id for j in uow.job_infos.list_for_user(user.id, query)}
    assert found == {records[key].id for key in expected}


# --- the unit of work -------------------------------------------------------


def test_a_unit_of_work_without_commit_writes_nothing(storage: Storage) -> None:
    user = make_user()
    with storage.unit_of_work(write=True) as uow:
        uow.users.add(user)
        assert uow.users.get(user.id) == user  # it sees its own writes
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) is None


def test_an_exception_inside_a_unit_of_work_writes_nothing(storage: Storage) -> None:
    user = make_user()
    saved(storage, user)
    job_info = make_job_info(user_id=user.id)
    with pytest.raises(RuntimeError, match="boom"):
        with storage.unit_of_work(write=True) as uow:
            uow.job_infos.add(job_info)
            uow.users.delete(user.id)
            raise RuntimeError("boom")
    with storage.unit_of_work() as uow:
        assert uow.users.get(user.id) == user
        assert uow.job_infos.get(job_info.id) is None


def test_a_read_unit_of_work_cannot_commit(storage: Storage) -> None:
    with storage.unit_of_work() as uow:
        with pytest.raises(RuntimeError):
            uow.commit()


@pytest.mark.parametrize("in_one_statement", [False, True], ids=["count-then-add", "add_unless_full"])
def test_write_units_of_work_serialise_read_check_write_sequences(storage: Storage, in_one_statement: bool) -> None:
    """Like a plan allowance (or createJobInfo's limit, in one statement):
    lock the user's usage, then add a job info only while the user has fewer
    than the allowance. However the threads interleave, exactly that many
    are added."""
    allowance, attempts = 2, 6
    user = make_user()
    saved(storage, user)

    def attempt() -> bool:
        with storage.unit_of_work(write=True) as uow:
            uow.users.lock_usage(user.id)
            time.sleep(0.05)  # widen the gap between the lock and the write
            if in_one_statement:
                added = uow.job_infos.add_unless_full(make_job_info(user_id=user.id), allowance)
            elif added := uow.job_infos.count_for_user(user.id) < allowance:
                time.sleep(0.05)  # and between the check and the write
                uow.job_infos.add(make_job_info(user_id=user.id))
            uow.commit()
            return added

    outcomes = at_once([attempt] * attempts)
    with storage.unit_of_work() as uow:
        assert uow.job_infos.count_for_user(user.id) == allowance
    assert outcomes.count(True) == allowance


# --- the SQL adapter alone --------------------------------------------------


def test_an_aware_datetime_in_another_zone_is_stored_as_the_same_instant(
    sql_storage: SqlStorage,
) -> None:
    nairobi = timezone(timedelta(hours=3))
    user = make_user(created_at=datetime(2026, 3, 1, 12, 0, tzinfo=nairobi))
    saved(sql_storage, user)
    with sql_storage.unit_of_work() as uow:
        found = uow.users.get(user.id)
    assert found is not None
    assert found.created_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert found.created_at.tzinfo == UTC


def test_emails_are_stored_lower_cased(sql_storage: SqlStorage) -> None:
    user = make_user(email=f"Amina.{uuid.uuid4().hex[:8]}@Example.COM")
    saved(sql_storage, user)
    with sql_storage.unit_of_work() as uow:
        assert uow.users.get(user.id) == evolve(user, email=user.email.lower())


def test_ping_answers_when_the_database_does(sql_storage: SqlStorage) -> None:
    sql_storage.ping()


def test_ping_raises_when_the_database_is_unreachable() -> None:
    engine = make_engine("postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(OperationalError):
        SqlStorage(engine).ping()


def test_a_sqlite_database_is_created_with_its_folder_in_wal_mode_with_foreign_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep" / "instance" / "darasa.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert path.exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["postgres://u@db.example/app", "postgresql://u@db.example/app"])
def test_postgres_urls_use_psycopg_3(url: str) -> None:
    assert make_engine(url).url.drivername == "postgresql+psycopg"
