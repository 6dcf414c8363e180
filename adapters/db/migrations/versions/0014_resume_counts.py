"""Resume counts: each user's number of resume analyses, kept in the
practice totals (kind ``resumes``, key "") like the count of interviews with
feedback, so that the progress view counts them all while it lists only the
newest. Counted for the analyses written before, in one statement
(``adapters.db.practice_totals.backfill_analyses``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from adapters.db.practice_totals import backfill_analyses

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    backfill_analyses(op.get_bind())


def downgrade() -> None:
    op.execute("DELETE FROM practice_totals WHERE kind = 'resumes'")
