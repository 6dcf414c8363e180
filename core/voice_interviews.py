"""Voice interviews: the candidate's answer spoken rather than typed.

sendInterviewAudio takes a recording of one answer and goes exactly the way
of sendInterviewMessage (``core.text_interviews``: ownership, a running
interview, the AI bucket, the interviewer's reply, one write transaction),
with three steps of its own: the recording is recognised and measured before
anything is charged (a file that is not audio, or is too long, costs no
token); the words come from the speech-to-text service, or from the
browser's own recognition (``text``) when the server has none; and the
candidate's line is stored with its speech metrics, and with the recording
itself when the deployment keeps recordings. A failure anywhere stores
nothing and keeps no recording.

speakInterviewTurn gives the interviewer's latest line a voice, as MP3 from
the deployment's text-to-speech service (the page otherwise lets the browser
speak it).
"""

from __future__ import annotations

import base64
from typing import Any

from attrs import field, validators

from core.domain import Speaker, TranscriptEntry, Upload
from core.errors import Invalid
from core.pipeline import Action, Context
from core.ports import (
    Clock,
    Coach,
    Ids,
    RecordingArchive,
    RecordingReader,
    SpeechSynthesis,
    SpeechToText,
    Storage,
)
from core.rate_limit import ActionLimiter
from core.records import frozen
from core.speech import speech_metrics
from core.text_interviews import reply_and_store, running_transcript
from core.validation import identifier, text

SPOKEN_MAX = 10_000
"""The most text a spoken answer keeps (5 minutes of fast speech is less)."""
NO_SPEECH_TO_TEXT = "This server does not turn speech into text: send the words you said as text"
NOTHING_HEARD = "No words were heard in the recording"
NO_VOICE = "This server gives the interviewer no voice: the browser speaks instead"
NOTHING_SAID = "The interviewer has said nothing yet"
SPEAK_MAX = 4_000
"""The longest line given a voice (OpenAI's speech API takes 4096 characters)."""


@frozen(kw_only=True)
class InterviewAudioCommand:
    interview_id: str = field(validator=identifier)
    audio: Upload
    text: str | None = field(default=None, validator=validators.optional(text(SPOKEN_MAX)))
    """The words, when the browser recognised them itself (a server without
    speech to text); otherwise the server transcribes the recording."""


@frozen(kw_only=True)
class InterviewTurnRef:
    interview_id: str = field(validator=identifier)


@frozen
class SpokenTurn:
    audio: str
    """The interviewer's latest line as MP3, base64-encoded."""
    media_type: str = "audio/mpeg"


@frozen
class InterviewAudioReply:
    text: str
    """The words heard in the recording."""
    reply: str
    """The interviewer's next line."""


@frozen(kw_only=True)
class SendInterviewAudio:
    """The candidate answers aloud; the interviewer replies."""

    storage: Storage
    clock: Clock
    ids: Ids
    limiter: ActionLimiter
    coach: Coach
    recordings: RecordingReader
    speech_to_text: SpeechToText
    recording_archive: RecordingArchive

    def __call__(self, context: Context, command: InterviewAudioCommand) -> InterviewAudioReply:
        actor = context.caller
        job_info, transcript = running_transcript(self.storage, actor, command.interview_id)
        data = command.audio.data
        recording = self.recordings.read(data)
        if command.text is None and not self.speech_to_text.available:
            raise Invalid({"text": [NO_SPEECH_TO_TEXT]})
        self.limiter.charge(actor.user_id)
        if command.text is None:
            words = _clipped(self.speech_to_text.transcribe(data, recording.format))
        else:
            words = command.text.strip()
        if not words:
            raise Invalid({"audio": [NOTHING_HEARD]})
        said = TranscriptEntry(
            Speaker.CANDIDATE, words, self.clock.now(), speech_metrics(recording, words)
        )
        kept = self.recording_archive.keep(command.interview_id, data, recording.format)
        try:
            reply = reply_and_store(
                self.storage, self.clock, self.ids, self.coach, actor, command.interview_id,
                job_info, transcript, said, audio=kept,
            )
        except BaseException:
            if kept is not None:
                self.recording_archive.discard(command.interview_id, kept)
            raise
        return InterviewAudioReply(words, reply)


@frozen(kw_only=True)
class SpeakInterviewTurn:
    """The interviewer's latest line, spoken."""

    storage: Storage
    limiter: ActionLimiter
    speech_synthesis: SpeechSynthesis

    def __call__(self, context: Context, command: InterviewTurnRef) -> SpokenTurn:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            interview, _ = uow.owned_interview(actor, command.interview_id)
            lines = uow.interview_messages.list_for_interview(interview.id)
        said = next((m.text for m in reversed(lines) if m.speaker is Speaker.INTERVIEWER), None)
        if said is None:
            raise Invalid({"interview_id": [NOTHING_SAID]})
        if not self.speech_synthesis.available:
            raise Invalid({"interview_id": [NO_VOICE]})
        self.limiter.charge(actor.user_id)
        audio = self.speech_synthesis.speak(said[:SPEAK_MAX])
        return SpokenTurn(base64.b64encode(audio).decode("ascii"))


def _clipped(words: str) -> str:
    """At most ``SPOKEN_MAX`` characters, cut at a word."""
    words = words.strip()
    if len(words) <= SPOKEN_MAX:
        return words
    return words[:SPOKEN_MAX].rsplit(maxsplit=1)[0]


actions: list[Action[Any, Any]] = [
    Action("sendInterviewAudio", InterviewAudioCommand, InterviewAudioReply, SendInterviewAudio,
           summary="Answer aloud in a mock interview: a recording (WebM/Opus, Ogg/Opus, WAV or "
                   "MP3, at most 10 MB and 5 minutes, sent as multipart/form-data) is "
                   "transcribed and measured (speaking time, words per minute, pauses, fillers); "
                   "the interviewer replies (AI rate limit applies)",
           buckets={"user": "ai"}),
    Action("speakInterviewTurn", InterviewTurnRef, SpokenTurn, SpeakInterviewTurn,
           summary="The interviewer's latest line as MP3 (base64), from the text-to-speech "
                   "service of TTS_BASE_URL (AI rate limit applies)",
           buckets={"user": "ai"}),
]
"""The voice-interview actions."""
