"""Job info counts: each user's number of job infos on their row
(``users.job_info_count``), so that createJobInfo's limit is checked
without counting the user's job infos on every create. Counted for the job
infos written before, in one statement.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("job_info_count", sa.Integer, nullable=False, server_default="0"))
    op.execute("UPDATE users SET job_info_count = "
               "(SELECT count(*) FROM job_infos WHERE job_infos.user_id = users.id)")


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("job_info_count")
