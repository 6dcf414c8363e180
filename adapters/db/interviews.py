"""The interviews repository on SQLAlchemy Core: rows of ``interviews`` to
``Interview`` values and back, inside the caller's unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Insert, Row, Select, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.db import tables as t
from adapters.db.engine import changed_nothing
from adapters.db.owners import owner_of
from adapters.db.paging import NewestFirst, newest_first
from adapters.db.practice_totals import keep_ratings
from adapters.db.prebuilt import RECEIVED_IN_TIME, Prebuilt
from core.cache_tags import interview_tags
from core.domain import Interview
from core.paging import SortKey
from core.unit_of_work import Wrote


def _interview(row: Row[Any]) -> Interview:
    return Interview(
        id=row.id,
        job_info_id=row.job_info_id,
        duration=row.duration,
        hume_chat_id=row.hume_chat_id,
        feedback=row.feedback,
        created_at=row.created_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        ended_at=row.ended_at,
    )


def _values(interview: Interview) -> dict[str, Any]:
    return {
        "job_info_id": interview.job_info_id,
        "duration": interview.duration,
        "hume_chat_id": interview.hume_chat_id,
        "feedback": interview.feedback,
        "started_at": interview.started_at,
        "ended_at": interview.ended_at,
        "created_at": interview.created_at,
        "updated_at": interview.updated_at,
    }


# built once: the ownership check of every action on one (see ``SqlJobInfos``)
_INTERVIEW_BY_ID = Prebuilt(select(t.interviews).where(t.interviews.c.id == bindparam("id")))
_JOB_INTERVIEWS = NewestFirst(t.interviews, t.interviews.c.job_info_id, t.interviews.c.created_at, t.interviews.c.id)
# createInterview: the ownership check and the insert in one statement,
# INSERT ... SELECT <values> FROM job_infos WHERE id = :job AND user_id = :owner,
# which the database's trigger counts in the user's allowance (migration 0017)
_COLUMNS = ("id", "duration", "hume_chat_id", "feedback", "started_at", "ended_at", "created_at", "updated_at")
_OWNED = (
    select(t.job_infos.c.user_id, t.job_infos.c.id,
           *[bindparam(name, type_=t.interviews.c[name].type) for name in _COLUMNS])
    .where(t.job_infos.c.id == bindparam("job_info_id"), t.job_infos.c.user_id == bindparam("owner"))
)


def _insert_owned(rows: Select[Any]) -> Insert:
    return insert(t.interviews).from_select(["user_id", "job_info_id", *_COLUMNS], rows)


_INSERT_OWNED = _insert_owned(_OWNED)
# PostgreSQL returns the id; on SQLite the rowcount costs less, and a write that runs alone
# releases the write lock before the driver returns (a returned row is
# fetched, the lock still held, before the statement ends)
_INSERT_OWNED_RETURNING = Prebuilt(
    _INSERT_OWNED.returning(t.interviews.c.id),
    alone=_insert_owned(_OWNED.where(RECEIVED_IN_TIME)).returning(t.interviews.c.id),
)
_INSERT_OWNED_COUNTED = Prebuilt(_INSERT_OWNED)


class SqlInterviews:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, interview: Interview) -> None:
        self._c.execute(
            insert(t.interviews).values(id=interview.id, user_id=owner_of(interview.job_info_id), **_values(interview))
        )
        keep_ratings(self._c, interview)
        self._wrote(interview_tags(interview.id, interview.job_info_id))

    def add_owned(self, interview: Interview, user_id: str) -> bool:
        values = {"id": interview.id, "owner": user_id, **_values(interview)}
        try:
            if self._c.dialect.name == "postgresql":
                added = _INSERT_OWNED_RETURNING(self._c, values, alone=True).first() is not None
            else:
                added = _INSERT_OWNED_COUNTED(self._c, values, alone=True).rowcount == 1
        except IntegrityError:  # the job info deleted since the select found it
            added = False
        if not added:
            changed_nothing(self._c)
            return False
        keep_ratings(self._c, interview)
        self._wrote(interview_tags(interview.id, interview.job_info_id))
        return True

    def get(self, interview_id: str) -> Interview | None:
        row = _INTERVIEW_BY_ID(self._c, {"id": interview_id}).first()
        return None if row is None else _interview(row)

    def update(self, interview: Interview) -> None:
        self._c.execute(
            update(t.interviews).where(t.interviews.c.id == interview.id).values(**_values(interview))
        )
        keep_ratings(self._c, interview)
        self._wrote(interview_tags(interview.id, interview.job_info_id))

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[Interview]:
        if limit is not None:
            return [_interview(row) for row in _JOB_INTERVIEWS.rows(self._c, job_info_id, after, limit)]
        c = t.interviews.c
        statement = newest_first(
            select(t.interviews).where(c.job_info_id == job_info_id), c.created_at, c.id, after, limit
        )
        return [_interview(row) for row in self._c.execute(statement)]
