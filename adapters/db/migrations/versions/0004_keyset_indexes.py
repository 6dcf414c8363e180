"""Indexes that serve the list actions' keyset pages: each list's owner
column, its sort timestamp and the id that breaks ties, so ``WHERE owner = :o
AND (at, id) < (:at, :id) ORDER BY at DESC, id DESC LIMIT :n`` reads only the
page. They replace the indexes on (owner, timestamp).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, owner column, sort column)
_LISTS = [
    ("job_infos", "user_id", "updated_at"),
    ("interviews", "job_info_id", "created_at"),
    ("questions", "job_info_id", "created_at"),
    ("resume_analyses", "job_info_id", "created_at"),
]


def upgrade() -> None:
    for table, owner, at in _LISTS:
        op.create_index(f"ix_{table}_{owner}_{at}_id", table, [owner, at, "id"])
        op.drop_index(f"ix_{table}_{owner}_{at}", table_name=table)


def downgrade() -> None:
    for table, owner, at in _LISTS:
        op.create_index(f"ix_{table}_{owner}_{at}", table, [owner, at])
        op.drop_index(f"ix_{table}_{owner}_{at}_id", table_name=table)
