"""The OpenAI-compatible text-to-speech adapter against a fake speech server
on 127.0.0.1: what it sends, retries, and answers that are not audio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.speech.synthesis import AUDIO_MAX_BYTES, NoSpeech, OpenAiSpeech
from core.errors import AiFailed
from tests.fake_speech import FakeSpeech, Malformed, Slow, Status


@pytest.fixture
def fake() -> Iterator[FakeSpeech]:
    with FakeSpeech() as server:
        yield server


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def tts(fake: FakeSpeech, waits: list[float]) -> Iterator[OpenAiSpeech]:
    client = OpenAiSpeech(fake.base_url, "tts-key", "tts-1", "alloy", timeout=0.5, backoff=0.01,
                          sleep=waits.append)
    yield client
    client.close()


def test_a_line_is_spoken_as_mp3(fake: FakeSpeech, tts: OpenAiSpeech) -> None:
    assert tts.speak("Tell me about a hard bug.") == fake.voice

    (asked,) = fake.spoken
    assert asked.body == {"model": "tts-1", "input": "Tell me about a hard bug.", "voice": "alloy",
                          "response_format": "mp3"}
    assert asked.authorization == "Bearer tts-key"


def test_busy_then_slow_then_fine_is_retried(
    fake: FakeSpeech, tts: OpenAiSpeech, waits: list[float]
) -> None:
    fake.script(Status(429), Slow(1.5))

    assert tts.speak("Hello") == fake.voice
    assert len(waits) == 2


@pytest.mark.parametrize("answer", [Malformed('{"audio": "nope"}'), Status(400)], ids=["not-audio", "refused"])
def test_an_answer_that_is_not_audio_is_ai_failed(fake: FakeSpeech, tts: OpenAiSpeech, answer: object) -> None:
    fake.script(answer)  # type: ignore[arg-type]

    with pytest.raises(AiFailed, match="^Failed to give the interviewer a voice$"):
        tts.speak("Hello")
    assert len(fake.spoken) == 1


def test_too_much_audio_is_ai_failed(fake: FakeSpeech, tts: OpenAiSpeech) -> None:
    fake.voice = b"ID3" + bytes(AUDIO_MAX_BYTES)

    with pytest.raises(AiFailed):
        tts.speak("Hello")


def test_without_a_service_the_browser_speaks() -> None:
    assert NoSpeech().available is False
    with pytest.raises(AiFailed):
        NoSpeech().speak("Hello")
