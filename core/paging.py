"""Keyset pagination for every list action: the ``cursor`` and ``limit`` a
list command takes, and the opaque cursor that names where the next page
starts.

A cursor is base64url JSON of the sort key of the last item shown (its
timestamp and id) plus the list it belongs to and that list's scope (the
owner, the job info, the search text): a cursor from another list, another
scope or one that does not decode is refused as a VALIDATION error. It only
says where to start; the query that reads the page is still filtered by the
owner, so no cursor reaches anyone else's records."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from attrs import Attribute

from core.errors import Invalid
from core.records import frozen

PAGE_DEFAULT = 50
PAGE_MAX = 200
CURSOR_MAX = 1000
BAD_CURSOR = "Must be a cursor this list answered"

T = TypeVar("T")


@frozen
class SortKey:
    """Where an item sits in a newest-first list: its timestamp, then its id
    (the tie-break, so that items sharing a timestamp are neither lost nor
    repeated across pages)."""

    at: datetime
    id: str


def page_limit(_instance: Any, _attribute: Attribute[Any], value: int) -> None:
    if not 1 <= value <= PAGE_MAX:
        raise ValueError(f"Must be between 1 and {PAGE_MAX}")


def cursor_format(_instance: Any, _attribute: Attribute[Any], value: str | None) -> None:
    if value is not None:
        _decode(value)


def _decode(cursor: str) -> dict[str, str]:
    if not cursor or len(cursor) > CURSOR_MAX or not cursor.isascii():
        raise ValueError(BAD_CURSOR)
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise ValueError(BAD_CURSOR) from None
    if (
        not isinstance(data, dict)
        or set(data) != {"l", "s", "t", "i"}
        or not all(isinstance(v, str) for v in data.values())
    ):
        raise ValueError(BAD_CURSOR)
    return data


def after(cursor: str | None, kind: str, scope: str) -> SortKey | None:
    """The sort key a cursor of list ``kind`` in ``scope`` names (``None``
    for the first page); ``Invalid`` for any other cursor."""
    if cursor is None:
        return None
    try:
        data = _decode(cursor)
        if data["l"] != kind or data["s"] != scope:
            raise ValueError(BAD_CURSOR)
        at = datetime.fromisoformat(data["t"])
        if at.tzinfo is None or not data["i"]:
            raise ValueError(BAD_CURSOR)
    except ValueError:
        raise Invalid({"cursor": [BAD_CURSOR]}) from None
    return SortKey(at, data["i"])


def encode(kind: str, scope: str, key: SortKey) -> str:
    text = json.dumps({"l": kind, "s": scope, "t": key.at.isoformat(), "i": key.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def page(
    items: Sequence[T], limit: int, kind: str, scope: str, key: Callable[[T], SortKey]
) -> tuple[list[T], str | None]:
    """Cut what a repository read with ``limit + 1`` to the page and the
    cursor of the next one (``None`` on the last page)."""
    shown = list(items[:limit])
    if len(items) <= limit or not shown:
        return shown, None
    return shown, encode(kind, scope, key(shown[-1]))
