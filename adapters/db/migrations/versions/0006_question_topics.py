"""Question topics: a question is kept with the topic (a skill) it is about,
for the progress view. Questions written before are given the first skill
named on their first line (``**Topic:** Docker · **Difficulty:** Easy``, as
the offline coach writes it), when they have one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TOPIC_LINE = re.compile(r"\A\s*\*\*Topics?:\*\*[ \t]*([^\n]{1,400})")
_BATCH = 500


def _topic(text: str) -> str | None:
    line = _TOPIC_LINE.match(text)
    named = [n.strip() for n in line.group(1).split("·") if n.strip() and "**" not in n] if line else []
    return named[0][:80] if named else None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("topic", sa.String(80), nullable=True))
    questions = sa.table("questions", sa.column("id", sa.String), sa.column("text", sa.Text),
                         sa.column("topic", sa.String))
    connection = op.get_bind()
    last = ""
    while True:
        rows = connection.execute(
            sa.select(questions.c.id, sa.func.substr(questions.c.text, 1, 500))
            .where(questions.c.id > last, questions.c.text.like("%**Topic%"))
            .order_by(questions.c.id).limit(_BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        for question_id, start in rows:
            topic = _topic(start)
            if topic:
                connection.execute(
                    sa.update(questions).where(questions.c.id == question_id).values(topic=topic)
                )


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("topic")
