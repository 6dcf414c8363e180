"""Keyset pages in SQL: ``WHERE (at, id) < (:at, :id) ORDER BY at DESC, id
DESC LIMIT :limit``, served by an index on (owner, at, id), so a page costs
the same however many rows sort before it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, tuple_

from core.paging import SortKey


def newest_first(
    statement: Select[Any], at: ColumnElement[Any], id_: ColumnElement[Any], after: SortKey | None, limit: int | None
) -> Select[Any]:
    if after is not None:
        statement = statement.where(tuple_(at, id_) < tuple_(after.at, after.id))
    statement = statement.order_by(at.desc(), id_.desc())
    return statement if limit is None else statement.limit(limit)
