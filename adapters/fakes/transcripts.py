"""Voice chats held in a dict: the ``VoiceTranscripts`` port without the
voice service, recording which chats were read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.domain import TranscriptEntry
from core.errors import AiFailed


class FakeVoiceTranscripts:
    def __init__(self, chats: Mapping[str, Sequence[TranscriptEntry]]) -> None:
        self._chats = {chat_id: list(entries) for chat_id, entries in chats.items()}
        self.read: list[str] = []

    def transcript(self, chat_id: str) -> list[TranscriptEntry]:
        self.read.append(chat_id)
        if chat_id not in self._chats:
            raise AiFailed("Failed to read the interview transcript")
        return list(self._chats[chat_id])
