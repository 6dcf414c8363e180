"""Keyset pages over the in-memory tables, as the SQL repositories read
them: newest first by (timestamp, id), strictly after the cursor's key."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from core.paging import SortKey

T = TypeVar("T")


def newest_first(
    items: Iterable[T], key: Callable[[T], SortKey], after: SortKey | None, limit: int | None
) -> list[T]:
    def order(item: T) -> tuple[object, str]:
        k = key(item)
        return k.at, k.id

    found = sorted(items, key=order, reverse=True)
    if after is not None:
        found = [item for item in found if order(item) < (after.at, after.id)]
    return found if limit is None else found[:limit]
