"""Interviews: mock interviews on a job info, and the use cases that create,
change and read them.

createInterview is the whole pattern: ownership and the plan, read in one
unit of work, then the allowance (unlimited, or reserved under a lock of the
user's counters, see ``core.allowances``), then the token bucket, then one
write transaction that inserts, if the job info is still the caller's, and
counts, so that no number of concurrent calls exceeds the allowance, and
every call past it is told PLAN_LIMIT.
"""

from __future__ import annotations

from typing import Any

from attrs import Factory, asdict, evolve, field

from core.allowances import Allowances
from core.cache_tags import interview_tag
from core.domain import Bucket, Interview, TranscriptEntry
from core.errors import Forbidden
from core.jobinfos import JobInfoRecordsQuery
from core.ownership import cached_job_info_records, cached_owned_job_info
from core.paging import SortKey
from core.pipeline import Action, Context
from core.ports import Clock, Ids, Storage, TagCache
from core.rate_limit import ActionLimiter
from core.records import frozen
from core.validation import duration, identifier, text

HUME_CHAT_ID_MAX = 200
START_DURATION = "00:00:00"
CREATE_INTERVIEW_BUCKET = Bucket(capacity=12, refill=4, interval=86_400)
"""Per user: 12 at once, then 4 a day (the settings' ``create_interview``
bucket)."""


# --- commands ---------------------------------------------------------------


@frozen(kw_only=True)
class CreateInterviewCommand:
    job_info_id: str = field(validator=identifier)


@frozen(kw_only=True)
class UpdateInterviewCommand:
    id: str = field(validator=identifier)
    hume_chat_id: str | None = field(default=None, validator=text(HUME_CHAT_ID_MAX, required=False))
    duration: str | None = field(default=None, validator=duration)


@frozen(kw_only=True)
class InterviewRef:
    id: str = field(validator=identifier)


# --- results ----------------------------------------------------------------


@frozen
class InterviewCreated:
    id: str


@frozen
class InterviewUpdated:
    """updateInterview answers nothing but success."""


@frozen
class InterviewDetail(Interview):
    """An interview as getInterview shows it: with the transcript of its
    text conversation, in order."""

    transcript: list[TranscriptEntry] = Factory(list)


@frozen
class InterviewFound:
    interview: InterviewDetail


@frozen
class InterviewList:
    interviews: list[Interview]
    next_cursor: str | None = None


# --- use cases --------------------------------------------------------------


@frozen(kw_only=True)
class CreateInterview:
    storage: Storage
    clock: Clock
    ids: Ids
    allowances: Allowances
    limiter: ActionLimiter

    def __call__(self, context: Context, command: CreateInterviewCommand) -> InterviewCreated:
        actor = context.caller
        # authorize: ownership, then the plan (a limited allowance is reserved)
        with self.storage.unit_of_work() as uow:
            uow.owned_job_info(actor, command.job_info_id)
            allowance = self.allowances.of(actor, "interviews", uow)
        reservation = self.allowances.reserve(allowance)
        with self.allowances.given_back_on_failure(reservation):
            # rate limit: only an otherwise acceptable call takes a token
            self.limiter.charge(actor.user_id)
            now = self.clock.now()
            interview = Interview(
                id=self.ids.new(),
                job_info_id=command.job_info_id,
                duration=START_DURATION,
                hume_chat_id=None,
                feedback=None,
                created_at=now,
                updated_at=now,
            )
            # the insert is the unit's one write unless a hold is to be dropped
            with self.storage.unit_of_work(write=True, one_write=reservation.hold_id is None) as uow:
                if not uow.interviews.add_owned(interview, actor.user_id):  # counted by it
                    raise Forbidden()  # the job info is gone meanwhile
                self.allowances.settle(uow, reservation)
                uow.commit()
        return InterviewCreated(interview.id)


@frozen(kw_only=True)
class UpdateInterview:
    """Sets what is given (the voice chat's id, the duration so far) and
    leaves the rest as it is."""

    storage: Storage
    clock: Clock

    def __call__(self, context: Context, command: UpdateInterviewCommand) -> InterviewUpdated:
        with self.storage.unit_of_work(write=True) as uow:
            current, _ = uow.owned_interview(context.caller, command.id)
            uow.interviews.update(
                evolve(
                    current,
                    hume_chat_id=command.hume_chat_id or current.hume_chat_id,
                    duration=command.duration or current.duration,
                    updated_at=max(self.clock.now(), current.updated_at),
                )
            )
            uow.commit()
        return InterviewUpdated()


@frozen(kw_only=True)
class GetInterview:
    storage: Storage
    cache: TagCache

    def __call__(self, context: Context, command: InterviewRef) -> InterviewFound:
        interview = self.cache.get_or_load(
            f"interviewDetail:{command.id}", [interview_tag(command.id)], lambda: self._load(command.id),
            owner=context.caller.user_id,
        )
        if interview is None:
            raise Forbidden()
        # Deleting the job info deletes the interview: checking the job info
        # (whose tag that deletion invalidates) refuses a cached orphan.
        cached_owned_job_info(self.storage, self.cache, context.caller, interview.job_info_id)
        return InterviewFound(interview)

    def _load(self, interview_id: str) -> InterviewDetail | None:
        with self.storage.unit_of_work() as uow:
            interview = uow.interviews.get(interview_id)
            if interview is None:
                return None
            lines = uow.interview_messages.list_for_interview(interview_id)
        return InterviewDetail(**asdict(interview, recurse=False), transcript=[m.entry for m in lines])


@frozen(kw_only=True)
class ListInterviews:
    storage: Storage
    cache: TagCache

    def __call__(self, context: Context, command: JobInfoRecordsQuery) -> InterviewList:
        return InterviewList(
            *cached_job_info_records(
                self.storage, self.cache, context.caller, command.job_info_id, "interviews",
                command.cursor, command.limit, self._load, lambda i: SortKey(i.created_at, i.id),
            )
        )

    def _load(self, job_info_id: str, after: SortKey | None, limit: int) -> list[Interview]:
        with self.storage.unit_of_work() as uow:
            return uow.interviews.list_for_job_info(job_info_id, after=after, limit=limit)


actions: list[Action[Any, Any]] = [
    Action("createInterview", CreateInterviewCommand, InterviewCreated, CreateInterview,
           summary="Start a mock interview on a job info (plan allowance and rate limit apply)",
           buckets={"user": "create_interview"}),
    Action("updateInterview", UpdateInterviewCommand, InterviewUpdated, UpdateInterview,
           summary="Attach the voice chat's id and record the duration"),
    Action("getInterview", InterviewRef, InterviewFound, GetInterview,
           summary="Read one interview"),
    Action("listInterviews", JobInfoRecordsQuery, InterviewList, ListInterviews,
           summary="A job info's interviews, newest first"),
]
"""The interview actions, in the order the API lists them."""
