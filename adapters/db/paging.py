"""Keyset pages in SQL: ``WHERE (at, id) < (:at, :id) ORDER BY at DESC, id
DESC LIMIT :limit``, served by an index on (owner, at, id), so a page costs
the same however many rows sort before it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, Table, bindparam, select, tuple_

from adapters.db.prebuilt import Prebuilt
from core.paging import SortKey


def newest_first(
    statement: Select[Any], at: ColumnElement[Any], id_: ColumnElement[Any], after: SortKey | None, limit: int | None
) -> Select[Any]:
    if after is not None:
        statement = statement.where(tuple_(at, id_) < tuple_(after.at, after.id))
    statement = statement.order_by(at.desc(), id_.desc())
    return statement if limit is None else statement.limit(limit)


class NewestFirst:
    """A page of one owner's rows of ``table``, newest first, as two
    statements built once with bound parameters (the first page, and a page
    after a cursor): a list action only binds values, rather than building a
    statement and its cache key on every request."""

    def __init__(
        self, table: Table, owner: ColumnElement[Any], at: ColumnElement[Any], id_: ColumnElement[Any]
    ) -> None:
        first = select(table).where(owner == bindparam("owner")).order_by(at.desc(), id_.desc())
        self._first = Prebuilt(first.limit(bindparam("limit")))
        after = tuple_(bindparam("after_at", type_=at.type), bindparam("after_id", type_=id_.type))
        self._later = Prebuilt(first.where(tuple_(at, id_) < after).limit(bindparam("limit")))

    def rows(self, connection: Connection, owner: str, after: SortKey | None, limit: int) -> Sequence[Row[Any]]:
        """The page's rows, fetched at once (iterating the result would ask
        the driver for them one by one)."""
        if after is None:
            return self._first(connection, {"owner": owner, "limit": limit}).all()
        return self._later(
            connection, {"owner": owner, "limit": limit, "after_at": after.at, "after_id": after.id}
        ).all()
