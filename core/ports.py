"""The ports: what the core needs from the outside world, as small protocols.

Adapters in ``adapters/`` implement these; ``adapters/fakes`` holds tiny real
implementations used by the unit tests. The repositories a unit of work hands
out are in ``core.repositories``, the records all of them exchange in
``core.domain``. This module imports only the standard library and ``core``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

from core.domain import (
    Actor,
    Bucket,
    Decision,
    Difficulty,
    Interview,
    JobContext,
    JobInfo,
    Question,
    ResumeAnalysis,
    TranscriptEntry,
)
from core.repositories import (
    Answers,
    InterviewMessages,
    Interviews,
    JobInfos,
    PracticeHistory,
    Questions,
    ResumeAnalyses,
    Sessions,
    Users,
    WebhookDeliveries,
)
from core.speech import AudioFormat, Recording

T = TypeVar("T")


# --- time and identifiers ---------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for rate limits)."""
        ...


class Ids(Protocol):
    def new(self) -> str:
        """A fresh unique identifier (a UUID string)."""
        ...


# --- storage ----------------------------------------------------------------


class UnitOfWork(Protocol):
    """One transaction. It rolls back unless ``commit()`` is called; once a
    commit has succeeded, the cache tags of everything its repositories wrote
    are invalidated (``core.unit_of_work``)."""

    @property
    def users(self) -> Users: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def job_infos(self) -> JobInfos: ...

    @property
    def interviews(self) -> Interviews: ...

    @property
    def questions(self) -> Questions: ...

    @property
    def answers(self) -> Answers: ...

    @property
    def interview_messages(self) -> InterviewMessages: ...

    @property
    def resume_analyses(self) -> ResumeAnalyses: ...

    @property
    def practice(self) -> PracticeHistory: ...

    @property
    def deliveries(self) -> WebhookDeliveries: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def owned_job_info(self, actor: Actor, job_info_id: str) -> JobInfo:
        """The job info, if it is the actor's; ``Forbidden`` alike when it
        does not exist and when it is someone else's."""
        ...

    def owned_interview(self, actor: Actor, interview_id: str) -> tuple[Interview, JobInfo]: ...

    def owned_question(self, actor: Actor, question_id: str) -> tuple[Question, JobInfo]: ...


class Storage(Protocol):
    def ping(self) -> None:
        """Raise if the storage cannot be reached (for the health check)."""
        ...

    def unit_of_work(self, *, write: bool = False, one_write: bool = False) -> UnitOfWork:
        """A new unit of work. ``write=True`` starts a transaction that
        serialises writers from the first statement (SQLite: BEGIN IMMEDIATE),
        for read-check-write sequences such as plan allowances.
        ``one_write=True`` (with ``write``): its first statement is its only
        write, one repository call committed right after it, so a storage
        may commit that write as it runs, without a transaction of its own
        (the SQL storage does; not while an idempotency key is held, whose
        mark commits with the write); a second write in it raises
        ``RuntimeError``."""
        ...


# --- cache ------------------------------------------------------------------


class TagCache(Protocol):
    """Reads cached under tags; a write invalidates the tags of what it wrote.

    Invariant: once ``invalidate`` has returned, no ``get_or_load`` anywhere
    sharing the backend returns a value loaded before it.
    """

    def get_or_load(self, key: str, tags: Sequence[str], load: Callable[[], T], *, owner: str | None = None) -> T:
        """The value under ``key``, loaded (and kept, within the cache's
        bounds) on a miss. ``owner`` is the user whose call keeps it, for the
        per-user bound: one user's reads never crowd out everyone else's."""
        ...

    def invalidate(self, tags: Iterable[str]) -> None: ...


# --- plans and limits -------------------------------------------------------


class Plans(Protocol):
    """The caller's plan and features. Given the ``Actor``, not a bare id: an
    identity provider may vouch for them (``Actor.plan``, ``Actor.features``)
    where a local adapter reads the database, in the caller's unit of work
    ``uow`` (the one that checks ownership: no unit of work of its own)."""

    def plan_of(self, actor: Actor, uow: UnitOfWork) -> str: ...

    def features(self, actor: Actor, uow: UnitOfWork) -> frozenset[str]: ...

    def has(self, actor: Actor, feature: str, uow: UnitOfWork) -> bool: ...


class RateLimiter(Protocol):
    def consume(self, key: str, bucket: Bucket, tokens: float = 1) -> Decision:
        """Take ``tokens`` from the bucket under ``key`` if they are all there;
        a refused call takes nothing."""
        ...


class WindowLimiter(Protocol):
    def hit(self, key: str, limit: int, window: float) -> Decision:
        """Count one request under ``key``; refuse once ``limit`` requests fall
        within the last ``window`` seconds (sliding window)."""
        ...


# --- identity ---------------------------------------------------------------


class Identity(Protocol):
    """Turns a presented session or bearer token into the caller, or nobody."""

    def authenticate(self, token: str) -> Actor | None: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class PasswordStrength(Protocol):
    """Whether a new password is too easy to guess (common, breached-pattern,
    keyboard walks, the account's own words)."""

    def weaknesses(self, password: str, related: Sequence[str]) -> list[str]:
        """Why ``password`` is too weak, as sentences for the field error;
        empty when it is strong enough. ``related`` are the account's own
        words (email, name), which a password must not lean on."""
        ...


class Tokens(Protocol):
    def new(self) -> str:
        """A fresh unguessable token to hand to the client."""
        ...

    def digest(self, token: str) -> str:
        """What is stored in place of the token (keyed, one-way)."""
        ...


# --- the AI coach -----------------------------------------------------------


class Coach(Protocol):
    """Writes questions and feedback. Text comes as an iterable of chunks so
    that a caller can stream it; joined, the chunks are the whole text.
    Raises ``core.errors.AiFailed`` when it cannot produce a usable answer."""

    def question(
        self, job: JobContext, difficulty: Difficulty, previous: Sequence[str], topic: str | None = None
    ) -> Iterable[str]:
        """A new markdown question for the job, unlike any in ``previous``,
        on ``topic`` (a skill, as the user names it) when given and possible."""
        ...

    def question_key(self, text: str) -> str | None:
        """The key of the coach's own question that ``text`` presents, if it
        is one (``Question.coach_key``); None from a coach without a fixed
        set of questions."""
        ...

    def answer_feedback(self, job: JobContext, question: str, answer: str) -> Iterable[str]:
        """Markdown that starts ``## Feedback (Rating: n/10)``, then ``---``,
        then ``## Correct Answer``."""
        ...

    def interviewer_turn(self, job: JobContext, transcript: Sequence[TranscriptEntry]) -> str:
        """The mock interviewer's next line, given the conversation so far."""
        ...

    def interview_feedback(
        self, job: JobContext, transcript: Sequence[TranscriptEntry]
    ) -> Iterable[str]:
        """Markdown: an overall rating, then the seven categories, each /10."""
        ...

    def analyze_resume(self, job: JobContext, resume_text: str) -> ResumeAnalysis: ...


class Documents(Protocol):
    def text_of(self, data: bytes) -> str:
        """The plain text of a PDF, DOCX or text file, recognised by content.
        Raises UnsupportedMedia for other kinds, Invalid for a file that is
        encrypted, corrupt or has no text."""
        ...


class VoiceTranscripts(Protocol):
    """What was said in a voice interview, read from the voice service."""

    def transcript(self, chat_id: str) -> list[TranscriptEntry]:
        """The chat's lines in order. Raises ``core.errors.AiFailed`` when
        the chat cannot be read."""
        ...


# --- speech -----------------------------------------------------------------


class RecordingReader(Protocol):
    """Recognises and measures a spoken answer."""

    def read(self, data: bytes) -> Recording:
        """The recording's format, length and voiced stretches, recognised
        by content and decoded no further than ``AUDIO_MAX_SECONDS``.
        Raises ``PayloadTooLarge`` past ``UPLOAD_MAX_BYTES``,
        ``UnsupportedMedia`` for anything but WebM/Opus, Ogg/Opus, WAV or
        MP3 audio, ``Invalid`` (on ``audio``) for a recording that is too
        long or cannot be decoded."""
        ...


class SpeechToText(Protocol):
    """Turns a recording into the words said in it."""

    @property
    def available(self) -> bool:
        """Whether this server transcribes at all (none is configured by
        default: the browser then recognises speech itself)."""
        ...

    def transcribe(self, data: bytes, audio_format: AudioFormat) -> str:
        """The words said. Raises ``core.errors.AiFailed`` when the service
        fails or is not there."""
        ...


class RecordingArchive(Protocol):
    """Keeps spoken answers, when the deployment wants them kept."""

    def keep(self, interview_id: str, data: bytes, audio_format: AudioFormat) -> str | None:
        """Store the recording; the name it is kept under, or ``None`` when
        recordings are not kept."""
        ...

    def discard(self, interview_id: str, name: str) -> None:
        """Remove one kept recording (its answer was never stored)."""
        ...

    def discard_interview(self, interview_id: str) -> None:
        """Remove every recording of an interview that is gone."""
        ...


class SpeechSynthesis(Protocol):
    """Gives the interviewer a voice."""

    @property
    def available(self) -> bool:
        """Whether this server speaks at all (by default the browser does)."""
        ...

    def speak(self, text: str) -> bytes:
        """``text`` as MP3 audio. Raises ``core.errors.AiFailed``."""
        ...
