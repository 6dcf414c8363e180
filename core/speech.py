"""A spoken answer: the recording's facts (its format, length and when a
voice was heard in it) and the speech metrics the coach reads from them with
the words that were said — speaking time, words per minute, long pauses and
filler words. Pure values and arithmetic; decoding and voice detection are
the ``RecordingReader`` port's."""

from __future__ import annotations

import enum
import re
from collections import Counter

from attrs import field, validators

from core.records import frozen

AUDIO_MAX_SECONDS = 300.0
"""The longest spoken answer accepted: 5 minutes."""
LONG_PAUSE_SECONDS = 2.0
"""A silence at least this long between two stretches of speech is a long pause."""
MAX_SEGMENTS = 2_000
"""Bounds the voiced stretches a recording may report (5 minutes of speech
cut into 150 ms pieces)."""

FILLERS: tuple[str, ...] = (
    "um", "umm", "uh", "uhm", "uhh", "er", "erm", "ah", "hmm",
    "you know", "i mean", "kind of", "sort of", "basically", "literally",
)
"""Words and phrases that fill a silence rather than say something. Words
such as "like" or "so" are left out: they are fillers only sometimes."""

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_FILLER = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in FILLERS) + r")\b")


class AudioFormat(enum.Enum):
    """The kinds of recording accepted, as recognised from their content."""

    WEBM = "webm"
    """WebM with Opus (Chrome's and Firefox's MediaRecorder)."""
    OGG = "ogg"
    """Ogg with Opus."""
    WAV = "wav"
    """RIFF WAVE with PCM."""
    MP3 = "mp3"

    @property
    def media_type(self) -> str:
        return {"webm": "audio/webm", "ogg": "audio/ogg", "wav": "audio/wav",
                "mp3": "audio/mpeg"}[self.value]


def _segments(
    _: object, __: object, value: tuple[tuple[float, float], ...]
) -> None:
    if len(value) > MAX_SEGMENTS:
        raise ValueError(f"at most {MAX_SEGMENTS} voiced segments")
    last = 0.0
    for start, end in value:
        if not last <= start <= end:
            raise ValueError("voiced segments must be ordered and must not overlap")
        last = end


@frozen
class Recording:
    """What a recording is, from its content: its format, its length and
    the stretches of it in which a voice was heard, as (start, end) seconds
    from its beginning, in order."""

    format: AudioFormat
    duration: float = field(validator=[validators.ge(0.0), validators.le(AUDIO_MAX_SECONDS)])
    voiced: tuple[tuple[float, float], ...] = field(validator=_segments)

    @property
    def speaking_seconds(self) -> float:
        return sum(end - start for start, end in self.voiced)

    @property
    def pauses(self) -> list[float]:
        """The silences between two stretches of speech (not before the
        first or after the last), in order."""
        return [b[0] - a[1] for a, b in zip(self.voiced, self.voiced[1:], strict=False)]


@frozen
class Filler:
    word: str
    count: int


@frozen
class SpeechMetrics:
    """How a candidate's spoken answer sounded, kept with their turn."""

    audio_seconds: float
    """The length of the recording."""
    speaking_seconds: float
    """How long a voice was heard."""
    response_delay_seconds: float
    """The silence before the first word."""
    words: int
    words_per_minute: float | None
    """Words said per minute of speaking time; None when no voice was heard
    or no word was said."""
    long_pauses: list[float]
    """Each silence of at least ``LONG_PAUSE_SECONDS`` between two stretches
    of speech, in seconds, in order."""
    filler_words: int
    fillers: list[Filler]
    """Each filler said, with how many times, most frequent first."""

    @property
    def longest_pause_seconds(self) -> float:
        return max(self.long_pauses, default=0.0)


def speech_metrics(recording: Recording, text: str) -> SpeechMetrics:
    """The metrics of an answer: ``recording`` for when the voice was
    heard, ``text`` (its transcript) for the words."""
    lowered = text.lower()
    words = len(_WORD.findall(lowered))
    speaking = recording.speaking_seconds
    counted = Counter(match.group(0) for match in _FILLER.finditer(lowered))
    return SpeechMetrics(
        audio_seconds=round(recording.duration, 2),
        speaking_seconds=round(speaking, 2),
        response_delay_seconds=round(recording.voiced[0][0] if recording.voiced else 0.0, 2),
        words=words,
        words_per_minute=round(words / speaking * 60, 1) if speaking > 0 and words else None,
        long_pauses=[round(p, 2) for p in recording.pauses if p >= LONG_PAUSE_SECONDS],
        filler_words=sum(counted.values()),
        fillers=[Filler(word, n) for word, n in sorted(counted.items(), key=lambda i: (-i[1], i[0]))],
    )
