"""Users kept by an identity provider (Clerk): applying its user events
(webhook deliveries) and creating, on first use, a signed-in user whose event
has not arrived yet.

The user's id is the provider's: an upsert by id, with the database's unique
constraints deciding, means a racing delivery and first use never make two
users. A delivery is applied at most once: its id is recorded in the same
transaction as its change.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Protocol

from attrs import field

from core.accounts import NAME_MAX, normalize_email, valid_email
from core.cache_tags import user_tags
from core.domain import User
from core.errors import EmailAlreadyRegistered
from core.ports import Clock, RecordingArchive, Storage, TagCache
from core.records import frozen

USER_ID_MAX = 36  # users.id
DELIVERY_ID_MAX = 255  # webhook_deliveries.id
DELIVERY_RETENTION = timedelta(days=7)
"""How long a delivery id is remembered: longer than the provider retries."""


def _user_id(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= USER_ID_MAX or not value.isprintable():
        raise ValueError(f"a user id is 1 to {USER_ID_MAX} printable characters")


def _name(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX:
        raise ValueError(f"a name is 1 to {NAME_MAX} characters")


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def display_name(*parts: object) -> str:
    """A user's name from the provider's parts (first and last name): the
    parts that are text, joined, control characters and runs of spaces made
    one space, cut to ``NAME_MAX``; "User" when nothing is left."""
    joined = " ".join(p for p in parts if isinstance(p, str))
    return _CONTROL_OR_SPACE.sub(" ", joined).strip()[:NAME_MAX].strip() or "User"


@frozen(kw_only=True)
class Profile:
    """A user as the identity provider knows them. Raises ValueError when a
    part does not fit what darasa stores."""

    id: str = field(validator=_user_id)
    email: str = field(converter=normalize_email, validator=valid_email)
    name: str = field(validator=_name)
    image_url: str | None = None

    def user(self, now: datetime) -> User:
        return User(self.id, self.name, self.email, self.image_url, now, now)


@frozen
class UserChanged:
    """Created or updated at the provider."""

    profile: Profile


@frozen
class UserDeleted:
    user_id: str


@frozen
class Delivery:
    """One webhook delivery: its id (the same on every retry) and the change
    it carries, None for an event that is not about users."""

    id: str = field()
    change: UserChanged | UserDeleted | None

    @id.validator
    def _check_id(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not 0 < len(value) <= DELIVERY_ID_MAX:
            raise ValueError(f"a delivery id is 1 to {DELIVERY_ID_MAX} characters")


class EmailTaken(Exception):
    """Another user has the profile's email: nothing was written. (The
    provider's emails are unique, so this is a deletion not yet delivered;
    the provider retries.)"""


def deletion_mark(user_id: str) -> str:
    """Remembered among the deliveries when a user is deleted, so that
    neither a change delivered late nor a session token still alive brings
    them back."""
    return f"user.deleted:{user_id}"


@frozen(kw_only=True)
class ApplyUserEvent:
    """Apply one delivery. Returns False for a delivery already applied (or
    about nothing darasa keeps, or about a user since deleted), which
    changes nothing. Not an action of the API: the webhook route calls it
    with the delivery it verified."""

    storage: Storage
    clock: Clock
    recording_archive: RecordingArchive
    retention: timedelta = DELIVERY_RETENTION

    def __call__(self, delivery: Delivery) -> bool:
        change = delivery.change
        if change is None:
            return False
        now = self.clock.now()
        interviews: list[str] = []
        with self.storage.unit_of_work(write=True) as uow:
            if not uow.deliveries.record(delivery.id, now, forget_before=now - self.retention):
                return False
            if isinstance(change, UserChanged):
                if uow.deliveries.remembered(deletion_mark(change.profile.id)):
                    uow.commit()  # a change delivered after the deletion
                    return False
                try:
                    uow.users.upsert(change.profile.user(now))
                except EmailAlreadyRegistered:
                    raise EmailTaken(change.profile.email) from None
            else:
                interviews = [
                    interview.id
                    for job_info in uow.job_infos.list_for_user(change.user_id)
                    for interview in uow.interviews.list_for_job_info(job_info.id)
                ]
                uow.users.delete(change.user_id)
                uow.deliveries.record(deletion_mark(change.user_id), now, forget_before=now - self.retention)
            uow.commit()
        for interview_id in interviews:  # a deleted user's recordings go too
            self.recording_archive.discard_interview(interview_id)
        return True


class Profiles(Protocol):
    """Where a user's profile is read when it did not come with the token."""

    def profile(self, user_id: str) -> Profile | None:
        """The provider's profile of the user; None when there is no such
        user or it cannot be read now."""
        ...


@frozen(kw_only=True)
class EnsureUser:
    """Make sure a signed-in user exists, creating them on first use from
    ``profile`` (the token's claims) or else from ``profiles`` (when there
    is a way to read them). Returns whether the user exists now."""

    storage: Storage
    cache: TagCache
    clock: Clock
    profiles: Profiles | None

    def __call__(self, user_id: str, profile: Profile | None = None) -> bool:
        # Only "exists" is worth caching: a user not there yet is looked for
        # again on the next request.
        if self.cache.get_or_load(f"user-exists:{user_id}", user_tags(user_id), lambda: self._exists(user_id)):
            return True
        if profile is None or profile.id != user_id:
            profile = self.profiles.profile(user_id) if self.profiles is not None else None
        if profile is None:
            return False
        with self.storage.unit_of_work(write=True) as uow:
            if uow.deliveries.remembered(deletion_mark(user_id)):
                return False
            try:
                # left as it is when a delivery wrote the user meanwhile
                uow.users.add_if_absent(profile.user(self.clock.now()))
            except EmailAlreadyRegistered:
                return False  # another user still has it: a deletion not yet delivered
            uow.commit()
        return True

    def _exists(self, user_id: str) -> bool:
        with self.storage.unit_of_work() as uow:
            return uow.users.get(user_id) is not None
