"""Job infos: the job a user is preparing for, and the use cases that create,
change, read and delete them."""

from __future__ import annotations

from typing import Any

from attrs import field

from core.cache_tags import user_job_infos_tag
from core.domain import ExperienceLevel, JobInfo
from core.errors import Forbidden, Invalid, OwnerMissing
from core.ownership import cached_owned_job_info
from core.paging import PAGE_DEFAULT, SortKey, after, cursor_format, page, page_limit
from core.pipeline import Action, Context
from core.ports import Clock, Ids, RecordingArchive, Storage, TagCache
from core.records import frozen
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
    description: str = field(validator=text(DESCRIPTION_MAX, multiline=True))


@frozen(kw_only=True)
class UpdateJobInfoCommand:
    id: str = field(validator=identifier)
    name: str = field(validator=text(NAME_MAX))
    title: str | None = field(default=None, validator=text(TITLE_MAX, required=False))
    experience_level: ExperienceLevel
    description: str = field(validator=text(DESCRIPTION_MAX, multiline=True))


@frozen(kw_only=True)
class JobInfoRef:
    id: str = field(validator=identifier)


@frozen(kw_only=True)
class JobInfoRecordsQuery:
    """The payload of every action that lists one kind of a job info's
    records (listInterviews, listQuestions, listResumeAnalyses)."""

    job_info_id: str = field(validator=identifier)
    cursor: str | None = field(default=None, validator=cursor_format)
    limit: int = field(default=PAGE_DEFAULT, validator=page_limit)


@frozen(kw_only=True)
class ListJobInfosQuery:
    query: str | None = field(default=None, validator=text(NAME_MAX, required=False))
    cursor: str | None = field(default=None, validator=cursor_format)
    limit: int = field(default=PAGE_DEFAULT, validator=page_limit)


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
    next_cursor: str | None = None


def _redirect_to(job_info_id: str) -> str:
    return f"/app/job-infos/{job_info_id}"


# --- use cases --------------------------------------------------------------


MAX_JOB_INFOS = 100
"""How many job infos one user may keep at once (``MAX_JOB_INFOS``)."""


def too_many_job_infos(limit: int) -> Invalid:
    return Invalid({"$": [f"You can keep at most {limit} job infos: delete one to add another"]},
                   f"You can keep at most {limit} job infos")


@frozen(kw_only=True)
class CreateJobInfo:
    """Adds a job info, unless the caller has ``max_job_infos`` already
    (VALIDATION: a bound of the service, not of a plan)."""

    storage: Storage
    clock: Clock
    ids: Ids
    max_job_infos: int

    def __call__(self, context: Context, command: CreateJobInfoCommand) -> JobInfoSaved:
        now = self.clock.now()
        job_info = JobInfo(
            id=self.ids.new(),
            user_id=context.caller.user_id,
            name=command.name,
            title=command.title,
            experience_level=command.experience_level,
            description=command.description,
            created_at=now,
            updated_at=now,
        )
        with self.storage.unit_of_work(write=True, one_write=True) as uow:
            try:
                added = uow.job_infos.add_unless_full(job_info, self.max_job_infos)
            except OwnerMissing:
                raise Forbidden() from None  # the account was deleted under a live session
            if not added:
                raise too_many_job_infos(self.max_job_infos)
            uow.commit()
        return JobInfoSaved(job_info.id, _redirect_to(job_info.id))


@frozen(kw_only=True)
class UpdateJobInfo:
    storage: Storage
    clock: Clock

    def __call__(self, context: Context, command: UpdateJobInfoCommand) -> JobInfoSaved:
        # the ownership check is the update's own WHERE (one statement)
        with self.storage.unit_of_work(write=True, one_write=True) as uow:
            updated = uow.job_infos.update_owned(
                context.caller.user_id,
                command.id,
                name=command.name,
                title=command.title,
                experience_level=command.experience_level,
                description=command.description,
                now=self.clock.now(),
            )
            if not updated:
                raise Forbidden()
            uow.commit()
        return JobInfoSaved(command.id, _redirect_to(command.id))


@frozen(kw_only=True)
class DeleteJobInfo:
    """Deletes the job info with its interviews, questions and analyses, and
    the recordings kept of its interviews' spoken answers."""

    storage: Storage
    recording_archive: RecordingArchive

    def __call__(self, context: Context, command: JobInfoRef) -> JobInfoDeleted:
        actor = context.caller
        with self.storage.unit_of_work(write=True) as uow:
            job_info = uow.owned_job_info(actor, command.id)
            interviews = [i.id for i in uow.interviews.list_for_job_info(job_info.id)]
            uow.job_infos.delete(job_info.id)
            left = uow.job_infos.count_for_user(actor.user_id)
            uow.commit()
        for interview_id in interviews:
            self.recording_archive.discard_interview(interview_id)
        return JobInfoDeleted("/app" if left else "/app/job-infos/new")


@frozen(kw_only=True)
class GetJobInfo:
    storage: Storage
    cache: TagCache

    def __call__(self, context: Context, command: JobInfoRef) -> JobInfoFound:
        return JobInfoFound(cached_owned_job_info(self.storage, self.cache, context.caller, command.id))


@frozen(kw_only=True)
class ListJobInfos:
    storage: Storage
    cache: TagCache

    def __call__(self, context: Context, command: ListJobInfosQuery) -> JobInfoList:
        """Only the first page of the whole list is cached (at most
        ``PAGE_MAX`` job infos an entry, one entry per limit): searches are
        one-off and later pages are one indexed keyset query each, so neither
        can fill the cache."""
        user_id = context.caller.user_id
        query = command.query.strip() if command.query else None
        scope = f"{user_id}:{query or ''}"
        start = after(command.cursor, "jobInfos", scope)

        def read() -> tuple[tuple[JobInfo, ...], str | None]:
            with self.storage.unit_of_work() as uow:
                found = uow.job_infos.list_for_user(user_id, query, after=start, limit=command.limit + 1)
            items, next_cursor = page(found, command.limit, "jobInfos", scope, _updated)
            return tuple(items), next_cursor

        if start is None and query is None:
            items, next_cursor = self.cache.get_or_load(
                f"jobInfos:user:{user_id}:{command.limit}", [user_job_infos_tag(user_id)], read, owner=user_id
            )
        else:
            items, next_cursor = read()
        return JobInfoList(list(items), next_cursor)


def _updated(job_info: JobInfo) -> SortKey:
    return SortKey(job_info.updated_at, job_info.id)


actions: list[Action[Any, Any]] = [
    Action("createJobInfo", CreateJobInfoCommand, JobInfoSaved, CreateJobInfo,
           summary="Create a job info", invalid_message=INVALID_JOB_DATA),
    Action("updateJobInfo", UpdateJobInfoCommand, JobInfoSaved, UpdateJobInfo,
           summary="Replace a job info's fields", invalid_message=INVALID_JOB_DATA),
    Action("deleteJobInfo", JobInfoRef, JobInfoDeleted, DeleteJobInfo,
           summary="Delete a job info with its interviews and questions",
           invalid_message=INVALID_JOB_DATA),
    Action("getJobInfo", JobInfoRef, JobInfoFound, GetJobInfo,
           summary="Read one job info", invalid_message=INVALID_JOB_DATA),
    Action("listJobInfos", ListJobInfosQuery, JobInfoList, ListJobInfos,
           summary="The caller's job infos, last updated first", invalid_message=INVALID_JOB_DATA),
]
"""The job-info actions, in the order the API lists them."""
