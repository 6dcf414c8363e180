"""Question coach keys: a question is kept with the key of the coach's own
question it presents (the offline coach's bank id), indexed with its job, so
that generating a question finds the bank questions a job has had without
reading its whole history. Questions written before have none: for them only
a job's newest questions count (``core.questions.RECENT_QUESTIONS``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("coach_key", sa.String(64), nullable=True))
        batch.create_index("ix_questions_job_info_id_coach_key", ["job_info_id", "coach_key"])


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_index("ix_questions_job_info_id_coach_key")
        batch.drop_column("coach_key")
