"""Where a voice is heard in a recording: an energy-based voice-activity
detector on numpy.

The signal (mono, float samples in [-1, 1]) is cut into 10 ms frames and
each frame's level taken in dBFS. Frames louder than a threshold are voiced;
the threshold sits between the recording's noise floor (its 10th percentile
level) and its speech level (95th percentile), but never below
``FLOOR_DB``, so that a silent room is never speech. A recording whose
levels barely vary (a steady tone, or one long word) is voiced wherever it
is above the floor. Voiced runs closer than ``BRIDGE_SECONDS`` join (the gaps
between words are part of speaking), and runs shorter than
``MIN_VOICE_SECONDS`` after that are dropped (clicks, a breath).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FRAME_SECONDS = 0.01
FLOOR_DB = -50.0
"""Nothing quieter than this is a voice."""
STEADY_DB = 10.0
"""A recording whose speech and noise levels are closer than this is steady."""
THRESHOLD_SHARE = 0.3
"""How far from the noise floor towards the speech level the threshold sits."""
BRIDGE_SECONDS = 0.3
MIN_VOICE_SECONDS = 0.1


def voiced_segments(samples: NDArray[np.float32], rate: int) -> tuple[tuple[float, float], ...]:
    """The (start, end) seconds of each stretch of voice, in order."""
    size = max(1, round(rate * FRAME_SECONDS))
    count = len(samples) // size
    if count == 0:
        return ()
    frames = samples[: count * size].astype(np.float64).reshape(count, size)
    level = 20 * np.log10(np.maximum(np.sqrt(np.mean(frames**2, axis=1)), 1e-10))
    noise, speech = np.percentile(level, [10, 95])
    if speech < FLOOR_DB:
        return ()
    if speech - noise < STEADY_DB:
        threshold = FLOOR_DB
    else:
        threshold = max(FLOOR_DB, noise + (speech - noise) * THRESHOLD_SHARE)
    runs = _runs(level >= threshold)
    runs = _bridged(runs, round(BRIDGE_SECONDS / FRAME_SECONDS))
    shortest = round(MIN_VOICE_SECONDS / FRAME_SECONDS)
    seconds = size / rate
    return tuple(
        (round(start * seconds, 3), round(end * seconds, 3))
        for start, end in runs
        if end - start >= shortest
    )


def _runs(voiced: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """The [start, end) frame indices of each run of voiced frames."""
    edges = np.diff(np.concatenate(([0], voiced.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def _bridged(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Runs with gaps shorter than ``gap`` frames joined."""
    joined: list[tuple[int, int]] = []
    for start, end in runs:
        if joined and start - joined[-1][1] < gap:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined
