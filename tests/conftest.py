"""What every kind of test shares: the failures the core answers, as the
tests expect them (and ``ok``, the data of a call that must succeed),
factories of records with defaults a test overrides
(``make_job_info(user_id=..., name=...)``), and ``saved``, which stores
records of any kind in one unit of work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from core.domain import (
    Answer,
    CategoryAnalysis,
    ExperienceLevel,
    FeedbackItem,
    FeedbackType,
    Interview,
    InterviewMessage,
    JobInfo,
    Question,
    ResumeAnalysis,
    Session,
    StoredResumeAnalysis,
    User,
)
from core.errors import ErrorCode, Failure
from core.pipeline import Result, Success
from core.ports import Storage

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)

FORBIDDEN = Failure(ErrorCode.FORBIDDEN, "You don't have permission to do this")
PLAN_LIMIT = Failure(ErrorCode.PLAN_LIMIT, "PLAN_LIMIT", upgrade_url="/app/upgrade")
NOT_COMPLETED = Failure(ErrorCode.NOT_COMPLETED, "Interview has not been completed yet")
UNSUPPORTED = Failure(ErrorCode.UNSUPPORTED_MEDIA, "Please upload a PDF, Word document, or text file")
TOO_LARGE = Failure(ErrorCode.PAYLOAD_TOO_LARGE, "File size exceeds 10MB limit")


def rate_limited(retry_after: int) -> Failure:
    return Failure(ErrorCode.RATE_LIMIT, "RATE_LIMIT", retry_after=retry_after)


def is_rate_limited(result: Result) -> bool:
    """Whether the call was refused by a rate limit, however long the wait."""
    return isinstance(result, Failure) and result.code is ErrorCode.RATE_LIMIT


def ok(result: Result) -> Any:
    """The data of a call that must have succeeded."""
    assert isinstance(result, Success), result
    return result.data


def ai_failed(message: str) -> Failure:
    return Failure(ErrorCode.AI_FAILED, message)


def invalid(message: str = "Invalid input", **field_errors: list[str]) -> Failure:
    """VALIDATION with these field errors, keyed by attribute name."""
    return Failure(ErrorCode.VALIDATION, message, field_errors=field_errors)


def new_id() -> str:
    return str(uuid.uuid4())


def make_user(**overrides: object) -> User:
    user_id = str(overrides.pop("id", new_id()))
    fields: dict[str, object] = {
        "id": user_id, "name": "Amina", "email": f"amina-{user_id[:12]}@example.com",
        "image_url": None, "created_at": T0, "updated_at": T0,
    }
    return User(**(fields | overrides))  # type: ignore[arg-type]


def make_job_info(**overrides: object) -> JobInfo:
    fields: dict[str, object] = {
        "id": new_id(), "user_id": new_id(), "name": "Backend", "title": None,
        "experience_level": ExperienceLevel.SENIOR, "description": "Python",
        "created_at": T0, "updated_at": T0,
    }
    return JobInfo(**(fields | overrides))  # type: ignore[arg-type]


def make_resume_analysis(score: int) -> ResumeAnalysis:
    """An analysis scoring ``score`` overall and in every category, with a
    strength and a major improvement in each."""

    def category(name: str) -> CategoryAnalysis:
        return CategoryAnalysis(
            score,
            f"{name}: «quoted» summary",
            [
                FeedbackItem(FeedbackType.STRENGTH, "Clear", "Sections are easy to scan."),
                FeedbackItem(FeedbackType.MAJOR_IMPROVEMENT, "Keywords", "Name PostgreSQL and Kubernetes."),
            ],
        )

    return ResumeAnalysis(
        score, category("ats"), category("match"), category("writing"), category("keywords"), category("other")
    )


def saved(storage: Storage, *records: object) -> None:
    """Add the records, in order, in one committed write unit of work; a user
    gets the password hash ``hash-of-<id>``."""
    with storage.unit_of_work(write=True) as uow:
        for record in records:
            match record:
                case User():
                    uow.users.add(record, password_hash=f"hash-of-{record.id}")
                case JobInfo():
                    uow.job_infos.add(record)
                case Session():
                    uow.sessions.add(record)
                case Interview():
                    uow.interviews.add(record)
                case InterviewMessage():
                    uow.interview_messages.add(record)
                case Question():
                    uow.questions.add(record)
                case Answer():
                    uow.answers.add(record)
                case StoredResumeAnalysis():
                    uow.resume_analyses.add(record)
                case _:
                    raise TypeError(f"no repository for {record!r}")
        uow.commit()


def a_user_with_a_job_info(storage: Storage) -> tuple[User, JobInfo]:
    """A stored user (``make_user()``) and a stored job info of theirs."""
    user = make_user()
    job_info = make_job_info(user_id=user.id)
    saved(storage, user, job_info)
    return user, job_info
