"""Where spoken answers are kept when ``KEEP_AUDIO=1``: files under the
instance folder, one folder per interview, each recording under a generated
name (never one a user gave), written aside and renamed into place; and the
default, which keeps nothing."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from pathlib import Path

from core.speech import AudioFormat

_SAFE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class FolderRecordings:
    """``core.ports.RecordingArchive`` in ``folder``/<interview id>/."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _of(self, interview_id: str) -> Path:
        if not _SAFE_ID.fullmatch(interview_id):
            raise ValueError(f"not an interview id: {interview_id[:80]!r}")
        return self._folder / interview_id

    def keep(self, interview_id: str, data: bytes, audio_format: AudioFormat) -> str:
        folder = self._of(interview_id)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.{audio_format.value}"
        draft = folder / f".{name}.part"
        with open(draft, "xb") as out:
            out.write(data)
        os.replace(draft, folder / name)
        return name

    def discard(self, interview_id: str, name: str) -> None:
        folder = self._of(interview_id)
        (folder / Path(name).name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # kept while it holds other recordings
            folder.rmdir()

    def discard_interview(self, interview_id: str) -> None:
        shutil.rmtree(self._of(interview_id), ignore_errors=True)


class NoRecordings:
    """Recordings are measured and transcribed, then dropped (the default)."""

    def keep(self, interview_id: str, data: bytes, audio_format: AudioFormat) -> None:
        return None

    def discard(self, interview_id: str, name: str) -> None:
        """Nothing was kept."""

    def discard_interview(self, interview_id: str) -> None:
        """Nothing was kept."""
