"""What the AI coach works with and produces: questions, transcripts, graded
answers and resume analyses. Pure values; the coach itself is a port."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import field, frozen, validators

from core.domain import ExperienceLevel


class Difficulty(enum.Enum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Speaker(enum.Enum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


class FeedbackType(enum.Enum):
    STRENGTH = "strength"
    MINOR_IMPROVEMENT = "minor-improvement"
    MAJOR_IMPROVEMENT = "major-improvement"


@frozen
class JobContext:
    """What the coach knows of the job a user is preparing for."""

    name: str
    title: str | None
    experience_level: ExperienceLevel
    description: str


@frozen
class TranscriptEntry:
    speaker: Speaker
    text: str
    at: datetime


_score = [validators.instance_of(int), validators.ge(0), validators.le(10)]


@frozen
class FeedbackItem:
    type: FeedbackType
    name: str = field(validator=validators.max_len(200))
    message: str = field(validator=validators.max_len(2000))


@frozen
class CategoryAnalysis:
    score: int = field(validator=_score)
    summary: str = field(validator=validators.max_len(2000))
    feedback: list[FeedbackItem] = field(validator=validators.max_len(50))


@frozen
class ResumeAnalysis:
    overall_score: int = field(validator=_score)
    ats: CategoryAnalysis
    job_match: CategoryAnalysis
    writing_and_formatting: CategoryAnalysis
    keyword_coverage: CategoryAnalysis
    other: CategoryAnalysis


@frozen
class Question:
    """A generated technical question on a job info, as markdown."""

    id: str
    job_info_id: str
    text: str
    difficulty: Difficulty
    created_at: datetime
    updated_at: datetime


@frozen
class Answer:
    """A user's answer to a question, with the coach's feedback (markdown)
    and its rating out of 10."""

    id: str
    question_id: str
    text: str
    feedback: str
    rating: int
    created_at: datetime
