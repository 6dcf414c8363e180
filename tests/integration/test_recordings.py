"""Recordings recognised by content and measured, on real files: speech
spoken by espeak-ng and encoded in every accepted format, a file that only
claims to be audio, a video, an oversized file and a too-long one."""

from __future__ import annotations

import io
import os

import av
import numpy as np
import pytest

from adapters.speech.recordings import AvRecordings
from core.domain import UPLOAD_MAX_BYTES
from core.errors import Invalid, PayloadTooLarge, UnsupportedMedia
from core.speech import AudioFormat, speech_metrics
from tests.audio_files import ESPEAK, FORMATS, RATE, encoded, silence, spoken

pytestmark = pytest.mark.skipif(
    ESPEAK is None and os.environ.get("DARASA_REQUIRE_SERVICES") != "1",
    reason="espeak-ng is not installed",
)

ANSWER = "I have built Django services for six years, mostly payments and ledgers."


@pytest.fixture(scope="module")
def answer() -> np.ndarray:
    """Half a second of silence, the answer, three seconds of thought, the answer again."""
    said = spoken(ANSWER)
    return np.concatenate([silence(0.5), said, silence(3.0), said, silence(0.5)])


@pytest.mark.parametrize("fmt", FORMATS)
def test_spoken_answers_in_every_format_are_recognised_and_measured(
    answer: np.ndarray, fmt: str
) -> None:
    recording = AvRecordings().read(encoded(answer, fmt))

    assert recording.format is AudioFormat(fmt)
    assert recording.duration == pytest.approx(len(answer) / RATE, abs=0.1)
    metrics = speech_metrics(recording, f"{ANSWER} {ANSWER}")
    assert metrics.response_delay_seconds == pytest.approx(0.5, abs=0.1)
    assert len(metrics.long_pauses) == 1
    assert metrics.long_pauses[0] == pytest.approx(3.0, rel=0.1)  # the words' own edges are soft
    assert metrics.speaking_seconds < recording.duration - 3.5
    assert metrics.words == 24
    assert metrics.words_per_minute is not None
    assert 100 < metrics.words_per_minute < 220  # espeak-ng speaks at about 160


@pytest.mark.parametrize(
    "data",
    [
        b"I am definitely a WAV file, trust me",
        b"%PDF-1.7\n" + bytes(2000),
        b"RIFF\x00\x10\x00\x00WAVE" + os.urandom(4000),
        b"\x1a\x45\xdf\xa3webm" + os.urandom(4000),
        b"OggS\x00\x02OpusHead" + os.urandom(4000),
        b"ID3" + os.urandom(4000),
        b"",
    ],
    ids=["text", "pdf", "riff-header-then-noise", "ebml-header-then-noise", "ogg-header-then-noise",
         "id3-then-noise", "empty"],
)
def test_a_file_that_only_claims_to_be_audio_is_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedMedia, match="WebM/Opus, Ogg/Opus, WAV or MP3"):
        AvRecordings().read(data)


def test_a_video_is_not_a_spoken_answer() -> None:
    out = io.BytesIO()
    with av.open(out, "w", format="webm") as container:
        video = container.add_stream("libvpx", rate=10)
        video.width, video.height = 64, 64
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            container.mux(video.encode(frame))
        container.mux(video.encode(None))

    with pytest.raises(UnsupportedMedia):
        AvRecordings().read(out.getvalue())


def test_an_oversized_file_is_refused() -> None:
    wav = encoded(silence(UPLOAD_MAX_BYTES / 2 / RATE + 1), "wav")  # 16-bit samples
    assert len(wav) > UPLOAD_MAX_BYTES

    with pytest.raises(PayloadTooLarge):
        AvRecordings().read(wav)


def test_a_recording_over_five_minutes_is_refused(answer: np.ndarray) -> None:
    long = encoded(np.concatenate([answer, silence(300.0)]), "webm")
    assert len(long) < UPLOAD_MAX_BYTES  # small, but too long

    with pytest.raises(Invalid) as refused:
        AvRecordings().read(long)
    assert refused.value.field_errors == {"audio": ["A spoken answer may be at most 5 minutes long"]}


def test_five_minutes_exactly_is_accepted() -> None:
    recording = AvRecordings().read(encoded(silence(300.0), "ogg"))

    assert recording.duration == pytest.approx(300.0, abs=0.1)
    assert recording.voiced == ()
