"""The composition root: the one place that decides which adapter serves each
port, builds every use case, and registers every action.

``bootstrap(settings)`` builds the dependency-injector ``Container`` from
parsed ``Settings``; ``create_app``, the CLI and the tests all start here
(tests pass fakes by provider name: ``bootstrap(settings, storage=fake)``).

Use cases are built by name, as cosmicpython's ``bootstrap.py`` does: each
constructor parameter names a provider of the container (``storage``,
``clock``, ``coach``, ...), except ``limiter``, which gets an
``ActionLimiter`` bound to the action's name and buckets. A use case that
needs another port only names it in its constructor; a new action only joins
its feature's ``actions`` list.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

from adapters.cache.memory import MemoryTagCache, NoCache
from adapters.db.engine import make_engine
from adapters.db.idempotency import SqlIdempotencyKeys
from adapters.db.storage import SqlStorage
from adapters.documents.isolated import IsolatedDocuments
from adapters.identity.local import LocalIdentity
from adapters.identity.passwords import Argon2PasswordHasher
from adapters.identity.strength import ZxcvbnStrength
from adapters.identity.tokens import KeyedTokens
from adapters.plans import LocalPlans, ProvidedPlans, load_catalog
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from adapters.speech.archive import FolderRecordings, NoRecordings
from adapters.speech.recordings import AvRecordings
from adapters.system import SystemClock, UuidIds
from adapters.web.converter import structure, unstructure
from core import (
    accounts,
    interviews,
    jobinfos,
    plans,
    progress,
    questions,
    resumes,
    text_interviews,
    voice_interviews,
)
from core.allowances import Allowances
from core.domain import Bucket
from core.pipeline import Action, Actions, Handler
from core.ports import Clock, Storage
from core.rate_limit import ActionLimiter
from core.user_sync import ApplyUserEvent, EnsureUser
from entrypoints import clerk_wiring
from entrypoints.settings import Settings

if TYPE_CHECKING:  # optional backends: imported only when configured (start-up time)
    import redis
    from sqlalchemy import Engine

    from adapters.ai.hume import HumeTranscripts
    from adapters.ai.offline.coach import OfflineCoach
    from adapters.ai.openai import OpenAiCoach
    from adapters.cache.redis import RedisTagCache
    from adapters.ratelimit.redis import RedisRateLimiter, RedisWindowLimiter
    from adapters.ratelimit.sql import SqlRateLimiter, SqlWindowLimiter
    from adapters.speech.synthesis import NoSpeech, OpenAiSpeech
    from adapters.speech.transcription import NoTranscription, OpenAiTranscription

ACTIONS: list[Action[Any, Any]] = [
    *jobinfos.actions,
    *interviews.actions,
    *plans.actions,
    *questions.actions,
    *text_interviews.actions,
    *voice_interviews.actions,
    *resumes.actions,
    *progress.actions,
]
"""Every action of the API, feature by feature, but local accounts'."""


def actions_of(settings: Settings) -> list[Action[Any, Any]]:
    """The actions of this deployment: with local accounts, signing up, in
    and out too (Clerk does those itself)."""
    return [*accounts.actions, *ACTIONS] if settings.identity == "local" else list(ACTIONS)

WEB_MODULES = [
    "adapters.web.actions",
    "adapters.web.auth",
    "adapters.web.meta",
    "adapters.web.webhooks",
]
WEB_PACKAGES = ["adapters.web.pages"]
"""Wired module by module: every page module of the package."""


def hume_transcripts(api_key: str | None) -> HumeTranscripts | None:
    """Voice transcripts from Hume, when there is a key to read them with."""
    if not api_key:
        return None
    from adapters.ai.hume import HumeTranscripts

    return HumeTranscripts(api_key)


def openai_coach(**settings: Any) -> OpenAiCoach:
    from adapters.ai.openai import OpenAiCoach

    return OpenAiCoach(**settings)


def transcription(settings: Settings) -> OpenAiTranscription | NoTranscription:
    """Speech to text at ``STT_BASE_URL``, or none."""
    from adapters.speech.transcription import NoTranscription, OpenAiTranscription

    if settings.stt_base_url is None:
        return NoTranscription()
    return OpenAiTranscription(settings.stt_base_url, settings.stt_api_key, settings.stt_model)


def synthesis(settings: Settings) -> OpenAiSpeech | NoSpeech:
    """The interviewer's voice from ``TTS_BASE_URL``, or the browser's."""
    from adapters.speech.synthesis import NoSpeech, OpenAiSpeech

    if settings.tts_base_url is None:
        return NoSpeech()
    return OpenAiSpeech(settings.tts_base_url, settings.tts_api_key, settings.tts_model, settings.tts_voice)


def archive(settings: Settings) -> FolderRecordings | NoRecordings:
    """Spoken answers kept under the instance folder with ``KEEP_AUDIO=1``."""
    return FolderRecordings(settings.instance_path / "audio") if settings.keep_audio else NoRecordings()


def _health_checks(
    storage: Storage, redis_url: str | None, redis_client: Callable[[], redis.Redis]
) -> dict[str, Callable[[], object]]:
    """What ``/healthz`` pings, by backend: the database, and Redis when
    there is one."""
    checks: dict[str, Callable[[], object]] = {"database": storage.ping}
    if redis_url:
        checks["redis"] = lambda: redis_client().ping()
    return checks


def _offline_coach() -> OfflineCoach:
    """The built-in coach, imported on its first use (its rules and word
    lists are a tenth of a second of start-up)."""
    from adapters.ai.offline.coach import OfflineCoach

    return OfflineCoach()


def _redis_client(url: str) -> redis.Redis:
    from adapters.redis_client import connect

    return connect(url)


def _redis_cache(client: redis.Redis) -> RedisTagCache:
    from adapters.cache.redis import RedisTagCache

    return RedisTagCache(client)


def _redis_rate_limiter(client: redis.Redis) -> RedisRateLimiter:
    from adapters.ratelimit.redis import RedisRateLimiter

    return RedisRateLimiter(client)


def _redis_window_limiter(client: redis.Redis) -> RedisWindowLimiter:
    from adapters.ratelimit.redis import RedisWindowLimiter

    return RedisWindowLimiter(client)


def _sql_rate_limiter(engine: Engine, clock: Clock) -> SqlRateLimiter:
    """Rate limits in the database (several workers, no Redis): imported
    only then, as is SQLAlchemy's PostgreSQL dialect, which it uses."""
    from adapters.ratelimit.sql import SqlRateLimiter

    return SqlRateLimiter(engine, clock)


def _sql_window_limiter(engine: Engine, clock: Clock) -> SqlWindowLimiter:
    from adapters.ratelimit.sql import SqlWindowLimiter

    return SqlWindowLimiter(engine, clock)


class Container(containers.DeclarativeContainer):
    """Which adapter serves each port, chosen by the settings. A provider's
    name is the constructor parameter it fills."""

    __self__ = providers.Self()
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidIds)
    buckets = providers.Callable(lambda s: s.buckets, settings)
    session_lifetime = providers.Callable(lambda s: s.session_lifetime, settings)
    max_job_infos = providers.Callable(lambda s: s.max_job_infos, settings)

    engine = providers.Singleton(make_engine, settings.provided.database_url)
    # Short timeouts and a circuit breaker (adapters.redis_client).
    redis_client = providers.Singleton(_redis_client, settings.provided.redis_url)

    # The cache: Redis when there is one; in this process only when the app
    # is one process; otherwise none rather than ever stale.
    cache = providers.Selector(
        providers.Callable(lambda s: s.shared_backend("none"), settings),
        redis=providers.Singleton(_redis_cache, redis_client),
        memory=providers.Singleton(MemoryTagCache),
        none=providers.Singleton(NoCache),
    )
    storage = providers.Singleton(SqlStorage, engine, cache)
    # Sessions are cached only by a process's own cache, which every sign-out
    # reaches. With Redis each request reads its session from the database
    # (one look-up, a round trip as the cache's version check would be), so a
    # revocation never depends on an invalidation being delivered.
    session_cache = providers.Callable(
        lambda shared, s: shared if s.shared_backend("none") == "memory" else NoCache(), cache, settings
    )
    health_checks = providers.Callable(
        _health_checks, storage, settings.provided.redis_url, redis_client.provider
    )

    # Rate limits are exact across every worker: in Redis, in the database,
    # or in this process when it is the only one.
    rate_limiter = providers.Selector(
        providers.Callable(lambda s: s.shared_backend("sql"), settings),
        redis=providers.Singleton(_redis_rate_limiter, redis_client),
        sql=providers.Singleton(_sql_rate_limiter, engine, clock),
        memory=providers.Singleton(MemoryRateLimiter, clock),
    )
    window_limiter = providers.Selector(
        providers.Callable(lambda s: s.shared_backend("sql"), settings),
        redis=providers.Singleton(_redis_window_limiter, redis_client),
        sql=providers.Singleton(_sql_window_limiter, engine, clock),
        memory=providers.Singleton(MemoryWindowLimiter, clock),
    )

    catalog = providers.Singleton(load_catalog, settings.provided.plan_catalog)
    # Plans: stored per user, or as Clerk's session token says (its fea/pla).
    plans = providers.Selector(
        settings.provided.plans,
        local=providers.Singleton(LocalPlans, catalog),
        clerk=providers.Singleton(ProvidedPlans, catalog),
    )
    allowances = providers.Singleton(
        Allowances, storage=storage, plans=plans, catalog=catalog, clock=clock, ids=ids
    )

    # The AI coach: built in and offline unless configured otherwise.
    coach = providers.Selector(
        settings.provided.ai_provider,
        offline=providers.Singleton(_offline_coach),
        openai=providers.Singleton(
            openai_coach,
            base_url=settings.provided.openai_base_url,
            api_key=settings.provided.openai_api_key,
            model=settings.provided.openai_model,
        ),
    )
    documents = providers.Singleton(IsolatedDocuments)  # each file read in a limited child process
    transcripts = providers.Singleton(hume_transcripts, settings.provided.hume_api_key)
    recordings = providers.Singleton(AvRecordings)
    speech_to_text = providers.Singleton(transcription, settings)
    speech_synthesis = providers.Singleton(synthesis, settings)
    recording_archive = providers.Singleton(archive, settings)

    password_hasher = providers.Singleton(Argon2PasswordHasher)
    password_strength = providers.Singleton(ZxcvbnStrength)
    tokens = providers.Singleton(KeyedTokens, settings.provided.secret_key)
    # Who signs in: local accounts, or Clerk session tokens (users kept in
    # step by Clerk's webhooks, and created on first use).
    profiles = providers.Singleton(clerk_wiring.clerk_backend, settings.provided.clerk)
    ensure_user = providers.Singleton(EnsureUser, storage=storage, cache=cache, clock=clock, profiles=profiles)
    identity = providers.Selector(
        settings.provided.identity,
        local=providers.Singleton(LocalIdentity, storage, tokens, clock, session_cache),
        clerk=providers.Singleton(
            clerk_wiring.clerk_identity,
            providers.Singleton(clerk_wiring.clerk_tokens, settings.provided.clerk, clock),
            ensure_user,
        ),
    )
    clerk_webhooks = providers.Singleton(clerk_wiring.clerk_webhooks, settings.provided.clerk)
    apply_user_event = providers.Singleton(
        ApplyUserEvent, storage=storage, clock=clock, recording_archive=recording_archive
    )

    # Answers kept under clients' idempotency keys, in the database.
    idempotency_keys = providers.Singleton(SqlIdempotencyKeys, engine, clock)

    action_list = providers.Callable(actions_of, settings)
    actions = providers.Singleton(lambda container, declared: bind(container, declared), __self__, action_list)


def bootstrap(settings: Settings, **overrides: object) -> Container:
    """The container for ``settings``, its providers named in ``overrides``
    replaced by the objects given (the tests' fakes). Configuration that the
    settings only name (the ``PLAN_CATALOG`` file) is read now, so that a bad
    one stops darasa at start; raises ValueError naming it."""
    container = Container()
    container.settings.override(providers.Object(settings))
    for name, value in overrides.items():
        provider = container.providers.get(name)
        if provider is None:
            raise ValueError(f"the container has no provider {name!r} to override")
        provider.override(providers.Object(value))
    container.catalog()
    return container


def build(container: Container, use_case: Callable[..., Handler], action: Action[Any, Any] | None = None) -> Handler:
    """``use_case`` with each constructor parameter filled from the provider
    of the same name; ``limiter`` is bound to ``action``'s name and buckets."""
    given: dict[str, object] = {}
    for name in inspect.signature(use_case).parameters:
        if name == "limiter":
            if action is None or not action.buckets:
                raise ValueError(f"{use_case.__name__} asks for a limiter but its action declares no bucket")
            given[name] = ActionLimiter(container.rate_limiter(), action.name, _buckets(container, action))
            continue
        provider = container.providers.get(name)
        if provider is None:
            raise ValueError(f"{use_case.__name__} needs {name!r}, which the container does not provide")
        given[name] = provider()
    return use_case(**given)


def _buckets(container: Container, action: Action[Any, Any]) -> Mapping[str, Bucket | None]:
    known: Mapping[str, Bucket | None] = container.buckets()
    missing = sorted(set(action.buckets.values()) - set(known))
    if missing:
        raise ValueError(f"action {action.name!r} names unknown bucket(s): {', '.join(missing)}")
    return {purpose: known[name] for purpose, name in action.buckets.items()}


def bind(container: Container, declared: Iterable[Action[Any, Any]]) -> Actions:
    """The registry of ``declared`` actions, each use case built once; the
    answers kept under idempotency keys are stored as their wire JSON."""
    return Actions(
        [(action, build(container, action.use_case, action)) for action in declared],
        structure,
        keys=container.idempotency_keys(),
        encode=lambda result: json.dumps(unstructure(result), ensure_ascii=False),
        decode=lambda kind, text: None if kind is None else structure(kind, json.loads(text)),
    )
