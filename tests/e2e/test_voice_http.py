"""Spoken answers over HTTP against a real server (KEEP_AUDIO=1) whose speech
to text is a fake transcription server on 127.0.0.1: a recording spoken by
espeak-ng in every accepted format is transcribed, measured and kept; a file
that only claims to be audio, an oversized one and a too-long one are refused
with their own codes and change nothing; a failing transcription service is
AI_FAILED and keeps nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from core.domain import UPLOAD_MAX_BYTES
from tests.audio_files import ESPEAK, FORMATS, RATE, encoded, silence, spoken
from tests.e2e.browser import unavailable
from tests.e2e.conftest import Account, Server, act, envelope, running_server, sign_up
from tests.fake_speech import FakeSpeech, Status

JOB = {"name": "Voice", "title": None, "experienceLevel": "junior", "description": "Python and SQL."}
WORDS = "I wrote my first Python service at university and, um, kept going."


@pytest.fixture(scope="module")
def answer() -> np.ndarray:
    if ESPEAK is None:
        unavailable("espeak-ng is missing (apt-get install espeak-ng)")
    return np.concatenate([silence(0.3), spoken(WORDS), silence(0.3)])


@pytest.fixture(scope="module")
def speech() -> Iterator[FakeSpeech]:
    with FakeSpeech(texts=[WORDS]) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, speech: FakeSpeech) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("instance-voice-http"), STT_BASE_URL=speech.base_url,
                        KEEP_AUDIO="1") as running:
        yield running


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def running_interview(http: httpx.Client) -> tuple[Account, str]:
    account = sign_up(http)
    job_id = envelope(act(http, account, "createJobInfo", JOB))["id"]
    interview_id = envelope(act(http, account, "createInterview", {"jobInfoId": job_id}))["id"]
    envelope(act(http, account, "startInterview", {"interviewId": interview_id}))
    return account, interview_id


def send(http: httpx.Client, account: Account, interview_id: str, audio: bytes, name: str) -> httpx.Response:
    return http.post("/actions/sendInterviewAudio", headers=account.bearer,
                     data={"interviewId": interview_id}, files={"audio": (name, audio, "audio/webm")})


def transcript(http: httpx.Client, account: Account, interview_id: str) -> list[dict]:
    return envelope(act(http, account, "getInterview", {"id": interview_id}))["interview"]["transcript"]


def test_a_spoken_answer_in_every_format_is_heard_measured_and_kept(
    http: httpx.Client, server: Server, answer: np.ndarray
) -> None:
    account, interview_id = running_interview(http)
    for fmt in FORMATS:
        body = envelope(send(http, account, interview_id, encoded(answer, fmt), f"answer.{fmt}"))
        assert body["text"] == WORDS and body["reply"].strip()

    lines = transcript(http, account, interview_id)
    spoken_lines = [line for line in lines if line["speaker"] == "candidate"]
    assert len(spoken_lines) == len(FORMATS)
    for line in spoken_lines:
        speech = line["speech"]
        assert speech["audioSeconds"] == pytest.approx(len(answer) / RATE, abs=0.1)
        assert speech["words"] == 12
        assert 100 < speech["wordsPerMinute"] < 240  # espeak-ng speaks at about 160
        assert speech["fillerWords"] == 1 and speech["fillers"] == [{"word": "um", "count": 1}]
    kept = sorted(p.suffix for p in (server.log.parent / "audio" / interview_id).iterdir())
    assert kept == sorted(f".{fmt}" for fmt in FORMATS)


def test_what_is_not_a_usable_recording_is_refused_and_changes_nothing(
    http: httpx.Client, speech: FakeSpeech, answer: np.ndarray
) -> None:
    account, interview_id = running_interview(http)
    asked = len(speech.requests)

    claims = send(http, account, interview_id, b"RIFF\x00\x00\x00\x00WAVE but not really", "answer.wav")
    assert envelope(claims, 415, "UNSUPPORTED_MEDIA")["message"] == (
        "Please record WebM/Opus, Ogg/Opus, WAV or MP3 audio"
    )
    oversized = encoded(silence(UPLOAD_MAX_BYTES / 2 / RATE + 1), "wav")
    envelope(send(http, account, interview_id, oversized, "answer.wav"), 413, "PAYLOAD_TOO_LARGE")
    too_long = encoded(np.concatenate([answer, silence(300.0)]), "ogg")
    refused = envelope(send(http, account, interview_id, too_long, "answer.ogg"), 422, "VALIDATION")
    assert refused["fieldErrors"] == {"audio": ["A spoken answer may be at most 5 minutes long"]}

    assert len(speech.requests) == asked  # none reached the transcription service
    assert len(transcript(http, account, interview_id)) == 1


def test_a_failing_transcription_service_is_ai_failed_and_keeps_nothing(
    http: httpx.Client, server: Server, speech: FakeSpeech, answer: np.ndarray
) -> None:
    account, interview_id = running_interview(http)
    speech.script(Status(503), Status(503), Status(503))

    failed = send(http, account, interview_id, encoded(answer, "webm"), "answer.webm")

    assert envelope(failed, 502, "AI_FAILED")["message"] == "Failed to transcribe the recording"
    assert len(transcript(http, account, interview_id)) == 1
    assert not (server.log.parent / "audio" / interview_id).exists()
