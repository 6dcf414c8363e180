"""Speech metrics on synthetic audio: tones and silences of known lengths
go through the voice-activity detector, and the metrics count words,
pauses and fillers as a coach would read them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.speech.activity import voiced_segments
from core.speech import AudioFormat, Filler, Recording, speech_metrics
from tests.audio_files import RATE, silence, tone


def within(actual: float, expected: float, share: float = 0.05) -> bool:
    return abs(actual - expected) <= share * expected


def layout(parts: list[tuple[str, float]], *, noise_db: float | None = None) -> np.ndarray:
    signal = np.concatenate([tone(s) if kind == "tone" else silence(s) for kind, s in parts])
    if noise_db is not None:  # a quiet room: hiss under everything
        rng = np.random.default_rng(7)
        signal = signal + rng.normal(0, 10 ** (noise_db / 20), len(signal)).astype(np.float32)
    return signal


def recording_of(signal: np.ndarray) -> Recording:
    return Recording(AudioFormat.WAV, len(signal) / RATE, voiced_segments(signal, RATE))


@pytest.mark.parametrize("noise_db", [None, -60.0, -45.0], ids=["digital-silence", "quiet-room", "hiss"])
def test_speaking_time_and_pauses_match_a_known_layout(noise_db: float | None) -> None:
    signal = layout(
        [("silence", 1.0), ("tone", 2.0), ("silence", 3.0), ("tone", 1.5), ("silence", 0.5),
         ("tone", 1.0), ("silence", 2.5), ("tone", 4.0), ("silence", 1.0)],
        noise_db=noise_db,
    )

    metrics = speech_metrics(recording_of(signal), "one two three four five six seven eight nine ten")

    assert metrics.audio_seconds == 16.5
    assert within(metrics.speaking_seconds, 8.5)
    assert within(metrics.response_delay_seconds, 1.0)
    assert len(metrics.long_pauses) == 2
    assert within(metrics.long_pauses[0], 3.0)
    assert within(metrics.long_pauses[1], 2.5)
    assert within(metrics.longest_pause_seconds, 3.0)
    assert metrics.words == 10
    assert metrics.words_per_minute is not None
    assert within(metrics.words_per_minute, 10 / 8.5 * 60)


def test_a_steady_tone_is_all_speech_and_silence_is_none() -> None:
    steady = recording_of(tone(5.0))
    quiet = recording_of(silence(5.0))

    assert within(steady.speaking_seconds, 5.0)
    assert steady.pauses == []
    assert quiet.voiced == ()
    assert speech_metrics(quiet, "").words_per_minute is None
    assert speech_metrics(quiet, "words heard by a confused service").words_per_minute is None


def test_short_gaps_between_words_are_speaking_and_clicks_are_not() -> None:
    signal = layout([("tone", 1.0), ("silence", 0.2), ("tone", 1.0), ("silence", 2.0),
                     ("tone", 0.04), ("silence", 2.0)])

    recording = recording_of(signal)

    assert len(recording.voiced) == 1
    assert within(recording.speaking_seconds, 2.2)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 4.0), st.floats(0.5, 4.0)), min_size=1, max_size=6))
def test_any_layout_of_tones_and_silences_is_measured_within_five_percent(
    pairs: list[tuple[float, float]],
) -> None:
    parts = [p for spoken, quiet in pairs for p in (("tone", spoken), ("silence", quiet))]

    recording = recording_of(layout(parts))

    assert within(recording.speaking_seconds, sum(s for s, _ in pairs))
    assert len(recording.voiced) == len(pairs)
    for measured, (_, quiet) in zip(recording.pauses, pairs, strict=False):
        assert within(measured, quiet, 0.05)


def test_filler_words_and_phrases_are_counted_and_ordinary_words_are_not() -> None:
    recording = Recording(AudioFormat.WEBM, 30.0, ((0.0, 30.0),))

    metrics = speech_metrics(
        recording,
        "Um, so I, uh, basically built the umbrella service. You know, it's, um, kind of big; "
        "the sort of thing I like. Erm.",
    )

    assert metrics.fillers == [Filler("um", 2), Filler("basically", 1), Filler("erm", 1),
                               Filler("kind of", 1), Filler("sort of", 1), Filler("uh", 1),
                               Filler("you know", 1)]
    assert metrics.filler_words == 8
    assert metrics.words == 23
    assert metrics.words_per_minute == 46.0


def test_recordings_refuse_impossible_segments() -> None:
    with pytest.raises(ValueError, match="ordered"):
        Recording(AudioFormat.WAV, 10.0, ((2.0, 3.0), (1.0, 4.0)))
    with pytest.raises(ValueError, match="300"):
        Recording(AudioFormat.WAV, 301.0, ())
