"""The mock-interview transcript repository on SQLAlchemy Core: rows of
``interview_messages`` to ``InterviewMessage`` values and back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, insert, select

from adapters.db import tables as t
from core.cache_tags import interview_tag
from core.coaching import InterviewMessage, Speaker
from core.unit_of_work import Wrote


def _message(row: Row[Any]) -> InterviewMessage:
    return InterviewMessage(
        id=row.id,
        interview_id=row.interview_id,
        seq=row.seq,
        speaker=Speaker(row.speaker),
        text=row.text,
        at=row.at,
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
            )
        )
        self._wrote([interview_tag(message.interview_id)])

    def list_for_interview(self, interview_id: str) -> list[InterviewMessage]:
        c = t.interview_messages.c
        statement = select(t.interview_messages).where(c.interview_id == interview_id).order_by(c.seq)
        return [_message(row) for row in self._c.execute(statement)]
