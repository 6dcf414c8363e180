"""Text interviews: the mock interview typed rather than spoken, and the
coach's feedback on an interview (typed or, read from the voice service,
spoken).

startInterview has the interviewer open the conversation, sendInterviewMessage
stores the candidate's line and the interviewer's reply (each with the
clock's time and the next sequence number) — the steps every way of
answering shares, ``running_transcript`` and ``reply_and_store``, serve the
spoken answer of ``core.voice_interviews`` too — endInterview records the
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

from attrs import evolve, field

from core.domain import Actor, Interview, InterviewMessage, JobContext, JobInfo, Speaker, TranscriptEntry
from core.errors import AiFailed, Forbidden, Invalid, NotCompleted
from core.pipeline import Action, Context, Streaming
from core.ports import Clock, Coach, Ids, Storage, UnitOfWork, VoiceTranscripts
from core.rate_limit import ActionLimiter
from core.records import frozen
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
    text: str = field(validator=text(MESSAGE_MAX, multiline=True))


@frozen(kw_only=True)
class TextInterviewRef:
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
    return Invalid({"interview_id": [message]})


def _locked(uow: UnitOfWork, actor: Actor, interview_id: str) -> Interview:
    """In a write unit of work: lock the caller's row (so that one user's
    writes to an interview run one at a time), then check ownership again —
    the job info may have gone meanwhile."""
    if uow.users.lock_usage(actor.user_id) is None:
        raise Forbidden()
    return uow.owned_interview(actor, interview_id)[0]


def _turn(coach: Coach, job_info: JobInfo, transcript: Sequence[TranscriptEntry]) -> str:
    """The interviewer's next line; ``AiFailed`` when the coach says nothing."""
    line = coach.interviewer_turn(JobContext.of(job_info), transcript).strip()
    if not line:
        raise AiFailed(TURN_FAILED)
    return line


def _append(
    uow: UnitOfWork, ids: Ids, interview: Interview, lines: Sequence[TranscriptEntry],
    audio: str | None = None,
) -> None:
    """Add lines after the last one stored; ``audio`` names the kept
    recording of the candidate's line, if any."""
    stored = uow.interview_messages.list_for_interview(interview.id)
    seq = stored[-1].seq if stored else 0
    for entry in lines:
        seq += 1
        kept = audio if entry.speaker is Speaker.CANDIDATE else None
        uow.interview_messages.add(InterviewMessage(
            ids.new(), interview.id, seq, entry.speaker, entry.text, entry.at, entry.speech, kept
        ))


def _check_running(interview: Interview) -> None:
    if interview.ended_at is not None:
        raise _refused(ALREADY_ENDED)
    if interview.started_at is None:
        raise _refused(NOT_STARTED)


# --- use cases --------------------------------------------------------------


@frozen(kw_only=True)
class StartInterview:
    """The interviewer's first line. Starting again answers that same line
    and costs nothing; an ended interview cannot start."""

    storage: Storage
    clock: Clock
    ids: Ids
    limiter: ActionLimiter
    coach: Coach

    def __call__(self, context: Context, command: TextInterviewRef) -> InterviewStarted:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            interview, job_info = uow.owned_interview(actor, command.interview_id)
            opening = self._opening(uow, interview)
        if opening is not None:
            return InterviewStarted(opening)
        self.limiter.charge(actor.user_id)
        line = _turn(self.coach, job_info, [])
        now = self.clock.now()
        with self.storage.unit_of_work(write=True) as uow:
            current = _locked(uow, actor, command.interview_id)
            opening = self._opening(uow, current)
            if opening is not None:  # a concurrent start got there first
                return InterviewStarted(opening)
            _append(uow, self.ids, current, [TranscriptEntry(Speaker.INTERVIEWER, line, now)])
            uow.interviews.update(
                evolve(current, started_at=now, updated_at=max(now, current.updated_at))
            )
            uow.commit()
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


@frozen(kw_only=True)
class SendInterviewMessage:
    """The candidate says something; the interviewer answers."""

    storage: Storage
    clock: Clock
    ids: Ids
    limiter: ActionLimiter
    coach: Coach

    def __call__(self, context: Context, command: InterviewMessageCommand) -> InterviewReply:
        actor = context.caller
        job_info, transcript = running_transcript(self.storage, actor, command.interview_id)
        self.limiter.charge(actor.user_id)
        said = TranscriptEntry(Speaker.CANDIDATE, command.text, self.clock.now())
        return InterviewReply(reply_and_store(
            self.storage, self.clock, self.ids, self.coach, actor, command.interview_id,
            job_info, transcript, said,
        ))


def running_transcript(
    storage: Storage, actor: Actor, interview_id: str
) -> tuple[JobInfo, list[TranscriptEntry]]:
    """The job info and the transcript so far of the caller's interview,
    which must be running. What every way of answering reads first."""
    with storage.unit_of_work() as uow:
        interview, job_info = uow.owned_interview(actor, interview_id)
        _check_running(interview)
        transcript = [m.entry for m in uow.interview_messages.list_for_interview(interview.id)]
    return job_info, transcript


def reply_and_store(
    storage: Storage, clock: Clock, ids: Ids, coach: Coach, actor: Actor, interview_id: str,
    job_info: JobInfo, transcript: Sequence[TranscriptEntry], said: TranscriptEntry,
    *, audio: str | None = None,
) -> str:
    """The interviewer's reply to the candidate's line ``said``, both stored
    in one transaction that checks again that the interview is the caller's
    and still running; ``audio`` names the line's kept recording. What every
    way of answering ends with."""
    reply = _turn(coach, job_info, [*transcript, said])
    replied_at = max(clock.now(), said.at)
    with storage.unit_of_work(write=True) as uow:
        current = _locked(uow, actor, interview_id)
        _check_running(current)
        _append(uow, ids, current, [said, TranscriptEntry(Speaker.INTERVIEWER, reply, replied_at)], audio)
        uow.interviews.update(evolve(current, updated_at=max(replied_at, current.updated_at)))
        uow.commit()
    return reply


@frozen(kw_only=True)
class EndInterview:
    """Records when the interview ended and how long it lasted. Ending an
    ended interview answers the duration it was given."""

    storage: Storage
    clock: Clock

    def __call__(self, context: Context, command: TextInterviewRef) -> InterviewEnded:
        now = self.clock.now()
        with self.storage.unit_of_work(write=True) as uow:
            current = _locked(uow, context.caller, command.interview_id)
            if current.started_at is None:
                raise _refused(NOT_STARTED)
            if current.ended_at is not None:
                return InterviewEnded(current.duration)
            duration = elapsed(current.started_at, now)
            uow.interviews.update(
                evolve(current, ended_at=now, duration=duration, updated_at=max(now, current.updated_at))
            )
            uow.commit()
        return InterviewEnded(duration)


@frozen(kw_only=True)
class GenerateInterviewFeedback:
    """The coach's review of the interview, streamed, then kept on it. A
    voice interview (one with a voice chat and no text transcript) is
    reviewed from the voice service's transcript, when there is one."""

    storage: Storage
    clock: Clock
    limiter: ActionLimiter
    coach: Coach
    transcripts: VoiceTranscripts | None

    def __call__(self, context: Context, command: TextInterviewRef) -> Streaming[InterviewFeedback]:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            interview, job_info = uow.owned_interview(actor, command.interview_id)
            transcript = [m.entry for m in uow.interview_messages.list_for_interview(interview.id)]
        if not transcript and interview.hume_chat_id and self.transcripts is not None:
            transcript = self.transcripts.transcript(interview.hume_chat_id)
        if not any(e.speaker is Speaker.CANDIDATE and e.text.strip() for e in transcript):
            raise NotCompleted()
        self.limiter.charge(actor.user_id)
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
        return InterviewFeedback(feedback)


actions: list[Action[Any, Any]] = [
    Action("startInterview", TextInterviewRef, InterviewStarted, StartInterview,
           summary="Start a text mock interview: the interviewer's opening line "
                   "(AI rate limit applies)",
           buckets={"user": "ai"}),
    Action("sendInterviewMessage", InterviewMessageCommand, InterviewReply, SendInterviewMessage,
           summary="Say something in a text mock interview; the interviewer replies "
                   "(AI rate limit applies)",
           buckets={"user": "ai"}),
    Action("endInterview", TextInterviewRef, InterviewEnded, EndInterview,
           summary="End a text mock interview and record its duration"),
    Action("generateInterviewFeedback", TextInterviewRef, InterviewFeedback, GenerateInterviewFeedback,
           summary="The coach's review of an interview's transcript, streamed, then kept "
                   "on the interview (AI rate limit applies)",
           buckets={"user": "ai"}),
]
"""The text-interview actions, in the order the API lists them."""
