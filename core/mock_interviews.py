"""The mock interview in text, and the coach's feedback on it.

startInterview has the interviewer open the conversation, sendInterviewMessage
stores the candidate's line and the interviewer's reply (each with the
clock's time and the next sequence number), endInterview records the
duration. generateInterviewFeedback reviews the transcript — the text one,
or for a voice interview the voice service's — and keeps the review on the
interview; a coach that fails leaves the interview as it was.

Each follows the pipeline: ownership (through the interview's job info), the
state of the interview, the AI token bucket, the coach, then one write
transaction that locks the user's row, checks again and stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from attrs import evolve, field, frozen

from core.ai_limit import AI_BUCKET, AiUseCase
from core.cache_tags import interview_tags
from core.coaching import InterviewMessage, JobContext, Speaker, TranscriptEntry
from core.domain import Actor, Interview, JobInfo
from core.errors import AiFailed, Forbidden, Invalid, NotCompleted
from core.ownership import owned_interview, owned_interview_with_job_info
from core.pipeline import Action, Streaming
from core.ports import (
    Bucket,
    Clock,
    Coach,
    Ids,
    RateLimiter,
    Storage,
    TagCache,
    UnitOfWork,
    VoiceTranscripts,
)
from core.validation import identifier, text

MESSAGE_MAX = 5_000
MAX_DURATION = timedelta(hours=99, minutes=59, seconds=59)
TURN_FAILED = "Failed to generate the interviewer's reply"
FEEDBACK_FAILED = "Failed to generate feedback"
ALREADY_ENDED = "This interview has already ended"
NOT_STARTED = "This interview has not started yet"


# --- commands ---------------------------------------------------------------


@frozen(kw_only=True)
class InterviewMessageCommand:
    interview_id: str = field(validator=identifier)
    text: str = field(validator=text(MESSAGE_MAX))


@frozen(kw_only=True)
class MockInterviewRef:
    interview_id: str = field(validator=identifier)


# --- results ----------------------------------------------------------------


@frozen
class InterviewStarted:
    message: str
    """The interviewer's opening line."""


@frozen
class InterviewReply:
    reply: str


@frozen
class InterviewEnded:
    duration: str


@frozen
class InterviewFeedback:
    feedback: str


def elapsed(start: datetime, end: datetime) -> str:
    """``end - start`` as "HH:MM:SS", whole seconds, within 00:00:00 and
    99:59:59 (what a duration may hold)."""
    span = min(max(end - start, timedelta(0)), MAX_DURATION)
    seconds = int(span.total_seconds())
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _refused(message: str) -> Invalid:
    return Invalid({"interviewId": [message]})


def _locked(uow: UnitOfWork, actor: Actor, interview_id: str) -> Interview:
    """In a write unit of work: lock the caller's row (so that one user's
    writes to an interview run one at a time), then check ownership again —
    the job info may have gone meanwhile."""
    if uow.users.lock_usage(actor.user_id) is None:
        raise Forbidden()
    return owned_interview(uow, actor, interview_id)


class _MockInterviewUseCase(AiUseCase):
    def _turn(self, job_info: JobInfo, transcript: Sequence[TranscriptEntry]) -> str:
        line = self.coach.interviewer_turn(JobContext.of(job_info), transcript).strip()
        if not line:
            raise AiFailed(TURN_FAILED)
        return line

    def _append(
        self, uow: UnitOfWork, interview: Interview, lines: Sequence[tuple[Speaker, str, datetime]]
    ) -> None:
        """Add lines after the last one stored."""
        stored = uow.interview_messages.list_for_interview(interview.id)
        seq = stored[-1].seq if stored else 0
        for speaker, said, at in lines:
            seq += 1
            uow.interview_messages.add(
                InterviewMessage(self.ids.new(), interview.id, seq, speaker, said, at)
            )


class StartInterview(_MockInterviewUseCase):
    """The interviewer's first line. Starting again answers that same line
    and costs nothing; an ended interview cannot start."""

    def __call__(self, actor: Actor, command: MockInterviewRef) -> InterviewStarted:
        with self.storage.unit_of_work() as uow:
            interview, job_info = owned_interview_with_job_info(uow, actor, command.interview_id)
            opening = self._opening(uow, interview)
        if opening is not None:
            return InterviewStarted(opening)
        self.charge_ai("startInterview", actor.user_id)
        line = self._turn(job_info, [])
        now = self.clock.now()
        with self.storage.unit_of_work(write=True) as uow:
            current = _locked(uow, actor, command.interview_id)
            opening = self._opening(uow, current)
            if opening is not None:  # a concurrent start got there first
                return InterviewStarted(opening)
            self._append(uow, current, [(Speaker.INTERVIEWER, line, now)])
            uow.interviews.update(
                evolve(current, started_at=now, updated_at=max(now, current.updated_at))
            )
            uow.commit()
        self.cache.invalidate(interview_tags(current.id, current.job_info_id))
        return InterviewStarted(line)

    @staticmethod
    def _opening(uow: UnitOfWork, interview: Interview) -> str | None:
        """The opening line of a started interview; refuses an ended one."""
        if interview.ended_at is not None:
            raise _refused(ALREADY_ENDED)
        if interview.started_at is None:
            return None
        lines = uow.interview_messages.list_for_interview(interview.id)
        return next((m.text for m in lines if m.speaker is Speaker.INTERVIEWER), None)


class SendInterviewMessage(_MockInterviewUseCase):
    """The candidate says something; the interviewer answers."""

    def __call__(self, actor: Actor, command: InterviewMessageCommand) -> InterviewReply:
        with self.storage.unit_of_work() as uow:
            interview, job_info = owned_interview_with_job_info(uow, actor, command.interview_id)
            _check_running(interview)
            transcript = [m.entry for m in uow.interview_messages.list_for_interview(interview.id)]
        self.charge_ai("sendInterviewMessage", actor.user_id)
        said_at = self.clock.now()
        said = TranscriptEntry(Speaker.CANDIDATE, command.text, said_at)
        reply = self._turn(job_info, [*transcript, said])
        replied_at = max(self.clock.now(), said_at)
        with self.storage.unit_of_work(write=True) as uow:
            current = _locked(uow, actor, command.interview_id)
            _check_running(current)
            self._append(
                uow,
                current,
                [(Speaker.CANDIDATE, command.text, said_at), (Speaker.INTERVIEWER, reply, replied_at)],
            )
            uow.interviews.update(evolve(current, updated_at=max(replied_at, current.updated_at)))
            uow.commit()
        self.cache.invalidate(interview_tags(current.id, current.job_info_id))
        return InterviewReply(reply)


def _check_running(interview: Interview) -> None:
    if interview.ended_at is not None:
        raise _refused(ALREADY_ENDED)
    if interview.started_at is None:
        raise _refused(NOT_STARTED)


class EndInterview:
    """Records when the interview ended and how long it lasted. Ending an
    ended interview answers the duration it was given."""

    def __init__(self, storage: Storage, cache: TagCache, clock: Clock) -> None:
        self.storage = storage
        self.cache = cache
        self.clock = clock

    def __call__(self, actor: Actor, command: MockInterviewRef) -> InterviewEnded:
        now = self.clock.now()
        with self.storage.unit_of_work(write=True) as uow:
            current = _locked(uow, actor, command.interview_id)
            if current.started_at is None:
                raise _refused(NOT_STARTED)
            if current.ended_at is not None:
                return InterviewEnded(current.duration)
            duration = elapsed(current.started_at, now)
            uow.interviews.update(
                evolve(current, ended_at=now, duration=duration, updated_at=max(now, current.updated_at))
            )
            uow.commit()
        self.cache.invalidate(interview_tags(current.id, current.job_info_id))
        return InterviewEnded(duration)


class GenerateInterviewFeedback(_MockInterviewUseCase):
    """The coach's review of the interview, streamed, then kept on it."""

    def __init__(
        self,
        storage: Storage,
        cache: TagCache,
        clock: Clock,
        ids: Ids,
        limiter: RateLimiter,
        coach: Coach,
        transcripts: VoiceTranscripts | None = None,
        bucket: Bucket | None = AI_BUCKET,
    ) -> None:
        super().__init__(storage, cache, clock, ids, limiter, coach, bucket)
        self.transcripts = transcripts

    def __call__(
        self, actor: Actor, command: MockInterviewRef
    ) -> Streaming[InterviewFeedback]:
        with self.storage.unit_of_work() as uow:
            interview, job_info = owned_interview_with_job_info(uow, actor, command.interview_id)
            transcript = [m.entry for m in uow.interview_messages.list_for_interview(interview.id)]
        if not transcript and interview.hume_chat_id and self.transcripts is not None:
            transcript = self.transcripts.transcript(interview.hume_chat_id)
        if not any(e.speaker is Speaker.CANDIDATE and e.text.strip() for e in transcript):
            raise NotCompleted()
        self.charge_ai("generateInterviewFeedback", actor.user_id)
        chunks = self.coach.interview_feedback(JobContext.of(job_info), transcript)
        return Streaming(chunks, lambda feedback: self._store(actor, interview.id, feedback))

    def _store(self, actor: Actor, interview_id: str, feedback: str) -> InterviewFeedback:
        if not feedback.strip():
            raise AiFailed(FEEDBACK_FAILED)
        with self.storage.unit_of_work(write=True) as uow:
            current = _locked(uow, actor, interview_id)
            now = self.clock.now()
            uow.interviews.update(
                evolve(current, feedback=feedback, updated_at=max(now, current.updated_at))
            )
            uow.commit()
        self.cache.invalidate(interview_tags(current.id, current.job_info_id))
        return InterviewFeedback(feedback)


def mock_interview_actions(
    storage: Storage,
    cache: TagCache,
    clock: Clock,
    ids: Ids,
    limiter: RateLimiter,
    coach: Coach,
    transcripts: VoiceTranscripts | None = None,
    ai_bucket: Bucket | None = AI_BUCKET,
) -> list[Action[Any, Any]]:
    deps = (storage, cache, clock, ids, limiter, coach)
    feedback = GenerateInterviewFeedback(*deps, transcripts, ai_bucket)
    return [
        Action("startInterview", MockInterviewRef, InterviewStarted, StartInterview(*deps, ai_bucket),
               summary="Start a text mock interview: the interviewer's opening line "
                       "(AI rate limit applies)"),
        Action("sendInterviewMessage", InterviewMessageCommand, InterviewReply,
               SendInterviewMessage(*deps, ai_bucket),
               summary="Say something in a text mock interview; the interviewer replies "
                       "(AI rate limit applies)"),
        Action("endInterview", MockInterviewRef, InterviewEnded, EndInterview(storage, cache, clock),
               summary="End a text mock interview and record its duration"),
        Action("generateInterviewFeedback", MockInterviewRef, InterviewFeedback, feedback,
               summary="The coach's review of an interview's transcript, streamed, then kept "
                       "on the interview (AI rate limit applies)"),
    ]
