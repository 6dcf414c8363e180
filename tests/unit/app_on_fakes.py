"""The core wired on the in-memory fakes, as every unit test uses it: one
place that builds the action registry the way the container does."""

from __future__ import annotations

from attrs import Factory, define, field

from adapters.ai.offline.coach import OfflineCoach
from adapters.ai.offline.documents import DocumentReader
from adapters.cache.memory import MemoryTagCache
from adapters.memory import FakeClock, MemoryStorage, SequentialIds
from adapters.plans import LocalPlans
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.web.converter import structure
from core.ai_limit import AI_BUCKET
from core.domain import Actor, User
from core.interviews import CREATE_INTERVIEW_BUCKET, interview_actions
from core.jobinfos import job_info_actions
from core.mock_interviews import mock_interview_actions
from core.pipeline import Actions
from core.plans import PlanCatalog, plan_actions
from core.ports import Bucket, Coach, RateLimiter, VoiceTranscripts
from core.questions import question_actions
from core.resumes import resume_actions


@define
class FakeApp:
    storage: MemoryStorage = field(factory=MemoryStorage)
    cache: MemoryTagCache = field(factory=MemoryTagCache)
    clock: FakeClock = field(factory=FakeClock)
    ids: SequentialIds = field(factory=SequentialIds)
    catalog: PlanCatalog = field(factory=PlanCatalog.default)
    interview_bucket: Bucket = CREATE_INTERVIEW_BUCKET
    limiter: RateLimiter = field(default=Factory(lambda app: MemoryRateLimiter(app.clock), takes_self=True))
    coach: Coach = field(factory=OfflineCoach)
    ai_bucket: Bucket | None = AI_BUCKET
    reader: DocumentReader = field(factory=DocumentReader)
    transcripts: VoiceTranscripts | None = None
    plans: LocalPlans = field(init=False)
    actions: Actions = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.plans = LocalPlans(self.storage, self.catalog)
        self.actions = Actions(
            [
                *job_info_actions(self.storage, self.cache, self.clock, self.ids),
                *interview_actions(
                    self.storage, self.cache, self.clock, self.ids,
                    self.plans, self.catalog, self.limiter, self.interview_bucket,
                ),
                *plan_actions(self.plans),
                *question_actions(
                    self.storage, self.cache, self.clock, self.ids, self.plans,
                    self.catalog, self.limiter, self.coach, self.ai_bucket,
                ),
                *mock_interview_actions(
                    self.storage, self.cache, self.clock, self.ids, self.limiter,
                    self.coach, self.transcripts, self.ai_bucket,
                ),
                *resume_actions(
                    self.storage, self.cache, self.clock, self.ids, self.plans,
                    self.limiter, self.coach, self.reader, self.ai_bucket,
                ),
            ],
            structure,
        )

    def user(self, name: str = "user", plan: str | None = None) -> Actor:
        now = self.clock.now()
        user_id = self.ids.new()
        with self.storage.unit_of_work(write=True) as uow:
            uow.users.add(User(user_id, name, f"{name}-{user_id}@example.com", None, now, now))
            if plan is not None:
                uow.users.set_plan(user_id, plan)
            uow.commit()
        return Actor(user_id)
