"""Practice totals: the progress view's sums kept up to date on write — per
user, the count and sum of answer ratings by day, difficulty and topic (with
the job of the topic's newest answer), of interview ratings by category,
and the count of interviews with feedback — and each interview's ratings,
read from its feedback once. Filled from the answers and interviews written
before, a page of rows per statement (``adapters.db.practice_totals.backfill``,
which reads and writes these tables as this revision makes them).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from adapters.db.practice_totals import backfill

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner(table: str) -> list[Any]:
    return [
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"),
    ]


def _ratings() -> list[sa.Column[int]]:
    return [sa.Column("ratings", sa.Integer, nullable=False), sa.Column("rating_sum", sa.Integer, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "practice_totals",
        *_owner("practice_totals"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        *_ratings(),
        sa.PrimaryKeyConstraint("user_id", "kind", "key", name="pk_practice_totals"),
    )
    op.create_table(
        "practice_topics",
        *_owner("practice_topics"),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(80), nullable=False),
        *_ratings(),
        sa.Column("job_info_id", sa.String(36), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "key", name="pk_practice_topics"),
    )
    op.create_table(
        "interview_ratings",
        sa.Column("interview_id", sa.String(36), nullable=False),
        *_owner("interview_ratings"),
        sa.Column("job_info_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overall", sa.Integer, nullable=True),
        sa.Column("categories", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"],
                                name="fk_interview_ratings_interview_id_interviews", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("interview_id", name="pk_interview_ratings"),
    )
    op.create_index("ix_interview_ratings_user_id_created_at_interview_id", "interview_ratings",
                    ["user_id", "created_at", "interview_id"])
    op.create_index("ix_interview_ratings_job_info_id", "interview_ratings", ["job_info_id"])
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_interview_ratings_job_info_id", table_name="interview_ratings")
    op.drop_index("ix_interview_ratings_user_id_created_at_interview_id", table_name="interview_ratings")
    for table in ("interview_ratings", "practice_topics", "practice_totals"):
        op.drop_table(table)
