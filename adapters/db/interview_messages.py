"""The mock-interview transcript repository on SQLAlchemy Core: rows of
``interview_messages`` to ``InterviewMessage`` values and back. A spoken
answer's metrics are kept as JSON."""

from __future__ import annotations

import json
from typing import Any

import attrs
from sqlalchemy import Connection, Row, insert, select

from adapters.db import tables as t
from core.cache_tags import interview_tag
from core.domain import InterviewMessage, Speaker
from core.speech import Filler, SpeechMetrics
from core.unit_of_work import Wrote


def speech_json(speech: SpeechMetrics | None) -> str | None:
    return None if speech is None else json.dumps(attrs.asdict(speech))


def speech_of(text: str | None) -> SpeechMetrics | None:
    if text is None:
        return None
    data = json.loads(text)
    return SpeechMetrics(**data | {"fillers": [Filler(**filler) for filler in data["fillers"]]})


def _message(row: Row[Any]) -> InterviewMessage:
    return InterviewMessage(
        id=row.id,
        interview_id=row.interview_id,
        seq=row.seq,
        speaker=Speaker(row.speaker),
        text=row.text,
        at=row.at,
        speech=speech_of(row.speech),
        audio=row.audio,
    )


class SqlInterviewMessages:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, message: InterviewMessage) -> None:
        self._c.execute(
            insert(t.interview_messages).values(
                id=message.id,
                interview_id=message.interview_id,
                seq=message.seq,
                speaker=message.speaker.value,
                text=message.text,
                at=message.at,
                speech=speech_json(message.speech),
                audio=message.audio,
            )
        )
        self._wrote([interview_tag(message.interview_id)])

    def list_for_interview(self, interview_id: str) -> list[InterviewMessage]:
        c = t.interview_messages.c
        statement = select(t.interview_messages).where(c.interview_id == interview_id).order_by(c.seq)
        return [_message(row) for row in self._c.execute(statement)]
