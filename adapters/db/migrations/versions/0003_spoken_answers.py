"""Spoken answers: a mock-interview line may carry its speech metrics (JSON)
and the name of its kept recording.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interview_messages") as batch:
        batch.add_column(sa.Column("speech", sa.Text(), nullable=True))
        batch.add_column(sa.Column("audio", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_messages") as batch:
        batch.drop_column("audio")
        batch.drop_column("speech")
