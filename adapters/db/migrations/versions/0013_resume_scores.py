"""Resume scores: each analysis keeps its six scores (overall, then ATS, job
match, writing and formatting, keyword coverage, other) in columns of their
own beside its JSON, so that the progress view reads numbers instead of
parsing each analysis. Analyses written before are given theirs from their
JSON, by the database itself.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCORES = {  # column: where the analysis' JSON (its wire names) holds it
    "overall_score": ("overallScore",),
    "ats_score": ("ats", "score"),
    "job_match_score": ("jobMatch", "score"),
    "writing_score": ("writingAndFormatting", "score"),
    "keyword_score": ("keywordCoverage", "score"),
    "other_score": ("other", "score"),
}


def _from_json(dialect: str, path: tuple[str, ...]) -> str:
    """The score at ``path``, 0 where the JSON has none (darasa validates
    every analysis it stores, so only a row written by hand lacks one)."""
    if dialect == "postgresql":
        return "COALESCE(CAST(CAST(analysis AS json) #>> '{" + ",".join(path) + "}' AS integer), 0)"
    return "COALESCE(CAST(json_extract(analysis, '$." + ".".join(path) + "') AS integer), 0)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in _SCORES:
        op.add_column("resume_analyses", sa.Column(name, sa.Integer, nullable=True))
    assignments = ", ".join(f"{name} = {_from_json(dialect, path)}" for name, path in _SCORES.items())
    op.execute(f"UPDATE resume_analyses SET {assignments}")  # noqa: S608 - constants
    with op.batch_alter_table("resume_analyses") as batch:
        for name in _SCORES:
            batch.alter_column(name, existing_type=sa.Integer, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("resume_analyses") as batch:
        for name in _SCORES:
            batch.drop_column(name)
