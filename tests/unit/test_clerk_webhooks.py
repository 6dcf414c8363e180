"""Clerk's user webhooks: deliveries signed with the svix library are read
into user events, anything unsigned, forged, stale or unusable is refused,
and applying them keeps the users right, once per delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.fakes.clock import FakeClock
from adapters.fakes.storage import FakeStorage
from adapters.identity.clerk_users import BadDelivery, ClerkWebhooks, profile_from_clerk
from adapters.speech.archive import FolderRecordings, NoRecordings
from core.domain import ExperienceLevel, Interview, JobInfo
from core.ports import RecordingArchive
from core.speech import AudioFormat
from core.user_sync import (
    ApplyUserEvent,
    Delivery,
    EmailTaken,
    Profile,
    UserChanged,
    UserDeleted,
)
from tests.clerk_tokens import WEBHOOK_SECRET, clerk_user, signed_delivery

WEBHOOKS = ClerkWebhooks(WEBHOOK_SECRET)


def created(user_id: str = "user_2a", email: str = "amina@example.com", **changes: object) -> dict[str, object]:
    return {
        "type": "user.created",
        "object": "event",
        "data": {**clerk_user(user_id, email), **changes},
    }


def test_a_signed_user_created_delivery_is_read() -> None:
    body, headers = signed_delivery(created(), msg_id="msg_1")
    delivery = WEBHOOKS.delivery(body, headers)
    assert delivery == Delivery(
        "msg_1",
        UserChanged(
            Profile(
                id="user_2a",
                email="amina@example.com",
                name="Amina Njeri",
                image_url="https://img.clerk.com/amina.png",
            )
        ),
    )


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [
        ("Amina", None, "Amina"),
        (None, "Njeri", "Njeri"),
        (None, None, "User"),
        ("  ", "", "User"),
        (" Amina\n", "\tNjeri\x00", "Amina Njeri"),
        ("\x1b[31m", "\u0085", "[31m"),
        ("A" * 150, "B" * 150, "A" * 150 + " " + "B" * 49),
    ],
)
def test_the_name_is_first_and_last_else_user(first: str | None, last: str | None, name: str) -> None:
    profile = profile_from_clerk(clerk_user("user_2a", "a@example.com", first, last))
    assert profile is not None and profile.name == name


def test_user_deleted_and_unknown_types_are_read() -> None:
    body, headers = signed_delivery({"type": "user.deleted", "data": {"id": "user_2a", "deleted": True}})
    assert WEBHOOKS.delivery(body, headers).change == UserDeleted("user_2a")
    body, headers = signed_delivery({"type": "session.created", "data": {"id": "sess_1"}})
    assert WEBHOOKS.delivery(body, headers).change is None


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


def _refused_cases() -> dict[str, tuple[bytes, dict[str, str]]]:
    body, headers = signed_delivery(created())
    now = datetime.now(UTC)
    no_primary = created()
    no_primary["data"]["primary_email_address_id"] = "idn_missing"  # type: ignore[index]
    return {
        "no svix-id": (body, _without(headers, "svix-id")),
        "no timestamp": (body, _without(headers, "svix-timestamp")),
        "no signature": (body, _without(headers, "svix-signature")),
        "forged": signed_delivery(created(), secret="whsec_" + "Zm9yZ2VkLXNlY3JldC1mb3ItdGVzdHM="),
        "changed body": (body.replace(b"amina@", b"mallory@"), headers),
        "six minutes old": signed_delivery(created(), at=now - timedelta(minutes=6)),
        "six minutes ahead": signed_delivery(created(), at=now + timedelta(minutes=6)),
        "signature without a comma": (body, {**headers, "svix-signature": "v1"}),
        "signature not base64": (body, {**headers, "svix-signature": "v1,@@@"}),
        "timestamp not a number": (body, {**headers, "svix-timestamp": "soon"}),
        "body not utf-8": (b"\xff\xfe", headers),
        "no primary email": signed_delivery(no_primary),
        "not an event": signed_delivery([1, 2]),  # type: ignore[arg-type]
        "deleted without id": signed_delivery({"type": "user.deleted", "data": {}}),
    }


CASES = list(_refused_cases())


@pytest.mark.parametrize("case", CASES)
def test_a_bad_delivery_is_refused(case: str) -> None:
    body, headers = _refused_cases()[case]  # signed now: the timestamps are relative to now
    with pytest.raises(BadDelivery):
        WEBHOOKS.delivery(body, headers)


# --- applying ----------------------------------------------------------------


def apply_on(storage: FakeStorage, clock: FakeClock | None = None,
             archive: RecordingArchive | None = None) -> ApplyUserEvent:
    return ApplyUserEvent(storage=storage, clock=clock or FakeClock(),
                          recording_archive=archive or NoRecordings())


def changed(user_id: str, email: str, name: str = "Amina Njeri") -> UserChanged:
    return UserChanged(Profile(id=user_id, email=email, name=name))


def test_created_then_updated_then_deleted_with_everything_owned(tmp_path: Path) -> None:
    storage, clock, archive = FakeStorage(), FakeClock(), FolderRecordings(tmp_path)
    apply = apply_on(storage, clock, archive)
    assert apply(Delivery("msg_1", changed("user_2a", "a@example.com")))
    clock.advance(60)
    assert apply(Delivery("msg_2", changed("user_2a", "b@example.com", "Amina W.")))
    with storage.unit_of_work() as uow:
        user = uow.users.get("user_2a")
    assert user is not None
    assert (user.email, user.name, user.updated_at - user.created_at) == (
        "b@example.com",
        "Amina W.",
        timedelta(seconds=60),
    )
    with storage.unit_of_work(write=True) as uow:
        now = clock.now()
        uow.job_infos.add(JobInfo("job_1", "user_2a", "n", None, ExperienceLevel.JUNIOR, "d", now, now))
        uow.interviews.add(Interview("interview-1", "job_1", "00:00:00", None, None, now, now))
        uow.commit()
    archive.keep("interview-1", b"RIFF....WAVE", AudioFormat.WAV)  # a spoken answer kept (KEEP_AUDIO=1)
    assert apply(Delivery("msg_3", UserDeleted("user_2a")))
    with storage.unit_of_work() as uow:
        assert uow.users.get("user_2a") is None
        assert uow.job_infos.get("job_1") is None
    assert list(tmp_path.iterdir()) == []


def test_a_redelivery_changes_nothing() -> None:
    storage = FakeStorage()
    apply = apply_on(storage)
    assert apply(Delivery("msg_1", changed("user_2a", "a@example.com")))
    apply(Delivery("msg_2", changed("user_2a", "b@example.com")))
    commits = storage.commits
    assert not apply(Delivery("msg_1", changed("user_2a", "a@example.com")))
    assert storage.commits == commits
    with storage.unit_of_work() as uow:
        assert uow.users.get("user_2a").email == "b@example.com"  # type: ignore[union-attr]


def test_an_unknown_event_is_ignored() -> None:
    storage = FakeStorage()
    assert not apply_on(storage)(Delivery("msg_1", None))
    assert storage.commits == 0


def test_an_email_another_user_has_writes_nothing_and_is_not_remembered() -> None:
    storage = FakeStorage()
    apply = apply_on(storage)
    apply(Delivery("msg_1", changed("user_2old", "same@example.com")))
    commits = storage.commits
    with pytest.raises(EmailTaken):
        apply(Delivery("msg_2", changed("user_2new", "same@example.com")))
    assert storage.commits == commits
    apply(Delivery("msg_3", UserDeleted("user_2old")))
    assert apply(Delivery("msg_2", changed("user_2new", "same@example.com")))  # the retry succeeds


def test_a_delivery_id_out_of_bounds_is_refused() -> None:
    with pytest.raises(ValueError):
        Delivery("m" * 256, None)


def test_header_names_are_read_in_any_case() -> None:
    body, headers = signed_delivery(created(), msg_id="msg_case")
    titled = {name.title(): value for name, value in headers.items()}
    assert WEBHOOKS.delivery(body, titled).id == "msg_case"


def test_a_change_delivered_after_the_deletion_does_not_bring_the_user_back() -> None:
    storage = FakeStorage()
    apply = apply_on(storage)
    apply(Delivery("msg_1", changed("user_2a", "a@example.com")))
    apply(Delivery("msg_3", UserDeleted("user_2a")))
    assert not apply(Delivery("msg_2", changed("user_2a", "a@example.com", "Late")))
    with storage.unit_of_work() as uow:
        assert uow.users.get("user_2a") is None
