"""The fake storage's tables: every stored record in dicts, by id, and what
deleting a record deletes with it (as the foreign keys do in SQL)."""

from __future__ import annotations

from datetime import datetime

from attrs import field, fields

from core.domain import (
    Answer,
    Hold,
    Interview,
    InterviewMessage,
    InterviewRatings,
    JobInfo,
    Question,
    RatingTotal,
    Session,
    StoredResumeAnalysis,
    TopicTotal,
    Usage,
    User,
)
from core.records import define


@define
class Tables:
    """Every stored record, by id. Values are frozen, so a shallow copy of
    each dict is a consistent snapshot."""

    users: dict[str, User] = field(factory=dict)
    password_hashes: dict[str, str] = field(factory=dict)
    sessions: dict[str, Session] = field(factory=dict)
    job_infos: dict[str, JobInfo] = field(factory=dict)
    interviews: dict[str, Interview] = field(factory=dict)
    questions: dict[str, Question] = field(factory=dict)
    answers: dict[str, Answer] = field(factory=dict)
    interview_messages: dict[str, InterviewMessage] = field(factory=dict)
    resume_analyses: dict[str, StoredResumeAnalysis] = field(factory=dict)
    plans: dict[str, str] = field(factory=dict)
    usage: dict[str, Usage] = field(factory=dict)
    deliveries: dict[str, datetime] = field(factory=dict)
    holds: dict[str, Hold] = field(factory=dict)
    committed_keys: dict[str, str] = field(factory=dict)
    interview_ratings: dict[str, InterviewRatings] = field(factory=dict)
    totals: dict[tuple[str, str, str], RatingTotal] = field(factory=dict)
    """The practice totals by (user, kind, key): ``adapters.fakes.practice``."""
    topics: dict[tuple[str, str], TopicTotal] = field(factory=dict)
    """The token of each committed call's idempotency key, by ``mark_of``."""

    def copy(self) -> Tables:
        return Tables(**{a.name: dict(getattr(self, a.name)) for a in fields(Tables)})


# What deleting a record deletes with it, as the foreign keys do in SQL:
# (parent table, child table, the child's column naming the parent).
CASCADES: list[tuple[str, str, str]] = [
    ("users", "sessions", "user_id"),
    ("users", "holds", "user_id"),
    ("users", "job_infos", "user_id"),
    ("job_infos", "interviews", "job_info_id"),
    ("job_infos", "questions", "job_info_id"),
    ("questions", "answers", "question_id"),
    ("interviews", "interview_messages", "interview_id"),
    ("interviews", "interview_ratings", "interview_id"),
    ("job_infos", "resume_analyses", "job_info_id"),
]

# Columns of the users row, kept beside the User value: gone with the user.
USER_COLUMNS = ("password_hashes", "plans", "usage")
# Tables keyed by (user id, ...): gone with the user.
USER_KEYED = ("totals", "topics")


def delete_cascading(tables: Tables, table: str, record_id: str) -> None:
    getattr(tables, table).pop(record_id, None)
    if table == "users":
        for column in USER_COLUMNS:
            getattr(tables, column).pop(record_id, None)
        for name in USER_KEYED:
            keyed = getattr(tables, name)
            for key in [k for k in keyed if k[0] == record_id]:
                del keyed[key]
    for parent, child, column in CASCADES:
        if parent == table:
            children = getattr(tables, child)
            for child_id in [k for k, v in children.items() if getattr(v, column) == record_id]:
                delete_cascading(tables, child, child_id)
