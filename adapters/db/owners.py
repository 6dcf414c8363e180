"""A job info's owner as a scalar subquery, for the rows that keep it
(interviews, resume analyses): written in the same INSERT, no round trip."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, select

from adapters.db import tables as t


def owner_of(job_info_id: str) -> ScalarSelect[Any]:
    return select(t.job_infos.c.user_id).where(t.job_infos.c.id == job_info_id).scalar_subquery()
