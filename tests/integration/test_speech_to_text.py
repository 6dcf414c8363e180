"""The OpenAI-compatible speech-to-text adapter against a fake transcription
server on 127.0.0.1 that misbehaves on purpose: slow, 500, 429 then success,
malformed answers; and the "none" adapter."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from adapters.speech.transcription import NoTranscription, OpenAiTranscription
from core.errors import AiFailed
from core.speech import AudioFormat
from tests.audio_files import encoded, tone
from tests.fake_speech import FakeSpeech, Malformed, Slow, Status

WAV = encoded(tone(0.5), "wav")


@pytest.fixture
def fake() -> Iterator[FakeSpeech]:
    with FakeSpeech(texts=["First answer.", "Second answer."]) as server:
        yield server


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def stt(fake: FakeSpeech, waits: list[float]) -> Iterator[OpenAiTranscription]:
    client = OpenAiTranscription(
        fake.base_url, "stt-key", "whisper-1", timeout=0.5, backoff=0.01, sleep=waits.append
    )
    yield client
    client.close()


def test_a_recording_is_sent_as_a_file_with_the_model_and_key(
    fake: FakeSpeech, stt: OpenAiTranscription
) -> None:
    assert stt.transcribe(WAV, AudioFormat.WAV) == "First answer."
    assert stt.transcribe(b"OggS...", AudioFormat.OGG) == "Second answer."

    first, second = fake.requests
    assert (first.model, first.filename, first.content_type) == ("whisper-1", "answer.wav", "audio/wav")
    assert first.size == len(WAV)
    assert first.authorization == "Bearer stt-key"
    assert (second.filename, second.content_type) == ("answer.ogg", "audio/ogg")


def test_a_bare_server_address_gets_v1_and_no_key_sends_no_header(fake: FakeSpeech) -> None:
    client = OpenAiTranscription(fake.base_url.removesuffix("/v1"), None, "whisper-1")

    assert client.transcribe(WAV, AudioFormat.WAV) == "First answer."
    assert fake.requests[0].authorization is None
    client.close()


def test_too_many_requests_then_success_waits_as_told(
    fake: FakeSpeech, stt: OpenAiTranscription, waits: list[float]
) -> None:
    fake.script(Status(429, {"Retry-After": "2"}), Status(503))

    assert stt.transcribe(WAV, AudioFormat.WAV) == "First answer."
    assert len(fake.requests) == 3
    assert waits == [2.0, 0.02]


def test_a_server_that_keeps_failing_is_ai_failed(
    fake: FakeSpeech, stt: OpenAiTranscription, waits: list[float]
) -> None:
    fake.script(Status(500), Status(500), Status(500), Status(500))

    with pytest.raises(AiFailed, match="^Failed to transcribe the recording$"):
        stt.transcribe(WAV, AudioFormat.WAV)
    assert len(fake.requests) == 3  # the first try and two retries
    assert waits == [0.01, 0.02]


def test_a_slow_server_times_out_and_is_retried(fake: FakeSpeech, stt: OpenAiTranscription) -> None:
    fake.script(Slow(1.5))

    assert stt.transcribe(WAV, AudioFormat.WAV) in ("First answer.", "Second answer.")
    assert len(fake.requests) == 2


def test_a_server_too_slow_every_time_is_ai_failed(fake: FakeSpeech, stt: OpenAiTranscription) -> None:
    fake.script(Slow(1.5), Slow(1.5), Slow(1.5))

    with pytest.raises(AiFailed):
        stt.transcribe(WAV, AudioFormat.WAV)


@pytest.mark.parametrize(
    "body", ["<html>oops</html>", '{"text": 7}', '{"transcript": "hi"}', '["text"]', "null"],
    ids=["not-json", "text-not-a-string", "no-text", "a-list", "null"],
)
def test_a_malformed_answer_is_ai_failed_and_not_retried(
    fake: FakeSpeech, stt: OpenAiTranscription, body: str
) -> None:
    fake.script(Malformed(body))

    with pytest.raises(AiFailed, match="^Failed to transcribe the recording$"):
        stt.transcribe(WAV, AudioFormat.WAV)
    assert len(fake.requests) == 1


def test_a_refused_request_is_not_retried(fake: FakeSpeech, stt: OpenAiTranscription) -> None:
    fake.script(Status(401))

    with pytest.raises(AiFailed):
        stt.transcribe(WAV, AudioFormat.WAV)
    assert len(fake.requests) == 1


def test_an_unreachable_server_is_ai_failed(waits: list[float]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = OpenAiTranscription(f"http://127.0.0.1:{port}/v1", None, "m", sleep=waits.append)

    with pytest.raises(AiFailed):
        client.transcribe(WAV, AudioFormat.WAV)
    assert len(waits) == 2


def test_without_a_service_nothing_is_transcribed() -> None:
    none = NoTranscription()

    assert none.available is False
    with pytest.raises(AiFailed, match="not set up"):
        none.transcribe(WAV, AudioFormat.WAV)
