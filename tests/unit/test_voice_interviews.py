"""The spoken answer on the fakes, with real recordings (tones and silences
encoded as files) and the real offline interviewer: transcribed, measured and
stored with the candidate's line like a typed answer; the same rules as
sendInterviewMessage (a running interview of the caller's, the AI bucket);
anything that is not audio costs no token; the browser's words when the
server has no speech to text; and nothing stored, nor any recording kept,
when a step fails. The interviewer's latest line given a voice."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest

from adapters.fakes.coach import FailingCoach
from adapters.fakes.speech import FakeSpeechSynthesis, FakeSpeechToText
from adapters.speech.archive import FolderRecordings
from core.domain import Bucket, Speaker, Upload
from core.errors import ErrorCode, Failure
from core.text_interviews import ALREADY_ENDED, NOT_STARTED
from core.voice_interviews import NO_SPEECH_TO_TEXT, NO_VOICE, NOTHING_HEARD, NOTHING_SAID
from tests.audio_files import encoded, silence, tone
from tests.conftest import FORBIDDEN, ai_failed, invalid, ok, rate_limited
from tests.unit.app_on_fakes import FakeApp

JOB = {"name": "Backend", "title": "Python Engineer", "experienceLevel": "mid-level",
       "description": "Python services on PostgreSQL."}
WORDS = "I built a billing service in Python, um, and tuned its PostgreSQL queries."  # 13 words
ANSWER = encoded(np.concatenate([silence(0.5), tone(2.0), silence(3.0), tone(2.0), silence(0.5)]), "webm")


def started(app: FakeApp, actor) -> str:
    app.set_plan(actor, "pro")
    job_id = ok(app.run("createJobInfo", actor, JOB)).id
    interview_id = ok(app.run("createInterview", actor, {"jobInfoId": job_id})).id
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    return interview_id


def speak(app: FakeApp, actor, interview_id: str, audio: bytes = ANSWER, **extra: str):
    return app.run("sendInterviewAudio", actor,
                   {"interviewId": interview_id, "audio": Upload(audio, "answer.webm"), **extra})


def transcript(app: FakeApp, actor, interview_id: str):
    return ok(app.run("getInterview", actor, {"id": interview_id})).interview.transcript


def test_a_spoken_answer_is_transcribed_measured_and_answered():
    stt = FakeSpeechToText([WORDS])
    app = FakeApp(speech_to_text=stt)
    actor = app.user()
    interview_id = started(app, actor)
    app.clock.advance(20)

    answered = ok(speak(app, actor, interview_id))

    assert answered.text == WORDS
    assert answered.reply.strip()
    lines = transcript(app, actor, interview_id)
    assert [line.speaker for line in lines] == [Speaker.INTERVIEWER, Speaker.CANDIDATE, Speaker.INTERVIEWER]
    said = lines[1]
    assert (said.text, said.at) == (WORDS, app.clock.now())
    assert lines[2].text == answered.reply
    speech = said.speech
    assert speech is not None
    assert speech.audio_seconds == pytest.approx(8.0, abs=0.05)
    assert speech.speaking_seconds == pytest.approx(4.0, rel=0.05)
    assert speech.response_delay_seconds == pytest.approx(0.5, abs=0.05)
    assert len(speech.long_pauses) == 1 and speech.long_pauses[0] == pytest.approx(3.0, rel=0.05)
    assert speech.words == 13
    assert speech.words_per_minute == pytest.approx(13 / 4.0 * 60, rel=0.05)
    assert speech.filler_words == 1
    assert lines[2].speech is None
    assert stt.heard == [(len(ANSWER), stt.heard[0][1])] and stt.heard[0][1].value == "webm"
    with app.storage.unit_of_work() as uow:
        assert [m.audio for m in uow.interview_messages.list_for_interview(interview_id)] == [None] * 3


def test_spoken_answers_follow_the_text_interviews_rules_and_cost_nothing_when_refused():
    stt = FakeSpeechToText([WORDS])
    app = FakeApp(speech_to_text=stt, ai_bucket=Bucket(capacity=1, refill=1, interval=3600))
    actor, other = app.user(), app.user("other")
    app.set_plan(actor, "pro")
    job_id = ok(app.run("createJobInfo", actor, JOB)).id
    interview_id = ok(app.run("createInterview", actor, {"jobInfoId": job_id})).id

    assert speak(app, actor, interview_id) == invalid(interview_id=[NOT_STARTED])
    ok(app.run("startInterview", actor, {"interviewId": interview_id}))
    assert speak(app, other, interview_id) == FORBIDDEN
    assert speak(app, actor, "no-such-interview") == FORBIDDEN
    not_audio = speak(app, actor, interview_id, b"I am a WAV file, honest")
    assert isinstance(not_audio, Failure) and not_audio.code is ErrorCode.UNSUPPORTED_MEDIA
    assert stt.heard == []

    ok(speak(app, actor, interview_id))  # the one token
    assert speak(app, actor, interview_id) == rate_limited(3600)
    ok(app.run("endInterview", actor, {"interviewId": interview_id}))
    assert speak(app, actor, interview_id) == invalid(interview_id=[ALREADY_ENDED])
    assert len(stt.heard) == 1
    assert len(transcript(app, actor, interview_id)) == 3


def test_without_speech_to_text_the_browsers_words_are_measured_and_kept():
    app = FakeApp()  # NoTranscription: the default
    actor = app.user()
    interview_id = started(app, actor)

    assert speak(app, actor, interview_id) == invalid(text=[NO_SPEECH_TO_TEXT])
    answered = ok(speak(app, actor, interview_id, text="  Hello, I am Ada.  "))

    assert answered.text == "Hello, I am Ada."
    said = transcript(app, actor, interview_id)[1]
    assert said.text == "Hello, I am Ada."
    assert said.speech is not None and said.speech.words == 4
    assert said.speech.speaking_seconds == pytest.approx(4.0, rel=0.05)


def test_a_recording_in_which_nothing_was_heard_is_refused():
    app = FakeApp(speech_to_text=FakeSpeechToText(["   "]))
    actor = app.user()
    interview_id = started(app, actor)

    assert speak(app, actor, interview_id) == invalid(audio=[NOTHING_HEARD])
    assert len(transcript(app, actor, interview_id)) == 1


def test_kept_recordings_live_under_a_generated_name_and_go_with_the_job_info(tmp_path: Path):
    archive = FolderRecordings(tmp_path)
    app = FakeApp(speech_to_text=FakeSpeechToText([WORDS]), recording_archive=archive)
    actor = app.user()
    interview_id = started(app, actor)

    ok(speak(app, actor, interview_id))

    with app.storage.unit_of_work() as uow:
        name = uow.interview_messages.list_for_interview(interview_id)[1].audio
    assert name is not None and name.endswith(".webm") and "answer" not in name
    assert (tmp_path / interview_id / name).read_bytes() == ANSWER
    job_id = ok(app.run("getInterview", actor, {"id": interview_id})).interview.job_info_id
    ok(app.run("deleteJobInfo", actor, {"id": job_id}))
    assert not (tmp_path / interview_id).exists()


@pytest.mark.parametrize("broken", ["speech to text", "interviewer"])
def test_a_failure_stores_nothing_and_keeps_no_recording(tmp_path: Path, broken: str):
    app = FakeApp(speech_to_text=FakeSpeechToText([WORDS]))
    actor = app.user()
    interview_id = started(app, actor)
    failing = FakeApp(
        storage=app.storage, cache=app.cache, clock=app.clock, ids=app.ids,
        coach=FailingCoach() if broken == "interviewer" else app.coach,
        speech_to_text=FakeSpeechToText(failing=broken == "speech to text"),
        recording_archive=FolderRecordings(tmp_path),
    )

    answered = speak(failing, actor, interview_id)

    assert answered == ai_failed("Failed to transcribe the recording" if broken == "speech to text"
                                 else "Failed to generate the interviewer's reply")
    assert len(transcript(app, actor, interview_id)) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_interviewers_latest_line_is_given_a_voice():
    voice = FakeSpeechSynthesis()
    app = FakeApp(speech_to_text=FakeSpeechToText([WORDS]), speech_synthesis=voice,
                  ai_bucket=Bucket(capacity=3, refill=3, interval=3600))
    actor, other = app.user(), app.user("other")
    app.set_plan(actor, "pro")
    job_id = ok(app.run("createJobInfo", actor, JOB)).id
    interview_id = ok(app.run("createInterview", actor, {"jobInfoId": job_id})).id
    ref = {"interviewId": interview_id}

    assert app.run("speakInterviewTurn", actor, ref) == invalid(interview_id=[NOTHING_SAID])
    opening = ok(app.run("startInterview", actor, ref)).message
    spoken = ok(app.run("speakInterviewTurn", actor, ref))
    assert (base64.b64decode(spoken.audio), spoken.media_type) == (b"ID3" + opening.encode(), "audio/mpeg")
    reply = ok(speak(app, actor, interview_id)).reply
    assert base64.b64decode(ok(app.run("speakInterviewTurn", actor, ref)).audio) == b"ID3" + reply.encode()
    assert app.run("speakInterviewTurn", other, ref) == FORBIDDEN
    assert voice.spoken == [opening, reply]


def test_without_a_voice_service_the_browser_speaks():
    app = FakeApp()
    actor = app.user()
    interview_id = started(app, actor)

    assert app.run("speakInterviewTurn", actor, {"interviewId": interview_id}) == invalid(
        interview_id=[NO_VOICE]
    )
