"""The repositories a unit of work hands out (``core.ports.UnitOfWork``):
one small protocol per kind of record, each read and written within that
unit of work's transaction. Implemented on SQL (``adapters.db``) and in
memory for the tests (``adapters.fakes``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.domain import (
    Answer,
    Credentials,
    ExperienceLevel,
    Hold,
    Interview,
    InterviewMessage,
    JobInfo,
    PracticeTotals,
    Question,
    RatedInterview,
    ScoredResume,
    Session,
    StoredResumeAnalysis,
    Usage,
    UsageKind,
    User,
)
from core.paging import SortKey


class UserRecords(Protocol):
    """The users themselves."""

    def add(self, user: User, password_hash: str | None = None) -> None:
        """Raises ``core.errors.EmailAlreadyRegistered`` if the email is taken."""
        ...

    def get(self, user_id: str) -> User | None: ...

    def get_by_email(self, email: str) -> User | None:
        """Look up by email, case-insensitively."""
        ...

    def upsert(self, user: User) -> None:
        """Insert the user, or update the name, email, image and
        ``updated_at`` of the one with its id. Raises
        ``core.errors.EmailAlreadyRegistered`` if another user has the email."""
        ...

    def add_if_absent(self, user: User) -> None:
        """Insert the user unless one with its id exists. Raises
        ``core.errors.EmailAlreadyRegistered`` if another user has the email."""
        ...

    def delete(self, user_id: str) -> None:
        """Delete the user and, by cascade, everything they own."""
        ...


class UserCredentials(Protocol):
    """A local account's password hash."""

    def credentials(self, email: str) -> Credentials | None: ...

    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...


class UserPlans(Protocol):
    """The plan stored for each user."""

    def plan(self, user_id: str) -> str | None:
        """The name of the user's stored plan ("free" until changed), or
        ``None`` for no such user. The name may be one the catalogue no
        longer knows; the plans adapter decides what that means."""
        ...

    def set_plan(self, user_id: str, plan: str) -> None: ...


class UserUsage(Protocol):
    """The counters plan allowances are checked against."""

    def usage(self, user_id: str) -> Usage | None:
        """The user's counters as of this unit of work, without locking."""
        ...

    def lock_usage(self, user_id: str) -> Usage | None:
        """The user's counters, read so that no other writer can change them
        (or create records they count) until this unit of work ends: call it
        first in a write unit of work, then check, insert and
        ``count_created`` before committing. ``None`` for no such user."""
        ...

    def count_created(self, user_id: str, kind: UsageKind, delta: int = 1) -> None:
        """Add ``delta`` to the user's counter of ``kind``."""
        ...

    def hold(self, hold: Hold, now: datetime) -> None:
        """Keep ``hold`` (after ``lock_usage``), forgetting the user's holds
        that lapsed before ``now``."""
        ...

    def holds(self, user_id: str, kind: UsageKind, now: datetime) -> int:
        """How many of the user's holds of ``kind`` are still live at ``now``."""
        ...

    def release_hold(self, hold_id: str) -> None:
        """Forget a hold (its record was written, or never will be)."""
        ...


class Users(UserRecords, UserCredentials, UserPlans, UserUsage, Protocol):
    """The users repository: one table, four concerns."""


class Sessions(Protocol):
    def add(self, session: Session) -> None: ...

    def get(self, session_id: str) -> Session | None: ...

    def by_digest(self, token_digest: str) -> Session | None: ...

    def opened_from(self, user_id: str, address_digest: str) -> bool:
        """Whether a session of the user's, live or not (until purged), was
        opened from that address."""
        ...

    def live_by_digest(self, token_digest: str) -> Session | None:
        """The session with this digest if it is not revoked and its user
        still exists (expiry is the caller's to check), in one read."""
        ...

    def revoke(self, session_id: str, at: datetime) -> None: ...


class WebhookDeliveries(Protocol):
    """Ids of webhook deliveries already applied, and of other events worth
    remembering for as long (a user's deletion)."""

    def record(self, delivery_id: str, at: datetime, forget_before: datetime) -> bool:
        """Remember a delivery; False when it was already remembered. Ids
        recorded before ``forget_before`` are forgotten."""
        ...

    def remembered(self, delivery_id: str) -> bool: ...


class JobInfos(Protocol):
    def add(self, job_info: JobInfo) -> None:
        """Raises ``core.errors.OwnerMissing`` if its user does not exist."""
        ...

    def get(self, job_info_id: str) -> JobInfo | None: ...

    def update(self, job_info: JobInfo) -> None: ...

    def update_owned(
        self, user_id: str, job_info_id: str, *, name: str, title: str | None,
        experience_level: ExperienceLevel, description: str, now: datetime,
    ) -> bool:
        """Replace the fields of job info ``job_info_id`` if it is
        ``user_id``'s, in one statement; its ``updated_at`` becomes ``now``,
        or stays if it is later. ``False``, nothing written, when there is no
        such job info or it is someone else's."""
        ...

    def delete(self, job_info_id: str) -> None:
        """Delete the job info and, by cascade, its interviews and questions."""
        ...

    def list_for_user(
        self, user_id: str, query: str | None = None, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[JobInfo]:
        """The user's job infos, last updated first (``(updated_at, id)``
        descending); ``query`` matches name, title or description,
        case-insensitively. With ``after``, only those that sort after it;
        with ``limit``, at most that many."""
        ...

    def count_for_user(self, user_id: str) -> int: ...

    def add_unless_full(self, job_info: JobInfo, limit: int) -> bool:
        """Adds the job info unless its user has ``limit`` or more already
        (``False`` then, nothing written); ``OwnerMissing`` as ``add``. The
        count is exact against concurrent creates and deletes by the same
        user."""
        ...


class Interviews(Protocol):
    def add(self, interview: Interview) -> None:
        """Adds the interview, counted in its user's ``interviews_created``
        (the allowance counts every interview created, however written)."""
        ...

    def add_owned(self, interview: Interview, user_id: str) -> bool:
        """Adds the interview, counted as ``add`` does, if its job info is
        ``user_id``'s, in one statement: a unit of work of ``one_write``
        may hold it. ``False``, nothing written, when there is no such job
        info or it is someone else's: then end the unit of work without
        committing (a job info deleted while the insert waited for it fails
        the whole transaction on PostgreSQL)."""
        ...

    def get(self, interview_id: str) -> Interview | None: ...

    def update(self, interview: Interview) -> None: ...

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[Interview]:
        """The job info's interviews, newest first (``(created_at, id)``
        descending), after ``after`` and at most ``limit`` when given."""
        ...


class Questions(Protocol):
    def add(self, question: Question) -> None: ...

    def get(self, question_id: str) -> Question | None: ...

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[Question]:
        """The job info's questions, newest first (``(created_at, id)``
        descending), after ``after`` and at most ``limit`` when given."""
        ...

    def from_coach(self, job_info_id: str) -> list[Question]:
        """The job info's questions that have a ``coach_key``, newest first:
        no more than the coach has questions, however long the history."""
        ...


class Answers(Protocol):
    def add(self, answer: Answer) -> None: ...

    def list_for_questions(self, question_ids: Sequence[str]) -> list[Answer]:
        """The answers to these questions, oldest first."""
        ...


class InterviewMessages(Protocol):
    def add(self, message: InterviewMessage) -> None:
        """Store a line; ``seq`` is unique within its interview."""
        ...

    def list_for_interview(self, interview_id: str) -> list[InterviewMessage]:
        """The interview's lines, in ``seq`` order."""
        ...


class ResumeAnalyses(Protocol):
    def add(self, analysis: StoredResumeAnalysis) -> None: ...

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[StoredResumeAnalysis]:
        """The job info's analyses, newest first (``(created_at, id)``
        descending), after ``after`` and at most ``limit`` when given."""
        ...


class PracticeHistory(Protocol):
    """A user's practice across their job infos, for the progress view.

    The totals are kept by the other repositories, in the unit of work of
    the write that changes them: ``Answers.add`` counts the answer (by day,
    topic and difficulty), ``Interviews.add``/``update`` keep the ratings
    of its feedback (``core.progress.interview_ratings``) and count them by
    category, ``ResumeAnalyses.add`` counts the analysis,
    ``JobInfos.delete`` takes back what the job's answers, interviews and
    analyses counted, ``Users.delete`` everything. They equal what
    ``core.progress.tally_answers``/``tally_interviews`` make of the
    records there are, and the number of analyses."""

    def totals(self, user_id: str, *, days: int, topics: int, categories: int) -> PracticeTotals:
        """The newest ``days`` days (newest first), the ``topics`` most
        practised topics and ``categories`` most rated categories (most
        first, then by key), every difficulty, how many interviews have
        feedback and how many resume analyses there are; nothing with a
        count of 0."""
        ...

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        """The newest ``limit`` interviews that have feedback, newest first."""
        ...

    def scored_resumes(self, user_id: str, limit: int) -> list[ScoredResume]:
        """The newest ``limit`` resume analyses, newest first."""
        ...
