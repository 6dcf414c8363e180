"""Recordings for tests: speech spoken by espeak-ng (Debian's ``espeak-ng``,
which ``.ci/run`` installs), silences and tones, encoded with PyAV into
every format a spoken answer may come in."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import cast

import av
import numpy as np
from numpy.typing import NDArray

ESPEAK = shutil.which("espeak-ng")
RATE = 16_000

# container, codec, sample rate of the encoder (Opus wants 48 kHz)
_ENCODERS = {
    "webm": ("webm", "libopus", 48_000),
    "ogg": ("ogg", "libopus", 48_000),
    "wav": ("wav", "pcm_s16le", RATE),
    "mp3": ("mp3", "libmp3lame", 44_100),
}
FORMATS = tuple(_ENCODERS)


def spoken(text: str, *, words_per_minute: int = 160) -> NDArray[np.float32]:
    """``text`` spoken by espeak-ng, as 16 kHz mono samples, without the
    silence espeak-ng puts before and after it."""
    if ESPEAK is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run(  # noqa: S603 - a fixed program, our own arguments
            [ESPEAK, "-s", str(words_per_minute), "-w", str(wav), text],
            check=True, capture_output=True, timeout=60,
        )
        samples = decoded(wav.read_bytes())
    loud = np.flatnonzero(np.abs(samples) > 1e-3)
    return samples[loud[0] : loud[-1] + 1]


def decoded(data: bytes) -> NDArray[np.float32]:
    """Any recording PyAV reads, as 16 kHz mono samples."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    chunks: list[NDArray[np.float32]] = []
    with av.open(io.BytesIO(data), "r") as container:
        for frame in container.decode(audio=0):
            chunks.extend(out.to_ndarray()[0] for out in resampler.resample(frame))
    chunks.extend(out.to_ndarray()[0] for out in resampler.resample(None))
    return np.concatenate(chunks).astype(np.float32)


def silence(seconds: float) -> NDArray[np.float32]:
    return np.zeros(round(seconds * RATE), np.float32)


def tone(seconds: float, *, hz: float = 220.0, amplitude: float = 0.3) -> NDArray[np.float32]:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def encoded(samples: NDArray[np.float32], fmt: str) -> bytes:
    """16 kHz mono samples as a file of ``fmt`` (webm, ogg, wav or mp3)."""
    container_name, codec, rate = _ENCODERS[fmt]
    pcm = np.clip(samples, -1, 1)
    out = io.BytesIO()
    with av.open(out, "w", format=container_name) as container:
        stream = cast(
            "av.AudioStream", container.add_stream(codec, rate=rate, layout="mono")
        )
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        for start in range(0, len(pcm), RATE):
            frame = av.AudioFrame.from_ndarray(
                pcm[start : start + RATE].reshape(1, -1), format="flt", layout="mono"
            )
            frame.sample_rate = RATE
            for resampled in resampler.resample(frame):
                container.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            container.mux(stream.encode(resampled))
        container.mux(stream.encode(None))
    return out.getvalue()
