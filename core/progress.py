"""The user's practice over time (getProgress): answer ratings by day, by
topic and by difficulty, the weakest topics, interview ratings per category
and resume scores per analysis.

What it reads and sums does not grow with the history: at most the newest
``ANSWERS_READ`` rated answers, ``INTERVIEWS_READ`` interviews with feedback
and ``RESUMES_READ`` resume analyses of the caller (``PracticeHistory``),
summed here. An interview's ratings are read from its feedback's
headings (``## Name: n/10`` or ``## Name (Rating: n/10)``), the shapes both
coaches write. Not cached: every answer, interview and analysis would have
to invalidate it, and the reads are bounded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from attrs import frozen

from core.domain import Difficulty, RatedAnswer, RatedInterview, ScoredResume
from core.pipeline import Action, Context
from core.ports import Storage

ANSWERS_READ = 500
INTERVIEWS_READ = 100
RESUMES_READ = 100
DAYS_SHOWN = 30
TOPICS_SHOWN = 12
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
    """Everything oldest first but the topics (most practised first) and the
    weakest (weakest first). ``answers`` counts the rated answers read, and
    ``average`` is theirs (``None`` without any)."""

    answers: int
    average: float | None
    by_day: list[DayRating]
    by_topic: list[TopicRating]
    by_difficulty: list[DifficultyRating]
    weakest_topics: list[TopicRating]
    interviews: list[InterviewRating]
    interview_categories: list[CategoryRating]
    resumes: list[ResumeScores]


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


# --- summing up ---------------------------------------------------------------


def _average(ratings: Sequence[int]) -> float:
    return round(sum(ratings) / len(ratings), 1)


def by_day(answers: Iterable[RatedAnswer]) -> list[DayRating]:
    days: dict[str, list[int]] = defaultdict(list)
    for answer in answers:
        days[answer.created_at.date().isoformat()].append(answer.rating)
    return [DayRating(day, _average(r), len(r)) for day, r in sorted(days.items())][-DAYS_SHOWN:]


def by_topic(answers: Sequence[RatedAnswer]) -> list[TopicRating]:
    """Topics by how often they were practised (then by name); an answer to
    a question without a topic counts for none."""
    ratings: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    last: dict[str, RatedAnswer] = {}
    for answer in sorted(answers, key=lambda a: a.created_at):
        if not answer.topic or not answer.topic.strip():
            continue
        key = answer.topic.strip().casefold()
        names.setdefault(key, answer.topic.strip())
        ratings[key].append(answer.rating)
        last[key] = answer
    topics = [TopicRating(names[k], _average(r), len(r), last[k].job_info_id) for k, r in ratings.items()]
    return sorted(topics, key=lambda t: (-t.answers, t.topic.casefold()))


def weakest(topics: Iterable[TopicRating]) -> list[TopicRating]:
    """The lowest averages below ``GOOD_RATING``; of equal ones, the most
    practised first."""
    weak = [t for t in topics if t.average < GOOD_RATING]
    return sorted(weak, key=lambda t: (t.average, -t.answers, t.topic.casefold()))[:WEAKEST]


def by_difficulty(answers: Iterable[RatedAnswer]) -> list[DifficultyRating]:
    ratings: dict[Difficulty, list[int]] = defaultdict(list)
    for answer in answers:
        ratings[answer.difficulty].append(answer.rating)
    return [DifficultyRating(d, _average(ratings[d]), len(ratings[d])) for d in Difficulty if ratings[d]]


def interviews(rated: Sequence[RatedInterview]) -> tuple[list[InterviewRating], list[CategoryRating]]:
    overall: list[InterviewRating] = []
    categories: dict[str, list[int]] = defaultdict(list)
    for interview in sorted(rated, key=lambda i: (i.created_at, i.id)):
        rating, named = interview_ratings(interview.feedback)
        overall.append(
            InterviewRating(interview.id, interview.job_info_id, interview.job_name, interview.created_at, rating)
        )
        for name, value in named.items():
            categories[name].append(value)
    return overall, [CategoryRating(name, _average(r), len(r)) for name, r in categories.items()]


def resumes(scored: Sequence[ScoredResume]) -> list[ResumeScores]:
    return [
        ResumeScores(r.id, r.job_info_id, r.job_name, r.created_at, r.overall, r.ats, r.job_match,
                     r.writing_and_formatting, r.keyword_coverage, r.other)
        for r in sorted(scored, key=lambda r: (r.created_at, r.id))
    ]


# --- the use case -------------------------------------------------------------


@frozen(kw_only=True)
class GetProgress:
    storage: Storage

    def __call__(self, context: Context, _: GetProgressQuery) -> Progress:
        user_id = context.caller.user_id
        with self.storage.unit_of_work() as uow:
            answers = uow.practice.rated_answers(user_id, ANSWERS_READ)[:ANSWERS_READ]
            rated = uow.practice.rated_interviews(user_id, INTERVIEWS_READ)[:INTERVIEWS_READ]
            scored = uow.practice.scored_resumes(user_id, RESUMES_READ)[:RESUMES_READ]
        topics = by_topic(answers)
        overall, categories = interviews(rated)
        return Progress(
            answers=len(answers),
            average=_average([a.rating for a in answers]) if answers else None,
            by_day=by_day(answers),
            by_topic=topics[:TOPICS_SHOWN],
            by_difficulty=by_difficulty(answers),
            weakest_topics=weakest(topics),
            interviews=overall,
            interview_categories=categories,
            resumes=resumes(scored),
        )


actions: list[Action[Any, Any]] = [
    Action("getProgress", GetProgressQuery, Progress, GetProgress,
           summary="The caller's practice over time: answer ratings by day, topic and difficulty, "
                   "the weakest topics, interview ratings per category and resume scores"),
]
"""The progress action."""
