"""Resume analysis: the coach's review of an uploaded resume against a job
info, kept and listed per job info.

analyzeResume follows the pipeline: ownership of the job info, the plan
(``unlimited_resume_analysis``), then the file itself — at most 10 MB, a PDF,
Word document or text file recognised by its content, with text in it — so
that a refused file costs no token; then the AI token bucket, the coach, and
one write transaction that checks the job info is still the caller's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import field

from core.domain import UPLOAD_MAX_BYTES, JobContext, ResumeAnalysis, StoredResumeAnalysis, Upload
from core.errors import PayloadTooLarge, PlanLimitReached
from core.jobinfos import JobInfoRecordsQuery
from core.ownership import cached_job_info_records
from core.paging import SortKey
from core.pipeline import Action, Context
from core.ports import Clock, Coach, Documents, Ids, Plans, Storage, TagCache
from core.rate_limit import ActionLimiter
from core.records import frozen
from core.validation import identifier

RESUME_FEATURE = "unlimited_resume_analysis"


# --- commands ---------------------------------------------------------------


@frozen(kw_only=True)
class AnalyzeResumeCommand:
    job_info_id: str = field(validator=identifier)
    resume_file: Upload


# --- results ----------------------------------------------------------------


@frozen
class ResumeAnalyzed:
    analysis: ResumeAnalysis


@frozen
class ListedResumeAnalysis:
    id: str
    created_at: datetime
    analysis: ResumeAnalysis


@frozen
class ResumeAnalysisList:
    analyses: list[ListedResumeAnalysis]
    next_cursor: str | None = None


# --- use cases --------------------------------------------------------------


@frozen(kw_only=True)
class AnalyzeResume:
    storage: Storage
    clock: Clock
    ids: Ids
    plans: Plans
    limiter: ActionLimiter
    coach: Coach
    documents: Documents

    def __call__(self, context: Context, command: AnalyzeResumeCommand) -> ResumeAnalyzed:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            job_info = uow.owned_job_info(actor, command.job_info_id)
            allowed = self.plans.has(actor, RESUME_FEATURE, uow)
        if not allowed:
            raise PlanLimitReached()
        if len(command.resume_file.data) > UPLOAD_MAX_BYTES:
            raise PayloadTooLarge()
        resume_text = self.documents.text_of(command.resume_file.data)
        self.limiter.charge(actor.user_id)
        analysis = self.coach.analyze_resume(JobContext.of(job_info), resume_text)
        stored = StoredResumeAnalysis(self.ids.new(), job_info.id, analysis, self.clock.now())
        with self.storage.unit_of_work(write=True) as uow:
            uow.owned_job_info(actor, job_info.id)  # gone meanwhile?
            uow.resume_analyses.add(stored)
            uow.commit()
        return ResumeAnalyzed(analysis)


@frozen(kw_only=True)
class ListResumeAnalyses:
    storage: Storage
    cache: TagCache

    def __call__(self, context: Context, command: JobInfoRecordsQuery) -> ResumeAnalysisList:
        return ResumeAnalysisList(
            *cached_job_info_records(
                self.storage, self.cache, context.caller, command.job_info_id, "resumeAnalyses",
                command.cursor, command.limit, self._load, lambda a: SortKey(a.created_at, a.id),
            )
        )

    def _load(self, job_info_id: str, after: SortKey | None, limit: int) -> list[ListedResumeAnalysis]:
        with self.storage.unit_of_work() as uow:
            stored = uow.resume_analyses.list_for_job_info(job_info_id, after=after, limit=limit)
        return [ListedResumeAnalysis(a.id, a.created_at, a.analysis) for a in stored]


actions: list[Action[Any, Any]] = [
    Action("analyzeResume", AnalyzeResumeCommand, ResumeAnalyzed, AnalyzeResume,
           summary="Analyse a resume (PDF, Word or text, at most 10 MB, sent as "
                   "multipart/form-data) against a job info (max plan; AI rate limit applies)",
           buckets={"user": "ai"}),
    Action("listResumeAnalyses", JobInfoRecordsQuery, ResumeAnalysisList, ListResumeAnalyses,
           summary="A job info's resume analyses, newest first"),
]
"""The resume actions, in the order the API lists them."""
