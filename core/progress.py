"""The user's practice over time (getProgress): answer ratings by day, by
topic and by difficulty, the weakest topics, interview ratings per category
and resume scores per analysis.

What getProgress reads does not grow with the history: the sums are kept up
to date on write (``PracticeHistory.totals``: per user and day, topic,
difficulty and interview category, a count and a sum of ratings, and the
number of interviews with feedback and of resume analyses, changed in the
unit of work that rates an answer, stores an interview's feedback, stores
an analysis or deletes a job info), so the averages and counts are over
every answer, interview and analysis ever made; the days are the newest
``DAYS_SHOWN`` with answers, the topics the ``TOPICS_READ`` most practised,
the categories the ``CATEGORIES_SHOWN`` most rated. An interview's ratings
are read once, when its feedback is stored, from its headings (``## Name:
n/10`` or ``## Name (Rating: n/10)``, the shapes both coaches write). Record
by record there are only the newest ``RECENT_SHOWN`` interviews with
feedback (their overall rating) and resume analyses (their scores), a page
like every list's. The ``tally_*`` functions here are what the totals must
equal: the storage adapters use them when records go. Not cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from attrs import evolve

from core.domain import (
    Difficulty,
    InterviewRatings,
    PracticeTotals,
    RatedAnswer,
    RatedInterview,
    RatingTotal,
    ScoredResume,
    TopicTotal,
)
from core.pipeline import Action, Context
from core.ports import Storage
from core.records import frozen

RECENT_SHOWN = 10
"""The interviews with feedback and the resume analyses listed one by one:
the newest this many, a page as every list is, so that a long history costs
what a short one does (the counts and averages are over all of them)."""
DAYS_SHOWN = 30
TOPICS_SHOWN = 12
TOPICS_READ = 100
"""The weakest topics are the weakest of the most practised this many."""
CATEGORIES_SHOWN = 12
WEAKEST = 3
GOOD_RATING = 8.0
"""A topic that averages this much or more is not weak (the "Excellent" badge)."""
CATEGORY_MAX = 80
OVERALL = "overall rating"

_RATING = re.compile(
    r"^#{1,4}[ \t]+(?:\d{1,2}\.[ \t]*)?\**[ \t]*(?P<name>[^\n*():#]{1,120}?)[ \t]*\**[ \t]*"
    r"(?::[ \t]*\**[ \t]*(?P<a>\d{1,2})[ \t]*/[ \t]*10|\([ \t]*Rating:[ \t]*(?P<b>\d{1,2})[ \t]*/[ \t]*10[ \t]*\))",
    re.MULTILINE | re.IGNORECASE,
)


# --- commands and results ---------------------------------------------------


@frozen
class GetProgressQuery:
    """getProgress takes nothing: it is the caller's own practice."""


@frozen
class DayRating:
    """The answers rated on one day (UTC, ``YYYY-MM-DD``) and their average."""

    day: str
    average: float
    answers: int


@frozen
class TopicRating:
    """A topic's average rating; ``job_info_id`` is the job it was last
    practised on (where a new question on it is asked)."""

    topic: str
    average: float
    answers: int
    job_info_id: str


@frozen
class DifficultyRating:
    difficulty: Difficulty
    average: float
    answers: int


@frozen
class CategoryRating:
    category: str
    average: float
    interviews: int


@frozen
class InterviewRating:
    interview_id: str
    job_info_id: str
    job_name: str
    created_at: datetime
    overall: int | None


@frozen
class ResumeScores:
    analysis_id: str
    job_info_id: str
    job_name: str
    created_at: datetime
    overall: int
    ats: int
    job_match: int
    writing_and_formatting: int
    keyword_coverage: int
    other: int


@frozen
class Progress:
    """Everything oldest first but the topics (most practised first), the
    weakest (weakest first) and the interview categories (most rated
    first). ``answers`` counts every rated answer and ``average`` is theirs
    (``None`` without any); ``interviews_rated`` counts every interview with
    feedback and ``resumes_analysed`` every resume analysis, ``interviews``
    and ``resumes`` are the newest ``RECENT_SHOWN`` of them."""

    answers: int
    average: float | None
    by_day: list[DayRating]
    by_topic: list[TopicRating]
    by_difficulty: list[DifficultyRating]
    weakest_topics: list[TopicRating]
    interviews: list[InterviewRating]
    interview_categories: list[CategoryRating]
    resumes: list[ResumeScores]
    interviews_rated: int
    resumes_analysed: int


# --- reading the coach's markdown ---------------------------------------------


def interview_ratings(feedback: str) -> tuple[int | None, dict[str, int]]:
    """The overall rating and each category's rating (by its heading, in
    order) of an interview's feedback; what cannot be read is left out."""
    overall: int | None = None
    categories: dict[str, int] = {}
    for match in _RATING.finditer(feedback[:50_000]):
        rating = int(match.group("a") or match.group("b"))
        name = " ".join(match.group("name").split())[:CATEGORY_MAX]
        if not name or not 0 <= rating <= 10:
            continue
        if name.casefold() == OVERALL:
            overall = rating if overall is None else overall
        elif name not in categories and len(categories) < 10:
            categories[name] = rating
    return overall, categories


# --- the running totals: what they must equal --------------------------------


def day_of(at: datetime) -> str:
    """The day (UTC, ``YYYY-MM-DD``) an answer counts for."""
    return at.date().isoformat()


def topic_key(topic: str | None) -> str | None:
    """What topics are told apart by (case and surrounding spaces aside);
    ``None`` for an answer that counts for no topic."""
    return topic.strip().casefold() if topic and topic.strip() else None


Sums = dict[str, tuple[int, int]]
"""Count and sum of ratings, by key."""


def _add(sums: Sums, key: str, rating: int) -> None:
    count, total = sums.get(key, (0, 0))
    sums[key] = (count + 1, total + rating)


def tally_answers(answers: Iterable[RatedAnswer]) -> tuple[Sums, Sums, dict[str, TopicTotal]]:
    """The sums of ``answers`` by day and by difficulty, and by topic with
    its first spelling and the job of its newest answer (of equal times,
    the one given last)."""
    days: Sums = {}
    difficulties: Sums = {}
    topics: dict[str, TopicTotal] = {}
    for answer in sorted(answers, key=lambda a: a.created_at):
        _add(days, day_of(answer.created_at), answer.rating)
        _add(difficulties, answer.difficulty.value, answer.rating)
        key = topic_key(answer.topic)
        if key is None:
            continue
        known = topics.get(key)
        topics[key] = (
            TopicTotal(key, (answer.topic or "").strip(), 1, answer.rating, answer.job_info_id, answer.created_at)
            if known is None else
            evolve(known, count=known.count + 1, total=known.total + answer.rating,
                   job_info_id=answer.job_info_id, last_at=answer.created_at)
        )
    return days, difficulties, topics


def tally_interviews(rated: Iterable[InterviewRatings]) -> Sums:
    """The sums of interview ratings by category."""
    categories: Sums = {}
    for ratings in rated:
        for name, rating in ratings.categories.items():
            _add(categories, name, rating)
    return categories


# --- summing up -----------------------------------------------------------------


def _average(count: int, total: int) -> float:
    return round(total / count, 1)


def by_day(days: Iterable[RatingTotal]) -> list[DayRating]:
    return [DayRating(d.key, _average(d.count, d.total), d.count) for d in sorted(days, key=lambda d: d.key)
            if d.count][-DAYS_SHOWN:]


def by_topic(topics: Iterable[TopicTotal]) -> list[TopicRating]:
    """Topics by how often they were practised (then by name)."""
    rated = [TopicRating(t.topic, _average(t.count, t.total), t.count, t.job_info_id) for t in topics if t.count]
    return sorted(rated, key=lambda t: (-t.answers, t.topic.casefold()))


def weakest(topics: Iterable[TopicRating]) -> list[TopicRating]:
    """The lowest averages below ``GOOD_RATING``; of equal ones, the most
    practised first."""
    weak = [t for t in topics if t.average < GOOD_RATING]
    return sorted(weak, key=lambda t: (t.average, -t.answers, t.topic.casefold()))[:WEAKEST]


def by_difficulty(difficulties: Iterable[RatingTotal]) -> list[DifficultyRating]:
    found = {d.key: d for d in difficulties if d.count}
    return [DifficultyRating(d, _average(found[d.value].count, found[d.value].total), found[d.value].count)
            for d in Difficulty if d.value in found]


def by_category(categories: Iterable[RatingTotal]) -> list[CategoryRating]:
    """Categories by how many interviews rated them (then by name)."""
    rated = sorted((c for c in categories if c.count), key=lambda c: (-c.count, c.key))
    return [CategoryRating(c.key, _average(c.count, c.total), c.count) for c in rated][:CATEGORIES_SHOWN]


def interviews(rated: Sequence[RatedInterview]) -> list[InterviewRating]:
    return [InterviewRating(i.id, i.job_info_id, i.job_name, i.created_at, i.overall)
            for i in sorted(rated, key=lambda i: (i.created_at, i.id))]


def resumes(scored: Sequence[ScoredResume]) -> list[ResumeScores]:
    return [
        ResumeScores(r.id, r.job_info_id, r.job_name, r.created_at, r.overall, r.ats, r.job_match,
                     r.writing_and_formatting, r.keyword_coverage, r.other)
        for r in sorted(scored, key=lambda r: (r.created_at, r.id))
    ]


def progress_of(totals: PracticeTotals, rated: Sequence[RatedInterview], scored: Sequence[ScoredResume]) -> Progress:
    topics = by_topic(totals.topics)
    count = sum(d.count for d in totals.difficulties)
    total = sum(d.total for d in totals.difficulties)
    return Progress(
        answers=count,
        average=_average(count, total) if count else None,
        by_day=by_day(totals.days),
        by_topic=topics[:TOPICS_SHOWN],
        by_difficulty=by_difficulty(totals.difficulties),
        weakest_topics=weakest(topics),
        interviews=interviews(rated),
        interview_categories=by_category(totals.categories),
        resumes=resumes(scored),
        interviews_rated=totals.interviews_rated,
        resumes_analysed=totals.resumes_analysed,
    )


# --- the use case -------------------------------------------------------------


@frozen(kw_only=True)
class GetProgress:
    storage: Storage

    def __call__(self, context: Context, _: GetProgressQuery) -> Progress:
        user_id = context.caller.user_id
        with self.storage.unit_of_work() as uow:
            totals = uow.practice.totals(user_id, days=DAYS_SHOWN, topics=TOPICS_READ, categories=CATEGORIES_SHOWN)
            rated = uow.practice.rated_interviews(user_id, RECENT_SHOWN)[:RECENT_SHOWN]
            scored = uow.practice.scored_resumes(user_id, RECENT_SHOWN)[:RECENT_SHOWN]
        return progress_of(totals, rated, scored)


actions: list[Action[Any, Any]] = [
    Action("getProgress", GetProgressQuery, Progress, GetProgress,
           summary="The caller's practice over time: answer ratings by day, topic and difficulty, "
                   "the weakest topics, interview ratings per category and resume scores"),
]
"""The progress action."""
