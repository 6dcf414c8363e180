"""Job info counts kept by the database: triggers add to
``users.job_info_count`` whatever is inserted into ``job_infos`` and take
off whatever is deleted from it (a user's own deletes and the cascade of an
account's), so that createJobInfo's limit check and its insert are one
statement on SQLite too (SQLite has no data-modifying CTE), and job infos
written by any statement are counted. On PostgreSQL one trigger call per
statement, over its transition table, so that an account's cascade of many
job infos is one UPDATE; SQLite has row triggers only.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    """CREATE TRIGGER job_infos_counted AFTER INSERT ON job_infos BEGIN
         UPDATE users SET job_info_count = job_info_count + 1 WHERE id = NEW.user_id;
       END""",
    """CREATE TRIGGER job_infos_uncounted AFTER DELETE ON job_infos BEGIN
         UPDATE users SET job_info_count = job_info_count - 1 WHERE id = OLD.user_id;
       END""",
]

_POSTGRES = [
    """CREATE FUNCTION count_job_infos() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           UPDATE users SET job_info_count = job_info_count + changed.n
           FROM (SELECT user_id, count(*) AS n FROM new_job_infos GROUP BY user_id) AS changed
           WHERE users.id = changed.user_id;
         ELSE
           UPDATE users SET job_info_count = job_info_count - changed.n
           FROM (SELECT user_id, count(*) AS n FROM old_job_infos GROUP BY user_id) AS changed
           WHERE users.id = changed.user_id;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER job_infos_counted AFTER INSERT ON job_infos
       REFERENCING NEW TABLE AS new_job_infos FOR EACH STATEMENT EXECUTE FUNCTION count_job_infos()""",
    """CREATE TRIGGER job_infos_uncounted AFTER DELETE ON job_infos
       REFERENCING OLD TABLE AS old_job_infos FOR EACH STATEMENT EXECUTE FUNCTION count_job_infos()""",
]


def upgrade() -> None:
    for statement in _POSTGRES if _postgres() else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    on_table = " ON job_infos" if _postgres() else ""
    for trigger in ("job_infos_counted", "job_infos_uncounted"):
        op.execute(f"DROP TRIGGER {trigger}{on_table}")
    if _postgres():
        op.execute("DROP FUNCTION count_job_infos()")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
