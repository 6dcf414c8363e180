"""The initial schema: every table and index of ``adapters.db.tables``.

Written out, not derived from the tables module, so that it stays what it
was when later revisions change that module.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# adapters.db.tables.UTCDateTime is this type in the database
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("plan", sa.String(32), server_default="free", nullable=False),
        sa.Column("interviews_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("questions_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("token_digest", sa.String(128), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("token_digest", name="uq_sessions_token_digest"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "job_infos",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("experience_level", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_job_infos_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job_infos"),
    )
    op.create_index("ix_job_infos_user_id_updated_at", "job_infos", ["user_id", "updated_at"])
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("job_info_id", sa.String(36), nullable=False),
        sa.Column("duration", sa.String(8), server_default="00:00:00", nullable=False),
        sa.Column("hume_chat_id", sa.String(200), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("ended_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_info_id"],
            ["job_infos.id"],
            name="fk_interviews_job_info_id_job_infos",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_interviews"),
    )
    op.create_index(
        "ix_interviews_job_info_id_created_at", "interviews", ["job_info_id", "created_at"]
    )
    op.create_table(
        "interview_messages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("interview_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name="fk_interview_messages_interview_id_interviews",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_interview_messages"),
    )
    op.create_index(
        "ix_interview_messages_interview_id_seq",
        "interview_messages",
        ["interview_id", "seq"],
        unique=True,
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("job_info_id", sa.String(36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("difficulty", sa.String(8), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_info_id"],
            ["job_infos.id"],
            name="fk_questions_job_info_id_job_infos",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_questions"),
    )
    op.create_index(
        "ix_questions_job_info_id_created_at", "questions", ["job_info_id", "created_at"]
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("question_id", sa.String(36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name="fk_answers_question_id_questions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
    )
    op.create_index("ix_answers_question_id_created_at", "answers", ["question_id", "created_at"])
    op.create_table(
        "resume_analyses",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("job_info_id", sa.String(36), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_info_id"],
            ["job_infos.id"],
            name="fk_resume_analyses_job_info_id_job_infos",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_resume_analyses"),
    )
    op.create_index(
        "ix_resume_analyses_job_info_id_created_at",
        "resume_analyses",
        ["job_info_id", "created_at"],
    )
    op.create_table(
        "rate_limit_buckets",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit_buckets"),
    )
    op.create_table(
        "rate_limit_windows",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("previous", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit_windows"),
    )


def downgrade() -> None:
    for table in (
        "rate_limit_windows",
        "rate_limit_buckets",
        "resume_analyses",
        "answers",
        "questions",
        "interview_messages",
        "interviews",
        "job_infos",
        "sessions",
        "users",
    ):
        op.drop_table(table)
