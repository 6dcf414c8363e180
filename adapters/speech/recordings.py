"""``core.ports.RecordingReader`` on PyAV (FFmpeg's decoders, bundled in its
wheels): a recording is recognised by its first bytes (WebM's EBML header
naming "webm", ``OggS``, ``RIFF…WAVE``, an ID3 tag or an MPEG audio frame),
then decoded for real — one audio stream of the codec its container should
hold (Opus, PCM or MP3), nothing else — to 16 kHz mono, stopping as soon as
more than ``AUDIO_MAX_SECONDS`` has come out. Nothing touches the disk.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from core.domain import UPLOAD_MAX_BYTES
from core.errors import Invalid, PayloadTooLarge, UnsupportedMedia
from core.speech import AUDIO_MAX_SECONDS, AudioFormat, Recording

if TYPE_CHECKING:  # PyAV and numpy are imported with the first recording, not at start-up
    import numpy as np
    from numpy.typing import NDArray

RATE = 16_000
NOT_AUDIO = "Please record WebM/Opus, Ogg/Opus, WAV or MP3 audio"
TOO_LONG = "A spoken answer may be at most 5 minutes long"
UNREADABLE = "The recording could not be decoded"
SILENT = "The recording is empty"

_DEMUXERS = {
    AudioFormat.WEBM: "matroska",
    AudioFormat.OGG: "ogg",
    AudioFormat.WAV: "wav",
    AudioFormat.MP3: "mp3",
}


def audio_format(data: bytes) -> AudioFormat | None:
    """The format the first bytes claim, or None for anything else."""
    if data.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in data[:64]:
        return AudioFormat.WEBM
    if data.startswith(b"OggS") and b"OpusHead" in data[:128]:
        return AudioFormat.OGG
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return AudioFormat.WAV
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return AudioFormat.MP3
    return None


def _codec_fits(kind: AudioFormat, codec: str) -> bool:
    if kind in (AudioFormat.WEBM, AudioFormat.OGG):
        return codec == "opus"
    if kind is AudioFormat.WAV:
        return codec.startswith("pcm_")
    return codec in ("mp3", "mp3float")


def _invalid(message: str) -> Invalid:
    return Invalid({"audio": [message]})


class AvRecordings:
    """Recognises, decodes and measures recordings."""

    def read(self, data: bytes) -> Recording:
        if len(data) > UPLOAD_MAX_BYTES:
            raise PayloadTooLarge()
        kind = audio_format(data)
        if kind is None:
            raise UnsupportedMedia(NOT_AUDIO)
        samples = decode(data, kind)
        if len(samples) == 0:
            raise _invalid(SILENT)
        from adapters.speech.activity import voiced_segments  # numpy

        return Recording(kind, round(len(samples) / RATE, 3), voiced_segments(samples, RATE))


def decode(data: bytes, kind: AudioFormat) -> NDArray[np.float32]:
    """The recording as 16 kHz mono samples; raises UnsupportedMedia when
    it is not the audio it claims to be, Invalid when it is too long or
    broken."""
    import av
    import numpy as np

    limit = int((AUDIO_MAX_SECONDS + 0.5) * RATE)  # a little slack for codec padding
    chunks: list[NDArray[np.float32]] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), "r", format=_DEMUXERS[kind]) as container:
            streams = container.streams
            if len(streams.audio) != 1 or len(streams) != 1:
                raise UnsupportedMedia(NOT_AUDIO)
            stream = streams.audio[0]
            if not _codec_fits(kind, stream.codec_context.name):
                raise UnsupportedMedia(NOT_AUDIO)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray()[0]
                    total += len(chunk)
                    if total > limit:
                        raise _invalid(TOO_LONG)
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray()[0])
    except av.FFmpegError:
        if not chunks:  # not even its start decodes: it only claims to be audio
            raise UnsupportedMedia(NOT_AUDIO) from None
        raise _invalid(UNREADABLE) from None
    if sum(len(c) for c in chunks) > limit:
        raise _invalid(TOO_LONG)
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
