"""The database schema as SQLAlchemy Core tables: the one source for both the
repositories and the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id(name: str = "id") -> Column:
    return Column(name, String(36), primary_key=True)


def _owner(name: str, target: str) -> Column:
    return Column(name, String(36), ForeignKey(target, ondelete="CASCADE"), nullable=False)


def _timestamps() -> list[Column]:
    return [
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
    ]


users = Table(
    "users",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False, unique=True),  # stored lower-cased
    Column("image_url", Text, nullable=True),
    Column("password_hash", Text, nullable=True),
    Column("plan", String(32), nullable=False, server_default="free"),
    # Allowances count what was ever created: deleting gives nothing back.
    Column("interviews_created", Integer, nullable=False, server_default="0"),
    Column("questions_created", Integer, nullable=False, server_default="0"),
    # How many job infos the user keeps now (createJobInfo's limit), kept on
    # write so that the check costs the same whatever the user has.
    Column("job_info_count", Integer, nullable=False, server_default="0"),
    *_timestamps(),
)

sessions = Table(
    "sessions",
    metadata,
    _id(),
    _owner("user_id", "users.id"),
    Column("token_digest", String(128), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("address_digest", String(128), nullable=True),
    Index("ix_sessions_user_id", "user_id"),
)

job_infos = Table(
    "job_infos",
    metadata,
    _id(),
    _owner("user_id", "users.id"),
    Column("name", String(200), nullable=False),
    Column("title", String(200), nullable=True),
    Column("experience_level", String(16), nullable=False),
    Column("description", Text, nullable=False),
    *_timestamps(),
    Index("ix_job_infos_user_id_updated_at_id", "user_id", "updated_at", "id"),
)

interviews = Table(
    "interviews",
    metadata,
    _id(),
    _owner("job_info_id", "job_infos.id"),
    Column("duration", String(8), nullable=False, server_default="00:00:00"),
    Column("hume_chat_id", String(200), nullable=True),
    Column("feedback", Text, nullable=True),
    Column("started_at", UTCDateTime(), nullable=True),
    Column("ended_at", UTCDateTime(), nullable=True),
    *_timestamps(),
    _owner("user_id", "users.id"),  # the job info's: the user's interviews without a join
    Index("ix_interviews_job_info_id_created_at_id", "job_info_id", "created_at", "id"),
    # the user's interviews with feedback, newest first (the progress view)
    Index("ix_interviews_user_id_created_at_id", "user_id", "created_at", "id",
          sqlite_where=text("feedback IS NOT NULL"), postgresql_where=text("feedback IS NOT NULL")),
)

interview_messages = Table(
    "interview_messages",
    metadata,
    _id(),
    _owner("interview_id", "interviews.id"),
    Column("seq", Integer, nullable=False),
    Column("speaker", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("speech", Text, nullable=True),  # JSON: a spoken answer's metrics
    Column("audio", String(64), nullable=True),  # the kept recording's file name
    Index("ix_interview_messages_interview_id_seq", "interview_id", "seq", unique=True),
)

questions = Table(
    "questions",
    metadata,
    _id(),
    _owner("job_info_id", "job_infos.id"),
    Column("text", Text, nullable=False),
    Column("difficulty", String(8), nullable=False),
    Column("topic", String(80), nullable=True),  # the skill it is about, when known
    Column("coach_key", String(64), nullable=True),  # the coach's own question it presents
    *_timestamps(),
    Index("ix_questions_job_info_id_created_at_id", "job_info_id", "created_at", "id"),
    Index("ix_questions_job_info_id_coach_key", "job_info_id", "coach_key"),
)

answers = Table(
    "answers",
    metadata,
    _id(),
    _owner("question_id", "questions.id"),
    Column("text", Text, nullable=False),
    Column("feedback", Text, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    _owner("user_id", "users.id"),  # the question's job info's: the user's answers without a join
    Index("ix_answers_question_id_created_at", "question_id", "created_at"),
    Index("ix_answers_user_id_created_at_id", "user_id", "created_at", "id"),
)

RESUME_SCORES = ("overall_score", "ats_score", "job_match_score", "writing_score", "keyword_score", "other_score")
"""resume_analyses' score columns: the overall score, then each category's."""

resume_analyses = Table(
    "resume_analyses",
    metadata,
    _id(),
    _owner("job_info_id", "job_infos.id"),
    Column("analysis", Text, nullable=False),  # JSON, validated before storing
    Column("created_at", UTCDateTime(), nullable=False),
    _owner("user_id", "users.id"),  # the job info's: the user's analyses without a join
    # the analysis' scores again, so that the progress view reads numbers, not the JSON
    *(Column(name, Integer, nullable=False) for name in RESUME_SCORES),
    Index("ix_resume_analyses_job_info_id_created_at_id", "job_info_id", "created_at", "id"),
    Index("ix_resume_analyses_user_id_created_at_id", "user_id", "created_at", "id"),
)

# The progress view's running totals (core.progress, adapters.db.practice),
# changed in the unit of work of the write they count: per user, how many
# ratings and their sum by kind ("day", "difficulty", "category"; with key "",
# "interviews" counts the interviews with feedback and "resumes" the resume
# analyses) and key.
practice_totals = Table(
    "practice_totals",
    metadata,
    _owner("user_id", "users.id"),
    Column("kind", String(16), nullable=False),
    Column("key", String(200), nullable=False),
    Column("ratings", Integer, nullable=False),
    Column("rating_sum", Integer, nullable=False),
    PrimaryKeyConstraint("user_id", "kind", "key"),
)

# Per user and topic (folded): how many answer ratings and their sum, the
# topic's first spelling and the job of its newest answer (no foreign key:
# deleting that job gives the topic the job of its newest answer left).
practice_topics = Table(
    "practice_topics",
    metadata,
    _owner("user_id", "users.id"),
    Column("key", String(200), nullable=False),
    Column("topic", String(80), nullable=False),
    Column("ratings", Integer, nullable=False),
    Column("rating_sum", Integer, nullable=False),
    Column("job_info_id", String(36), nullable=False),
    Column("last_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("user_id", "key"),
)

# An interview's ratings, read from its feedback once when it was stored:
# the overall rating and the categories' (JSON, {name: rating} in order).
interview_ratings = Table(
    "interview_ratings",
    metadata,
    Column("interview_id", String(36), ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    _owner("user_id", "users.id"),
    Column("job_info_id", String(36), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("overall", Integer, nullable=True),
    Column("categories", Text, nullable=False),
    Index("ix_interview_ratings_user_id_created_at_interview_id", "user_id", "created_at", "interview_id"),
    Index("ix_interview_ratings_job_info_id", "job_info_id"),
)

# Webhook deliveries already applied (by the sender's id, the same on every
# retry), kept for a while so a redelivery changes nothing.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("received_at", UTCDateTime(), nullable=False),
    Index("ix_webhook_deliveries_received_at", "received_at"),
)

# Token buckets for the SQL rate limiter: tokens left as of updated_at (epoch s).
rate_limit_buckets = Table(
    "rate_limit_buckets",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# Sliding-window counters for the SQL per-IP limiter: the count in the current
# fixed window and the one before it, weighted by overlap.
rate_limit_windows = Table(
    "rate_limit_windows",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("window_start", Float, nullable=False),
    Column("current", Integer, nullable=False),
    Column("previous", Integer, nullable=False),
)

# Allowance holds (core.allowances): a reservation's record not yet written;
# lapsed ones are ignored, and dropped when the user takes a new one.
allowance_holds = Table(
    "allowance_holds",
    metadata,
    _id(),
    _owner("user_id", "users.id"),
    Column("kind", String(16), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_allowance_holds_user_id_kind", "user_id", "kind"),
)

# Idempotency keys (core.idempotency): per user, the fingerprint of the request
# that took the key, the token of the call holding it, and its answer (JSON)
# once it has one. created_at starts both the running lease and the 24 hours.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    _owner("user_id", "users.id"),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("token", String(36), nullable=False),
    Column("response", Text, nullable=True),
    # set in the action's own transaction by its first commit
    Column("committed", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("user_id", "key"),
    Index("ix_idempotency_keys_created_at", "created_at"),
)
