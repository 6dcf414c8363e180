"""Speech without a service. Speech to text: each recording is "heard" as the next
of the texts given (the last one again once they run out), and every call is
recorded; or every call fails, as a broken service would. Text to speech: a
line "spoken" as bytes that say it."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import AiFailed
from core.speech import AudioFormat


class FakeSpeechToText:
    def __init__(self, texts: Sequence[str] = ("I have built APIs in Python for six years.",),
                 *, failing: bool = False) -> None:
        self.texts = list(texts)
        self.failing = failing
        self.heard: list[tuple[int, AudioFormat]] = []
        """The size and format of each recording transcribed."""

    @property
    def available(self) -> bool:
        return True

    def transcribe(self, data: bytes, audio_format: AudioFormat) -> str:
        self.heard.append((len(data), audio_format))
        if self.failing:
            raise AiFailed("Failed to transcribe the recording")
        return self.texts[min(len(self.heard), len(self.texts)) - 1]


class FakeSpeechSynthesis:
    """A voice that "speaks" a line as ``ID3`` and the line's bytes, recording
    every line it was given."""

    def __init__(self) -> None:
        self.spoken: list[str] = []

    @property
    def available(self) -> bool:
        return True

    def speak(self, text: str) -> bytes:
        self.spoken.append(text)
        return b"ID3" + text.encode()
