"""The resume-analysis repository on SQLAlchemy Core. An analysis is kept as
JSON in the design's (wire) shape and validated again when read back; adding
one counts it in its user's practice totals."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from sqlalchemy import Connection, Row, insert, select

from adapters.db import tables as t
from adapters.db.owners import owner_of
from adapters.db.paging import newest_first
from adapters.db.practice_totals import count_analysis
from core.cache_tags import resume_analysis_tags
from core.domain import CategoryAnalysis, FeedbackItem, ResumeAnalysis, StoredResumeAnalysis
from core.paging import SortKey
from core.unit_of_work import Wrote

_CAMEL = {"overall_score": "overallScore", "job_match": "jobMatch",
          "writing_and_formatting": "writingAndFormatting", "keyword_coverage": "keywordCoverage"}


@cache
def _converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    for cls in (ResumeAnalysis, CategoryAnalysis, FeedbackItem):
        renames: dict[str, Any] = {
            f.name: override(rename=_CAMEL[f.name]) for f in attrs.fields(cls) if f.name in _CAMEL
        }
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **renames))
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **renames)
        )
    return conv


def analysis_json(analysis: ResumeAnalysis) -> str:
    return json.dumps(_converter().unstructure(analysis), ensure_ascii=False)


def analysis_of(text: str) -> ResumeAnalysis:
    return _converter().structure(json.loads(text), ResumeAnalysis)


def scores_of(analysis: ResumeAnalysis) -> dict[str, int]:
    """The analysis' score columns (``tables.RESUME_SCORES``)."""
    scores = (analysis.overall_score, analysis.ats.score, analysis.job_match.score,
              analysis.writing_and_formatting.score, analysis.keyword_coverage.score, analysis.other.score)
    return dict(zip(t.RESUME_SCORES, scores, strict=True))


def _stored(row: Row[Any]) -> StoredResumeAnalysis:
    return StoredResumeAnalysis(
        id=row.id, job_info_id=row.job_info_id, analysis=analysis_of(row.analysis), created_at=row.created_at
    )


class SqlResumeAnalyses:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, analysis: StoredResumeAnalysis) -> None:
        user_id = self._c.execute(
            insert(t.resume_analyses).values(
                id=analysis.id,
                job_info_id=analysis.job_info_id,
                user_id=owner_of(analysis.job_info_id),
                analysis=analysis_json(analysis.analysis),
                created_at=analysis.created_at,
                **scores_of(analysis.analysis),
            ).returning(t.resume_analyses.c.user_id)
        ).scalar_one()
        count_analysis(self._c, user_id)
        self._wrote(resume_analysis_tags(analysis.id, analysis.job_info_id))

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[StoredResumeAnalysis]:
        c = t.resume_analyses.c
        statement = newest_first(
            select(t.resume_analyses).where(c.job_info_id == job_info_id), c.created_at, c.id, after, limit
        )
        return [_stored(row) for row in self._c.execute(statement)]
