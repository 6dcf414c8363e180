"""The practice history (the progress view's reads) on SQLAlchemy Core: a
user's running totals (``adapters.db.practice_totals`` keeps them), the
overall rating of their newest interviews with feedback and the scores of
their newest resume analyses, each a bounded range of an index on the user
(the totals' primary keys; (user_id, created_at, id) for the others) with
the job's name joined to those rows only, whatever the history. The
statements are built once (bound user and limits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select

from adapters.db import tables as t
from core.domain import PracticeTotals, RatedInterview, RatingTotal, ScoredResume, TopicTotal

_user: Any = bindparam("user_id")
_p, _pt, _ir, _r, _j = (t.practice_totals.c, t.practice_topics.c, t.interview_ratings.c, t.resume_analyses.c,
                        t.job_infos.c)
_DAYS = (select(_p.key, _p.ratings, _p.rating_sum).where(_p.user_id == _user, _p.kind == "day")
         .order_by(_p.key.desc()).limit(bindparam("days")))
_CATEGORIES = (select(_p.key, _p.ratings, _p.rating_sum).where(_p.user_id == _user, _p.kind == "category")
               .order_by(_p.ratings.desc(), _p.key).limit(bindparam("categories")))
_OTHERS = select(_p.kind, _p.key, _p.ratings, _p.rating_sum).where(
    _p.user_id == _user, _p.kind.in_(["difficulty", "interviews", "resumes"]))
_TOPICS = (select(_pt.key, _pt.topic, _pt.ratings, _pt.rating_sum, _pt.job_info_id, _pt.last_at)
           .where(_pt.user_id == _user).order_by(_pt.ratings.desc(), _pt.key).limit(bindparam("topics")))
_rated = (select(_ir.interview_id, _ir.job_info_id, _ir.created_at, _ir.overall).where(_ir.user_id == _user)
          .order_by(_ir.created_at.desc(), _ir.interview_id.desc()).limit(bindparam("limit")).subquery())
_INTERVIEWS = (select(_rated, _j.name).join_from(_rated, t.job_infos, _rated.c.job_info_id == _j.id)
               .order_by(_rated.c.created_at.desc(), _rated.c.interview_id.desc()))
_resumes = (select(_r.id, _r.job_info_id, _r.created_at, *(_r[name] for name in t.RESUME_SCORES))
            .where(_r.user_id == _user)
            .order_by(_r.created_at.desc(), _r.id.desc()).limit(bindparam("limit")).subquery())
_RESUMES = (select(_resumes, _j.name).join_from(_resumes, t.job_infos, _resumes.c.job_info_id == _j.id)
            .order_by(_resumes.c.created_at.desc(), _resumes.c.id.desc()))


class SqlPracticeHistory:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def totals(self, user_id: str, *, days: int, topics: int, categories: int) -> PracticeTotals:
        c = self._c
        bound = {"user_id": user_id, "days": days, "topics": topics, "categories": categories}
        others = c.execute(_OTHERS, bound).all()
        counts = {row.kind: row.ratings for row in others if row.kind != "difficulty"}
        return PracticeTotals(
            days=[RatingTotal(*row) for row in c.execute(_DAYS, bound)],
            topics=[TopicTotal(*row) for row in c.execute(_TOPICS, bound)],
            difficulties=[RatingTotal(*row[1:]) for row in others if row.kind == "difficulty"],
            categories=[RatingTotal(*row) for row in c.execute(_CATEGORIES, bound)],
            interviews_rated=counts.get("interviews", 0),
            resumes_analysed=counts.get("resumes", 0),
        )

    def rated_interviews(self, user_id: str, limit: int) -> list[RatedInterview]:
        return [
            RatedInterview(row.interview_id, row.job_info_id, row.name, row.created_at, row.overall)
            for row in self._c.execute(_INTERVIEWS, {"user_id": user_id, "limit": limit})
        ]

    def scored_resumes(self, user_id: str, limit: int) -> list[ScoredResume]:
        return [
            ScoredResume(row.id, row.job_info_id, row.name, row.created_at, row.overall_score, row.ats_score,
                         row.job_match_score, row.writing_score, row.keyword_score, row.other_score)
            for row in self._c.execute(_RESUMES, {"user_id": user_id, "limit": limit})
        ]
