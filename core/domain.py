"""The domain model: frozen attrs values for what darasa stores and what the
core exchanges with its ports — users and their sessions and usage, job
infos, interviews, questions and answers, what the AI coach works with and
produces, uploads, and the rate limiter's buckets and decisions. Every record
lives here; the ports (``core.ports``) are only protocols, the commands and
results of each action live in its feature module."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

from attrs import field, validators

from core.records import frozen
from core.speech import SpeechMetrics


class ExperienceLevel(enum.Enum):
    JUNIOR = "junior"
    MID_LEVEL = "mid-level"
    SENIOR = "senior"


@frozen
class Actor:
    """Who is calling: the authenticated user behind a request, and what the
    identity provider said about them.

    ``plan`` and ``features`` are the plan data an identity provider vouches
    for (a Clerk session token's ``pla``/``fea`` claims), for a plans adapter
    that answers from them; ``None`` when the provider says nothing (local
    accounts: the plans adapter reads the database). ``session_id`` names the
    session the caller presented, so that signing out can end it; two actors
    are equal when they are the same user with the same plan data, whatever
    the session."""

    user_id: str
    plan: str | None = None
    features: frozenset[str] | None = None
    session_id: str | None = field(default=None, eq=False, repr=False)


@frozen
class User:
    id: str
    name: str
    email: str
    image_url: str | None
    created_at: datetime
    updated_at: datetime


@frozen
class JobInfo:
    id: str
    user_id: str
    name: str
    title: str | None
    experience_level: ExperienceLevel
    description: str
    created_at: datetime
    updated_at: datetime


@frozen
class Interview:
    """A mock interview on a job info. ``duration`` is "HH:MM:SS" and starts
    at "00:00:00"; ``hume_chat_id`` names the external voice chat, once one
    is attached; ``started_at`` and ``ended_at`` bound the conversation."""

    id: str
    job_info_id: str
    duration: str
    hume_chat_id: str | None
    feedback: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None


# --- accounts -----------------------------------------------------------------


@frozen
class Credentials:
    """A local account's secret parts, kept apart from the public User."""

    user_id: str
    password_hash: str


@frozen
class Session:
    """A signed-in session; only the digest of its token is ever stored."""

    id: str
    user_id: str
    token_digest: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    address_digest: str | None = None
    """A keyed digest of the user and the client address it was opened
    from (``core.accounts.address_digest``), if there was one."""


UsageKind = Literal["interviews", "questions"]
"""What a plan allowance counts."""


@frozen
class Usage:
    """How many records of each kind a user has ever created: deleting one
    gives nothing back, so these only grow."""

    interviews_created: int = 0
    questions_created: int = 0

    def of(self, kind: UsageKind) -> int:
        return self.interviews_created if kind == "interviews" else self.questions_created


@frozen
class Hold:
    """One record of ``kind`` taken from a user's allowance for a record not
    yet written (the AI is still answering). Kept until the record is
    written or the call fails, and lapses at ``expires_at`` in case its
    process died in between."""

    id: str
    user_id: str
    kind: UsageKind
    expires_at: datetime


# --- coaching -----------------------------------------------------------------


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

    @classmethod
    def of(cls, job_info: JobInfo) -> JobContext:
        return cls(job_info.name, job_info.title, job_info.experience_level, job_info.description)


@frozen
class TranscriptEntry:
    speaker: Speaker
    text: str
    at: datetime
    speech: SpeechMetrics | None = None
    """For a spoken answer: how it sounded (speaking time, words per minute,
    long pauses, filler words), measured on the recording."""


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
    """A generated technical question on a job info, as markdown, and the
    topic (a skill) it is about when known."""

    id: str
    job_info_id: str
    text: str
    difficulty: Difficulty
    created_at: datetime
    updated_at: datetime
    topic: str | None = None
    coach_key: str | None = None
    """Which of the coach's own questions it presents (the offline coach's
    bank id), when it is one: a job's questions from the coach are found by
    it without reading the job's whole history."""


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


@frozen
class InterviewMessage:
    """One line of a mock interview as stored: ``seq`` orders the lines of
    an interview, from 1. A spoken answer also has its speech metrics, and
    the name its recording is kept under when recordings are kept."""

    id: str
    interview_id: str
    seq: int
    speaker: Speaker
    text: str
    at: datetime
    speech: SpeechMetrics | None = None
    audio: str | None = None

    @property
    def entry(self) -> TranscriptEntry:
        return TranscriptEntry(self.speaker, self.text, self.at, self.speech)


@frozen
class StoredResumeAnalysis:
    """A resume analysis kept for its job info."""

    id: str
    job_info_id: str
    analysis: ResumeAnalysis
    created_at: datetime


UPLOAD_MAX_BYTES = 10 * 1024 * 1024
"""The largest file a user may upload (a resume): 10 MB."""


@frozen
class RatedAnswer:
    """A rated answer as the progress view groups it: when, how well, and
    its question's difficulty, topic and job info."""

    rating: int
    created_at: datetime
    difficulty: Difficulty
    topic: str | None
    job_info_id: str


@frozen
class RatedInterview:
    """A mock interview with feedback, for the progress view: its overall
    rating as read from the feedback when it was stored (``None`` when the
    feedback gives none)."""

    id: str
    job_info_id: str
    job_name: str
    created_at: datetime
    overall: int | None


@frozen
class InterviewRatings:
    """What an interview's feedback rated, read once when the feedback was
    stored (``core.progress.interview_ratings``): the overall rating and
    each category's, by name in heading order; kept with the interview's
    owner, job and time for the progress view."""

    interview_id: str
    user_id: str
    job_info_id: str
    created_at: datetime
    overall: int | None
    categories: dict[str, int]


@frozen
class RatingTotal:
    """A running count and sum of ratings under one key: a day
    (``YYYY-MM-DD``, UTC), a difficulty or an interview category."""

    key: str
    count: int
    total: int


@frozen
class TopicTotal:
    """A topic's running count and sum of answer ratings; ``key`` is the
    topic folded (``topic_key``), ``topic`` its first spelling, and
    ``job_info_id`` the job of its newest answer (at ``last_at``)."""

    key: str
    topic: str
    count: int
    total: int
    job_info_id: str
    last_at: datetime


@frozen
class PracticeTotals:
    """A user's running totals, as far as the progress view reads them: the
    newest days with answers (newest first), the most practised topics, the
    difficulties, the most rated interview categories (most first), how
    many interviews have feedback and how many resume analyses there are."""

    days: list[RatingTotal]
    topics: list[TopicTotal]
    difficulties: list[RatingTotal]
    categories: list[RatingTotal]
    interviews_rated: int
    resumes_analysed: int


@frozen
class ScoredResume:
    """A resume analysis' scores with its job info's name, for the progress
    view (which shows no feedback, so none is read)."""

    id: str
    job_info_id: str
    job_name: str
    created_at: datetime
    overall: int
    ats: int
    job_match: int
    writing_and_formatting: int
    keyword_coverage: int
    other: int

    @classmethod
    def of(
        cls, id: str, job_info_id: str, job_name: str, created_at: datetime, analysis: ResumeAnalysis  # noqa: A002
    ) -> ScoredResume:
        a = analysis
        return cls(id, job_info_id, job_name, created_at, a.overall_score, a.ats.score, a.job_match.score,
                   a.writing_and_formatting.score, a.keyword_coverage.score, a.other.score)


@frozen
class Upload:
    """A file a user sent: its bytes as read (the edge stops reading past
    ``UPLOAD_MAX_BYTES``) and the name it came with, which is only ever
    shown, never used as a path. Only the web edge's multipart reader makes
    these from a request."""

    data: bytes = field(repr=lambda data: f"<{len(data)} bytes>")
    filename: str


# --- rate limits --------------------------------------------------------------


@frozen
class Bucket:
    """A token bucket: ``capacity`` tokens, ``refill`` tokens per ``interval``
    seconds, accruing continuously; it starts full."""

    capacity: float
    refill: float
    interval: float


@frozen
class Decision:
    allowed: bool
    retry_after: float = 0.0
    """Seconds until the request would be allowed (0 when allowed)."""
    remaining: float = 0.0
