"""Allowance holds: a reservation lapses if its process dies before writing
its record (counters are no longer raised when reserving).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allowance_holds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_allowance_holds_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_allowance_holds"),
    )
    op.create_index("ix_allowance_holds_user_id_kind", "allowance_holds", ["user_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_allowance_holds_user_id_kind", table_name="allowance_holds")
    op.drop_table("allowance_holds")
