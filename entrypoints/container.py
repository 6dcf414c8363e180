"""The dependency-injector container: which adapter serves each port, chosen
by configuration. Tests override providers with fakes."""

from __future__ import annotations

import itertools

import redis
from dependency_injector import containers, providers

from adapters.ai.hume import HumeTranscripts
from adapters.ai.offline.coach import OfflineCoach
from adapters.ai.offline.documents import DocumentReader
from adapters.ai.openai import OpenAiCoach
from adapters.cache.memory import MemoryTagCache, NoCache
from adapters.cache.redis import RedisTagCache
from adapters.db.engine import make_engine
from adapters.db.storage import SqlStorage
from adapters.identity.clerk import ClerkIdentity
from adapters.identity.local import LocalIdentity
from adapters.identity.passwords import Argon2PasswordHasher
from adapters.identity.tokens import KeyedTokens
from adapters.plans import LocalPlans, load_catalog
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from adapters.ratelimit.redis import RedisRateLimiter, RedisWindowLimiter
from adapters.ratelimit.sql import SqlRateLimiter, SqlWindowLimiter
from adapters.speech.recordings import AvRecordings
from adapters.speech.transcription import NoTranscription, OpenAiTranscription
from adapters.system import SystemClock, UuidIds
from adapters.web.converter import structure
from core.accounts import SignIn, SignOut, SignUp
from core.interviews import interview_actions
from core.jobinfos import job_info_actions
from core.mock_interviews import mock_interview_actions
from core.pipeline import Actions
from core.plans import ChangePlan, plan_actions
from core.questions import question_actions
from core.resumes import resume_actions
from core.user_sync import ApplyUserEvent, EnsureUser
from entrypoints import clerk_wiring
from entrypoints.settings import parse_ai_rate_limit


def hume_transcripts(api_key: str | None) -> HumeTranscripts | None:
    """Voice transcripts from Hume, when there is a key to read them with."""
    return HumeTranscripts(api_key) if api_key else None


def transcription_service(
    base_url: str | None, api_key: str | None, model: str
) -> OpenAiTranscription | NoTranscription:
    """The transcription service of ``STT_BASE_URL``, or none."""
    return OpenAiTranscription(base_url, api_key, model) if base_url else NoTranscription()


WEB_MODULES = [
    "adapters.web.actions",
    "adapters.web.auth",
    "adapters.web.meta",
    "adapters.web.pages",
    "adapters.web.webhooks",
]


class Container(containers.DeclarativeContainer):
    wiring_config = containers.WiringConfiguration(modules=WEB_MODULES, warn_unresolved=True)

    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidIds)

    engine = providers.Singleton(make_engine, config.database_url)
    storage = providers.Singleton(SqlStorage, engine)
    redis_client = providers.Singleton(redis.Redis.from_url, config.redis_url)

    # The cache: Redis when there is one; in this process only when the app
    # is one process; otherwise none rather than ever stale.
    cache = providers.Selector(
        config.cache_backend,
        redis=providers.Singleton(RedisTagCache, redis_client),
        memory=providers.Singleton(MemoryTagCache),
        none=providers.Singleton(NoCache),
    )

    # Rate limits are exact across every worker: in Redis, in the database,
    # or in this process when it is the only one.
    limiter = providers.Selector(
        config.limits_backend,
        redis=providers.Singleton(RedisRateLimiter, redis_client),
        sql=providers.Singleton(SqlRateLimiter, engine, clock),
        memory=providers.Singleton(MemoryRateLimiter, clock),
    )
    window_limiter = providers.Selector(
        config.limits_backend,
        redis=providers.Singleton(RedisWindowLimiter, redis_client),
        sql=providers.Singleton(SqlWindowLimiter, engine, clock),
        memory=providers.Singleton(MemoryWindowLimiter, clock),
    )

    plan_catalog = providers.Singleton(load_catalog, config.plan_catalog)
    plans = providers.Singleton(LocalPlans, storage, plan_catalog)
    change_plan = providers.Singleton(ChangePlan, storage, cache, plan_catalog)

    # The AI coach: built in and offline unless configured otherwise.
    coach = providers.Selector(
        config.ai_provider,
        offline=providers.Singleton(OfflineCoach),
        openai=providers.Singleton(
            OpenAiCoach,
            base_url=config.openai_base_url,
            api_key=config.openai_api_key,
            model=config.openai_model,
        ),
    )
    ai_bucket = providers.Singleton(parse_ai_rate_limit, config.ai_rate_limit)
    document_reader = providers.Singleton(DocumentReader)
    transcripts = providers.Singleton(hume_transcripts, config.hume_api_key)
    recordings = providers.Singleton(AvRecordings)
    speech_to_text = providers.Singleton(
        transcription_service, config.stt_base_url, config.stt_api_key, config.stt_model
    )

    password_hasher = providers.Singleton(Argon2PasswordHasher)
    tokens = providers.Singleton(KeyedTokens, config.secret_key)
    # Who signs in: local accounts, or Clerk session tokens (users kept in
    # step by Clerk's webhooks, and created on first use).
    ensure_user = providers.Singleton(
        EnsureUser, storage, cache, clock, providers.Singleton(clerk_wiring.clerk_backend, config.clerk)
    )
    identity = providers.Selector(
        config.identity,
        local=providers.Singleton(LocalIdentity, storage, tokens, clock, cache),
        clerk=providers.Singleton(
            ClerkIdentity, providers.Singleton(clerk_wiring.clerk_tokens, config.clerk, clock), ensure_user
        ),
    )
    clerk_webhooks = providers.Singleton(clerk_wiring.clerk_webhooks, config.clerk)
    apply_user_event = providers.Singleton(ApplyUserEvent, storage, cache, clock)
    sign_up = providers.Singleton(SignUp, storage, password_hasher, tokens, clock, ids, limiter)
    sign_in = providers.Singleton(SignIn, storage, password_hasher, tokens, clock, ids, limiter)
    sign_out = providers.Singleton(SignOut, storage, tokens, clock, cache)

    action_list = providers.Callable(
        lambda *groups: list(itertools.chain(*groups)),
        providers.Callable(job_info_actions, storage, cache, clock, ids),
        providers.Callable(
            interview_actions, storage, cache, clock, ids, plans, plan_catalog, limiter
        ),
        providers.Callable(plan_actions, plans),
        providers.Callable(
            question_actions,
            storage, cache, clock, ids, plans, plan_catalog, limiter, coach, ai_bucket,
        ),
        providers.Callable(
            mock_interview_actions,
            storage, cache, clock, ids, limiter, coach, transcripts, ai_bucket,
        ),
        providers.Callable(
            resume_actions,
            storage, cache, clock, ids, plans, limiter, coach, document_reader, ai_bucket,
        ),
    )
    actions = providers.Singleton(Actions, action_list, structure)
