"""Job infos: the job a user is preparing for, and the use cases that create,
change, read and delete them."""

from __future__ import annotations

from typing import Any

from attrs import evolve, field, frozen

from core.cache_tags import job_info_tags, user_job_infos_tag
from core.domain import Actor, ExperienceLevel, JobInfo
from core.errors import Forbidden, OwnerMissing
from core.ownership import cached_owned_job_info, owned_job_info
from core.pipeline import Action
from core.ports import Clock, Ids, Storage, TagCache
from core.validation import identifier, text

NAME_MAX = 200
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
INVALID_JOB_DATA = "Invalid job data"


# --- commands ---------------------------------------------------------------


@frozen(kw_only=True)
class CreateJobInfoCommand:
    name: str = field(validator=text(NAME_MAX))
    title: str | None = field(default=None, validator=text(TITLE_MAX, required=False))
    experience_level: ExperienceLevel
    description: str = field(validator=text(DESCRIPTION_MAX))


@frozen(kw_only=True)
class UpdateJobInfoCommand:
    id: str = field(validator=identifier)
    name: str = field(validator=text(NAME_MAX))
    title: str | None = field(default=None, validator=text(TITLE_MAX, required=False))
    experience_level: ExperienceLevel
    description: str = field(validator=text(DESCRIPTION_MAX))


@frozen(kw_only=True)
class JobInfoRef:
    id: str = field(validator=identifier)


@frozen(kw_only=True)
class JobInfoRecordsQuery:
    """The payload of every action that lists one kind of a job info's
    records (listInterviews, listQuestions, listResumeAnalyses)."""

    job_info_id: str = field(validator=identifier)


@frozen(kw_only=True)
class ListJobInfosQuery:
    query: str | None = field(default=None, validator=text(NAME_MAX, required=False))


# --- results ----------------------------------------------------------------


@frozen
class JobInfoSaved:
    id: str
    redirect_to: str


@frozen
class JobInfoDeleted:
    redirect_to: str


@frozen
class JobInfoFound:
    job_info: JobInfo


@frozen
class JobInfoList:
    job_infos: list[JobInfo]


def _redirect_to(job_info_id: str) -> str:
    return f"/app/job-infos/{job_info_id}"


# --- use cases --------------------------------------------------------------


class _JobInfoUseCase:
    def __init__(self, storage: Storage, cache: TagCache, clock: Clock, ids: Ids) -> None:
        self.storage = storage
        self.cache = cache
        self.clock = clock
        self.ids = ids


class CreateJobInfo(_JobInfoUseCase):
    def __call__(self, actor: Actor, command: CreateJobInfoCommand) -> JobInfoSaved:
        now = self.clock.now()
        job_info = JobInfo(
            id=self.ids.new(),
            user_id=actor.user_id,
            name=command.name,
            title=command.title,
            experience_level=command.experience_level,
            description=command.description,
            created_at=now,
            updated_at=now,
        )
        with self.storage.unit_of_work(write=True) as uow:
            try:
                uow.job_infos.add(job_info)
            except OwnerMissing:
                raise Forbidden() from None  # the account was deleted under a live session
            uow.commit()
        self.cache.invalidate(job_info_tags(job_info.id, actor.user_id))
        return JobInfoSaved(job_info.id, _redirect_to(job_info.id))


class UpdateJobInfo(_JobInfoUseCase):
    def __call__(self, actor: Actor, command: UpdateJobInfoCommand) -> JobInfoSaved:
        with self.storage.unit_of_work(write=True) as uow:
            current = owned_job_info(uow, actor, command.id)
            uow.job_infos.update(
                evolve(
                    current,
                    name=command.name,
                    title=command.title,
                    experience_level=command.experience_level,
                    description=command.description,
                    updated_at=max(self.clock.now(), current.updated_at),
                )
            )
            uow.commit()
        self.cache.invalidate(job_info_tags(current.id, actor.user_id))
        return JobInfoSaved(current.id, _redirect_to(current.id))


class DeleteJobInfo(_JobInfoUseCase):
    def __call__(self, actor: Actor, command: JobInfoRef) -> JobInfoDeleted:
        with self.storage.unit_of_work(write=True) as uow:
            job_info = owned_job_info(uow, actor, command.id)
            uow.job_infos.delete(job_info.id)
            left = uow.job_infos.count_for_user(actor.user_id)
            uow.commit()
        self.cache.invalidate(job_info_tags(job_info.id, actor.user_id))
        return JobInfoDeleted("/app" if left else "/app/job-infos/new")


class GetJobInfo(_JobInfoUseCase):
    def __call__(self, actor: Actor, command: JobInfoRef) -> JobInfoFound:
        return JobInfoFound(cached_owned_job_info(self.storage, self.cache, actor, command.id))


class ListJobInfos(_JobInfoUseCase):
    def __call__(self, actor: Actor, command: ListJobInfosQuery) -> JobInfoList:
        query = command.query.strip() if command.query else None
        job_infos = self.cache.get_or_load(
            f"jobInfos:user:{actor.user_id}:query:{query or ''}",
            [user_job_infos_tag(actor.user_id)],
            lambda: tuple(self._load(actor.user_id, query)),
        )
        return JobInfoList(list(job_infos))

    def _load(self, user_id: str, query: str | None) -> list[JobInfo]:
        with self.storage.unit_of_work() as uow:
            return uow.job_infos.list_for_user(user_id, query)


def job_info_actions(storage: Storage, cache: TagCache, clock: Clock, ids: Ids) -> list[Action[Any, Any]]:
    deps = (storage, cache, clock, ids)
    return [
        Action("createJobInfo", CreateJobInfoCommand, JobInfoSaved, CreateJobInfo(*deps),
               INVALID_JOB_DATA, "Create a job info"),
        Action("updateJobInfo", UpdateJobInfoCommand, JobInfoSaved, UpdateJobInfo(*deps),
               INVALID_JOB_DATA, "Replace a job info's fields"),
        Action("deleteJobInfo", JobInfoRef, JobInfoDeleted, DeleteJobInfo(*deps),
               INVALID_JOB_DATA, "Delete a job info with its interviews and questions"),
        Action("getJobInfo", JobInfoRef, JobInfoFound, GetJobInfo(*deps),
               INVALID_JOB_DATA, "Read one job info"),
        Action("listJobInfos", ListJobInfosQuery, JobInfoList, ListJobInfos(*deps),
               INVALID_JOB_DATA, "The caller's job infos, last updated first"),
    ]
