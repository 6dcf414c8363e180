"""Interviews counted by the database: a trigger adds to
``users.interviews_created`` (the plan's interview allowance) whatever is
inserted into ``interviews``, so that createInterview's insert and its count
are one statement on SQLite too (SQLite has no data-modifying CTE; on
PostgreSQL the count was the insert's CTE), and interviews written by any
statement are counted. Deletes take nothing off: the allowance counts the
interviews created. On PostgreSQL one trigger call per statement, over its
transition table (a bulk insert is one UPDATE); SQLite has row triggers
only.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    """CREATE TRIGGER interviews_counted AFTER INSERT ON interviews BEGIN
         UPDATE users SET interviews_created = interviews_created + 1 WHERE id = NEW.user_id;
       END""",
]

_POSTGRES = [
    """CREATE FUNCTION count_interviews() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE users SET interviews_created = interviews_created + changed.n
         FROM (SELECT user_id, count(*) AS n FROM new_interviews GROUP BY user_id) AS changed
         WHERE users.id = changed.user_id;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER interviews_counted AFTER INSERT ON interviews
       REFERENCING NEW TABLE AS new_interviews FOR EACH STATEMENT EXECUTE FUNCTION count_interviews()""",
]


def upgrade() -> None:
    for statement in _POSTGRES if _postgres() else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER interviews_counted" + (" ON interviews" if _postgres() else ""))
    if _postgres():
        op.execute("DROP FUNCTION count_interviews()")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
