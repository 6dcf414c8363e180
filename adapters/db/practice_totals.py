"""The progress view's running totals on SQLAlchemy Core, kept in the unit
of work of the write they count (``core.repositories.PracticeHistory``):
``count_answer`` (from ``SqlAnswers.add``), ``keep_ratings`` (from
``SqlInterviews.add``/``update``: the feedback's ratings are read here,
once), ``count_analysis`` (from ``SqlResumeAnalyses.add``),
``forget_job_info`` (from ``SqlJobInfos.delete``: what the job's answers,
interviews and analyses counted is taken back; a user's deletion takes all
by cascade). Counts change by upserts (``INSERT … ON CONFLICT DO UPDATE``),
so concurrent writers add up; rows that reach 0 are deleted. ``backfill``
(migration 0012) and ``backfill_analyses`` (0014) fill them from the
records; the benchmarks' bulk users are counted by both."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from importlib import import_module
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, delete, func, insert, literal, or_, select, update

from adapters.db import tables as t
from core.domain import Difficulty, Interview, RatedAnswer, TopicTotal
from core.progress import Sums, interview_ratings, tally_answers, topic_key

WALK = 500
"""Answers read a page at a time when a topic's last job is looked for again."""
_p, _pt, _ir, _a, _q, _j, _r = (t.practice_totals.c, t.practice_topics.c, t.interview_ratings.c, t.answers.c,
                                t.questions.c, t.job_infos.c, t.resume_analyses.c)
_statements: dict[str, tuple[Any, Any]] = {}


def _upserts(c: Connection) -> tuple[Any, Any]:
    """The totals' and the topics' upserts for the connection's dialect, built once."""
    name = c.dialect.name
    if name not in _statements:
        # the dialect's module only now: importing PostgreSQL's costs start-up time on SQLite
        dialect: Any = import_module(f"sqlalchemy.dialects.{'postgresql' if name == 'postgresql' else 'sqlite'}")
        totals = dialect.insert(t.practice_totals)
        totals = totals.on_conflict_do_update(
            index_elements=[_p.user_id, _p.kind, _p.key],
            set_={"ratings": _p.ratings + totals.excluded.ratings,
                  "rating_sum": _p.rating_sum + totals.excluded.rating_sum})
        topics = dialect.insert(t.practice_topics)
        newer = topics.excluded.last_at >= _pt.last_at
        topics = topics.on_conflict_do_update(
            index_elements=[_pt.user_id, _pt.key],
            set_={"ratings": _pt.ratings + topics.excluded.ratings,
                  "rating_sum": _pt.rating_sum + topics.excluded.rating_sum,
                  "job_info_id": case((newer, topics.excluded.job_info_id), else_=_pt.job_info_id),
                  "last_at": case((newer, topics.excluded.last_at), else_=_pt.last_at)})
        _statements[name] = (totals, topics)
    return _statements[name]


def _change(c: Connection, user_id: str, changes: Iterable[tuple[str, Sums]], sign: int = 1) -> None:
    rows = [{"user_id": user_id, "kind": kind, "key": key, "ratings": sign * count,
             "rating_sum": sign * total}
            for kind, sums in changes for key, (count, total) in sums.items()]
    if rows:
        c.execute(_upserts(c)[0], rows)
    if sign < 0 and rows:
        c.execute(delete(t.practice_totals).where(_p.user_id == user_id, _p.ratings <= 0))


def _add_topics(c: Connection, user_id: str, topics: Iterable[TopicTotal]) -> None:
    rows = [{"user_id": user_id, "key": k.key, "topic": k.topic, "ratings": k.count, "rating_sum": k.total,
             "job_info_id": k.job_info_id, "last_at": k.last_at} for k in topics]
    if rows:
        c.execute(_upserts(c)[1], rows)


def _count(c: Connection, user_id: str, answers: list[RatedAnswer]) -> None:
    days, difficulties, topics = tally_answers(answers)
    _change(c, user_id, [("day", days), ("difficulty", difficulties)])
    _add_topics(c, user_id, topics.values())


_QUESTION = (select(_q.job_info_id, _q.topic, _q.difficulty, _j.user_id)
             .join_from(t.questions, t.job_infos, _q.job_info_id == _j.id).where(_q.id == bindparam("id")))


def count_answer(c: Connection, question_id: str, rating: int, at: datetime) -> tuple[str | None, str | None]:
    """Count a new answer; the question's (user id, job info id), ``None``
    for a question that does not exist (nothing is counted)."""
    row = c.execute(_QUESTION, {"id": question_id}).first()
    if row is None:
        return None, None
    _count(c, row.user_id, [RatedAnswer(rating, at, Difficulty(row.difficulty), row.topic, row.job_info_id)])
    return row.user_id, row.job_info_id


def _categories(row: Any) -> Sums:
    return {name: (1, rating) for name, rating in json.loads(row.categories).items()}


def keep_ratings(c: Connection, interview: Interview) -> None:
    """Keep the ratings of the interview's feedback in place of what it had,
    counting the difference (feedback, once stored, is only replaced)."""
    if interview.feedback is None:
        return
    overall, categories = interview_ratings(interview.feedback)
    before = c.execute(select(_ir.user_id, _ir.overall, _ir.categories)
                       .where(_ir.interview_id == interview.id)).first()
    if before is not None and (before.overall, json.loads(before.categories)) == (overall, categories):
        return
    if before is None:
        user_id = c.execute(select(_j.user_id).where(_j.id == interview.job_info_id)).scalar_one()
        c.execute(insert(t.interview_ratings).values(
            interview_id=interview.id, user_id=user_id, job_info_id=interview.job_info_id,
            created_at=interview.created_at, overall=overall, categories=json.dumps(categories)))
        _change(c, user_id, [("interviews", {"": (1, 0)})])
    else:
        user_id = before.user_id
        c.execute(update(t.interview_ratings).where(_ir.interview_id == interview.id)
                  .values(overall=overall, categories=json.dumps(categories)))
        _change(c, user_id, [("category", _categories(before))], -1)
    _change(c, user_id, [("category", {name: (1, rating) for name, rating in categories.items()})])


def count_analysis(c: Connection, user_id: str) -> None:
    """Count a new resume analysis of the user's."""
    _change(c, user_id, [("resumes", {"": (1, 0)})])


_JOB_ANSWERS = (select(_a.rating, _a.created_at, _q.difficulty, _q.topic)
                .join_from(t.answers, t.questions, _a.question_id == _q.id).order_by(_a.created_at, _a.id))


def forget_job_info(c: Connection, job_info_id: str, delete_job: Any) -> str | None:
    """Delete the job info (``delete_job``, a statement returning its
    user's id, which is returned) and take back what its answers and
    interviews counted; a topic last practised on it is given the job of its
    newest answer left."""
    answers = [RatedAnswer(row.rating, row.created_at, Difficulty(row.difficulty), row.topic, job_info_id)
               for row in c.execute(_JOB_ANSWERS.where(_q.job_info_id == job_info_id))]
    rated = c.execute(select(_ir.categories).where(_ir.job_info_id == job_info_id)).all()
    analyses = c.execute(select(func.count(_r.id)).where(_r.job_info_id == job_info_id)).scalar_one()
    user_id: str | None = c.execute(delete_job).scalar()
    if user_id is None:
        return None
    days, difficulties, topics = tally_answers(answers)
    categories: Sums = {}
    for row in rated:
        _merge(categories, _categories(row))
    _change(c, user_id, [("day", days), ("difficulty", difficulties), ("category", categories),
                         ("interviews", {"": (len(rated), 0)} if rated else {}),
                         ("resumes", {"": (analyses, 0)} if analyses else {})], -1)
    for topic in topics.values():
        c.execute(update(t.practice_topics).where(_pt.user_id == user_id, _pt.key == topic.key)
                  .values(ratings=_pt.ratings - topic.count, rating_sum=_pt.rating_sum - topic.total))
    if topics:
        c.execute(delete(t.practice_topics).where(_pt.user_id == user_id, _pt.ratings <= 0))
        _find_last_jobs(c, user_id, job_info_id)
    return user_id


def _find_last_jobs(c: Connection, user_id: str, gone: str) -> None:
    stale = set(c.execute(select(_pt.key).where(_pt.user_id == user_id, _pt.job_info_id == gone)).scalars())
    newest = (select(_a.created_at, _a.id, _q.topic, _q.job_info_id)
              .join_from(t.answers, t.questions, _a.question_id == _q.id).where(_a.user_id == user_id)
              .order_by(_a.created_at.desc(), _a.id.desc()).limit(WALK))
    page = newest
    while stale:
        rows = c.execute(page).all()
        for row in rows:
            key = topic_key(row.topic)
            if key in stale:
                stale.discard(key)
                c.execute(update(t.practice_topics).where(_pt.user_id == user_id, _pt.key == key)
                          .values(job_info_id=row.job_info_id, last_at=row.created_at))
        if len(rows) < WALK:
            break
        last = rows[-1]
        page = newest.where(or_(_a.created_at < last.created_at,
                                and_(_a.created_at == last.created_at, _a.id < last.id)))


def backfill(c: Connection, user_id: str | None = None, batch: int = 5_000) -> None:
    """Count the records not counted yet (of one user, or everyone's: the
    totals start empty): answers a page of ``batch`` at a time in (user,
    time) order, interviews with feedback a page of ``batch // 10``."""
    answers = (select(_a.user_id, _a.created_at, _a.id, _a.rating, _q.difficulty, _q.topic, _q.job_info_id)
               .join_from(t.answers, t.questions, _a.question_id == _q.id)
               .order_by(_a.user_id, _a.created_at, _a.id).limit(batch))
    if user_id is not None:
        answers = answers.where(_a.user_id == user_id)
    page = answers
    while rows := list(c.execute(page)):
        for owner in dict.fromkeys(row.user_id for row in rows):
            _count(c, owner, [RatedAnswer(r.rating, r.created_at, Difficulty(r.difficulty), r.topic, r.job_info_id)
                              for r in rows if r.user_id == owner])
        last = rows[-1]
        page = answers.where(or_(_a.user_id > last.user_id, and_(
            _a.user_id == last.user_id,
            or_(_a.created_at > last.created_at, and_(_a.created_at == last.created_at, _a.id > last.id)))))
    i = t.interviews.c
    interviews = (select(i.id, i.user_id, i.job_info_id, i.created_at, i.feedback).where(i.feedback.is_not(None))
                  .order_by(i.id).limit(max(1, batch // 10)))
    if user_id is not None:
        interviews = interviews.where(i.user_id == user_id)
    page = interviews
    while rows := list(c.execute(page)):
        ratings = [(row, *interview_ratings(row.feedback)) for row in rows]
        c.execute(insert(t.interview_ratings), [
            {"interview_id": row.id, "user_id": row.user_id, "job_info_id": row.job_info_id,
             "created_at": row.created_at, "overall": overall, "categories": json.dumps(categories)}
            for row, overall, categories in ratings])
        for owner in dict.fromkeys(row.user_id for row in rows):
            mine = [categories for row, _, categories in ratings if row.user_id == owner]
            summed: Sums = {}
            for categories in mine:
                _merge(summed, {name: (1, rating) for name, rating in categories.items()})
            _change(c, owner, [("interviews", {"": (len(mine), 0)}), ("category", summed)])
        page = interviews.where(i.id > rows[-1].id)


def backfill_analyses(c: Connection, user_id: str | None = None) -> None:
    """Count the resume analyses (of one user, or everyone's: the counts
    start empty), in one statement."""
    counted = select(_r.user_id, literal("resumes"), literal(""), func.count(), literal(0))
    if user_id is not None:
        counted = counted.where(_r.user_id == user_id)
    c.execute(insert(t.practice_totals).from_select(
        [_p.user_id, _p.kind, _p.key, _p.ratings, _p.rating_sum], counted.group_by(_r.user_id)))


def _merge(into: Sums, sums: Sums) -> None:
    for key, (count, total) in sums.items():
        known = into.get(key, (0, 0))
        into[key] = (known[0] + count, known[1] + total)
