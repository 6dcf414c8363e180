"""The core as every unit test uses it: the application's own container
(``entrypoints.bootstrap``), its storage, cache, clock, ids, limiter, coach
and the rest overridden by fakes and in-process backends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import define, evolve, field

from adapters.ai.offline.coach import OfflineCoach
from adapters.cache.memory import MemoryTagCache
from adapters.documents.reader import PypdfDocuments
from adapters.fakes import FakeClock, FakePasswordHasher, FakeStorage, SequentialIds
from adapters.fakes.idempotency import FakeIdempotencyKeys
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.speech.archive import NoRecordings
from adapters.speech.synthesis import NoSpeech
from adapters.speech.transcription import NoTranscription
from core.domain import Actor, Bucket, User
from core.interviews import CREATE_INTERVIEW_BUCKET
from core.pipeline import Actions, Context, Result, Streaming, Success
from core.plans import PlanCatalog
from core.ports import Coach, Documents, RateLimiter, RecordingArchive, SpeechSynthesis, SpeechToText, VoiceTranscripts
from core.rate_limit import AI_BUCKET
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings

JOB_INFO = {"name": "Backend", "experienceLevel": "senior", "description": "APIs in Python"}
"""A job info as ``createJobInfo`` takes it, for tests that only need one."""


def fake_settings(**env: str) -> Settings:
    """Settings as from an environment with ``env``; no file is touched."""
    return Settings.from_env({"DARASA_INSTANCE": "/nonexistent/darasa", "SECRET_KEY": "test-secret", **env})


@define
class FakeApp:
    storage: FakeStorage = field(default=None)
    cache: MemoryTagCache = field(factory=MemoryTagCache)
    clock: FakeClock = field(factory=FakeClock)
    ids: SequentialIds = field(factory=SequentialIds)
    catalog: PlanCatalog = field(factory=PlanCatalog.default)
    interview_bucket: Bucket = CREATE_INTERVIEW_BUCKET
    limiter: RateLimiter | None = None
    coach: Coach = field(factory=OfflineCoach)
    ai_bucket: Bucket | None = AI_BUCKET
    documents: Documents = field(factory=PypdfDocuments)
    transcripts: VoiceTranscripts | None = None
    speech_to_text: SpeechToText = field(factory=NoTranscription)
    recording_archive: RecordingArchive = field(factory=NoRecordings)
    speech_synthesis: SpeechSynthesis = field(factory=NoSpeech)
    container: Container = field(init=False)
    actions: Actions = field(init=False)

    def __attrs_post_init__(self) -> None:
        if self.storage is None:
            self.storage = FakeStorage(self.cache)
        if self.limiter is None:
            self.limiter = MemoryRateLimiter(self.clock)
        settings = fake_settings()
        buckets: Mapping[str, Bucket | None] = {
            **settings.buckets, "create_interview": self.interview_bucket, "ai": self.ai_bucket
        }
        self.container = bootstrap(
            evolve(settings, buckets=buckets),
            storage=self.storage,
            cache=self.cache,
            clock=self.clock,
            ids=self.ids,
            catalog=self.catalog,
            rate_limiter=self.limiter,
            coach=self.coach,
            documents=self.documents,
            transcripts=self.transcripts,
            speech_to_text=self.speech_to_text,
            recording_archive=self.recording_archive,
            speech_synthesis=self.speech_synthesis,
            password_hasher=FakePasswordHasher(),
            idempotency_keys=FakeIdempotencyKeys(self.clock, self.storage),
        )
        self.actions = self.container.actions()

    def run(self, name: str, actor: Actor | None, payload: object) -> Result:
        return self.actions.run(name, Context(actor), payload)

    def start(self, name: str, actor: Actor | None, payload: object) -> Result | Streaming[Any]:
        return self.actions.start(name, Context(actor), payload)

    def job_info(self, actor: Actor, payload: Mapping[str, object] = JOB_INFO) -> str:
        """The id of a new job info of the actor's, made by ``createJobInfo``."""
        result = self.run("createJobInfo", actor, dict(payload))
        assert isinstance(result, Success), result
        return str(result.data.id)

    def set_plan(self, actor: Actor, plan: str) -> None:
        with self.storage.unit_of_work(write=True) as uow:
            uow.users.set_plan(actor.user_id, plan)
            uow.commit()

    def user(self, name: str = "user", plan: str | None = None) -> Actor:
        now = self.clock.now()
        user_id = self.ids.new()
        with self.storage.unit_of_work(write=True) as uow:
            uow.users.add(User(user_id, name, f"{name}-{user_id}@example.com", None, now, now))
            if plan is not None:
                uow.users.set_plan(user_id, plan)
            uow.commit()
        return Actor(user_id)
