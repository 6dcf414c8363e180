"""Practice owners: answers, interviews and resume analyses keep their
user (the job info's), so the progress view reads a user's newest ones as
one index range, whatever the history: indexes on (user_id, created_at, id),
for interviews only those with feedback. Rows written before are given
their job info's user.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWNER = {
    "answers": "SELECT job_infos.user_id FROM questions JOIN job_infos ON job_infos.id = questions.job_info_id "
               "WHERE questions.id = answers.question_id",
    "interviews": "SELECT job_infos.user_id FROM job_infos WHERE job_infos.id = interviews.job_info_id",
    "resume_analyses": "SELECT job_infos.user_id FROM job_infos WHERE job_infos.id = resume_analyses.job_info_id",
}
_FEEDBACK = sa.text("feedback IS NOT NULL")


def upgrade() -> None:
    for table, owner in _OWNER.items():
        op.add_column(table, sa.Column("user_id", sa.String(36), nullable=True))
        op.execute(f"UPDATE {table} SET user_id = ({owner})")  # noqa: S608 - constants
        with op.batch_alter_table(table) as batch:
            batch.alter_column("user_id", existing_type=sa.String(36), nullable=False)
            batch.create_foreign_key(f"fk_{table}_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE")
    op.create_index("ix_answers_user_id_created_at_id", "answers", ["user_id", "created_at", "id"])
    op.create_index("ix_resume_analyses_user_id_created_at_id", "resume_analyses", ["user_id", "created_at", "id"])
    op.create_index("ix_interviews_user_id_created_at_id", "interviews", ["user_id", "created_at", "id"],
                    sqlite_where=_FEEDBACK, postgresql_where=_FEEDBACK)


def downgrade() -> None:
    for table in _OWNER:
        op.drop_index(f"ix_{table}_user_id_created_at_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_user_id_users", type_="foreignkey")
            batch.drop_column("user_id")
