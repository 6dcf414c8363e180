"""Ownership checks shared by every use case that touches a user's records:
a record that does not exist and one that is someone else's look the same."""

from __future__ import annotations

from core.domain import Actor, JobInfo
from core.errors import Forbidden
from core.ports import UnitOfWork


def owned_job_info(uow: UnitOfWork, actor: Actor, job_info_id: str) -> JobInfo:
    job_info = uow.job_infos.get(job_info_id)
    if job_info is None or job_info.user_id != actor.user_id:
        raise Forbidden()
    return job_info
