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

from attrs import field, frozen

from core.ai_limit import AI_BUCKET, AiUseCase
from core.cache_tags import resume_analysis_tags
from core.coaching import UPLOAD_MAX_BYTES, JobContext, ResumeAnalysis, StoredResumeAnalysis, Upload
from core.domain import Actor
from core.errors import PayloadTooLarge, PlanLimitReached
from core.jobinfos import JobInfoRecordsQuery
from core.ownership import cached_job_info_records, owned_job_info
from core.pipeline import Action
from core.ports import (
    Bucket,
    Clock,
    Coach,
    DocumentReader,
    Ids,
    Plans,
    RateLimiter,
    Storage,
    TagCache,
)
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


# --- use cases --------------------------------------------------------------


class AnalyzeResume(AiUseCase):
    def __init__(
        self,
        storage: Storage,
        cache: TagCache,
        clock: Clock,
        ids: Ids,
        plans: Plans,
        limiter: RateLimiter,
        coach: Coach,
        reader: DocumentReader,
        bucket: Bucket | None = AI_BUCKET,
    ) -> None:
        super().__init__(storage, cache, clock, ids, limiter, coach, bucket)
        self.plans = plans
        self.reader = reader

    def __call__(self, actor: Actor, command: AnalyzeResumeCommand) -> ResumeAnalyzed:
        with self.storage.unit_of_work() as uow:
            job_info = owned_job_info(uow, actor, command.job_info_id)
        if not self.plans.has(actor.user_id, RESUME_FEATURE):
            raise PlanLimitReached()
        if len(command.resume_file.data) > UPLOAD_MAX_BYTES:
            raise PayloadTooLarge()
        resume_text = self.reader.text_of(command.resume_file.data)
        self.charge_ai("analyzeResume", actor.user_id)
        analysis = self.coach.analyze_resume(JobContext.of(job_info), resume_text)
        stored = StoredResumeAnalysis(self.ids.new(), job_info.id, analysis, self.clock.now())
        with self.storage.unit_of_work(write=True) as uow:
            owned_job_info(uow, actor, job_info.id)  # gone meanwhile?
            uow.resume_analyses.add(stored)
            uow.commit()
        self.cache.invalidate(resume_analysis_tags(stored.id, job_info.id))
        return ResumeAnalyzed(analysis)


class ListResumeAnalyses:
    def __init__(self, storage: Storage, cache: TagCache) -> None:
        self.storage = storage
        self.cache = cache

    def __call__(self, actor: Actor, command: JobInfoRecordsQuery) -> ResumeAnalysisList:
        return ResumeAnalysisList(
            cached_job_info_records(
                self.storage, self.cache, actor, command.job_info_id, "resumeAnalyses", self._load
            )
        )

    def _load(self, job_info_id: str) -> list[ListedResumeAnalysis]:
        with self.storage.unit_of_work() as uow:
            stored = uow.resume_analyses.list_for_job_info(job_info_id)
        return [ListedResumeAnalysis(a.id, a.created_at, a.analysis) for a in stored]


def resume_actions(
    storage: Storage,
    cache: TagCache,
    clock: Clock,
    ids: Ids,
    plans: Plans,
    limiter: RateLimiter,
    coach: Coach,
    reader: DocumentReader,
    ai_bucket: Bucket | None = AI_BUCKET,
) -> list[Action[Any, Any]]:
    analyze = AnalyzeResume(storage, cache, clock, ids, plans, limiter, coach, reader, ai_bucket)
    return [
        Action("analyzeResume", AnalyzeResumeCommand, ResumeAnalyzed, analyze,
               summary="Analyse a resume (PDF, Word or text, at most 10 MB, sent as "
                       "multipart/form-data) against a job info (max plan; AI rate limit applies)"),
        Action("listResumeAnalyses", JobInfoRecordsQuery, ResumeAnalysisList,
               ListResumeAnalyses(storage, cache),
               summary="A job info's resume analyses, newest first"),
    ]
