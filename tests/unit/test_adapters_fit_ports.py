"""Every adapter is assigned to the port it implements, with its type
annotation, so that mypy (``make check`` type-checks this file) fails the
build when an adapter drifts from its port; running it builds each one."""

from __future__ import annotations

from pathlib import Path

import redis
from sqlalchemy import create_engine

from adapters.ai.hume import HumeTranscripts
from adapters.ai.offline.coach import OfflineCoach
from adapters.ai.openai import OpenAiCoach
from adapters.cache.memory import MemoryTagCache, NoCache
from adapters.cache.redis import RedisTagCache
from adapters.db.idempotency import SqlIdempotencyKeys
from adapters.db.storage import SqlStorage
from adapters.documents.reader import PypdfDocuments
from adapters.fakes import FakeClock, FakePasswordHasher, FakeStorage, SequentialIds
from adapters.fakes.coach import FailingCoach
from adapters.fakes.idempotency import FakeIdempotencyKeys
from adapters.fakes.transcripts import FakeVoiceTranscripts
from adapters.identity.local import LocalIdentity
from adapters.identity.passwords import Argon2PasswordHasher
from adapters.identity.strength import ZxcvbnStrength
from adapters.identity.tokens import KeyedTokens
from adapters.plans import LocalPlans
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from adapters.ratelimit.redis import RedisRateLimiter, RedisWindowLimiter
from adapters.ratelimit.sql import SqlRateLimiter, SqlWindowLimiter
from adapters.speech.archive import FolderRecordings, NoRecordings
from adapters.speech.recordings import AvRecordings
from adapters.speech.synthesis import NoSpeech, OpenAiSpeech
from adapters.speech.transcription import NoTranscription, OpenAiTranscription
from adapters.system import SystemClock, UuidIds
from core.idempotency import IdempotencyKeys
from core.plans import PlanCatalog
from core.ports import (
    Clock,
    Coach,
    Documents,
    Identity,
    Ids,
    PasswordHasher,
    PasswordStrength,
    Plans,
    RateLimiter,
    RecordingArchive,
    RecordingReader,
    SpeechSynthesis,
    SpeechToText,
    Storage,
    TagCache,
    Tokens,
    VoiceTranscripts,
    WindowLimiter,
)


def test_every_adapter_is_its_port(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'ports.sqlite3'}")
    client = redis.Redis.from_url("redis://127.0.0.1:1/0")  # never connected to here

    storages: list[Storage] = [SqlStorage(engine, MemoryTagCache()), FakeStorage()]
    caches: list[TagCache] = [MemoryTagCache(), NoCache(), RedisTagCache(client)]
    clocks: list[Clock] = [SystemClock(), FakeClock()]
    ids: list[Ids] = [UuidIds(), SequentialIds()]
    keys: list[IdempotencyKeys] = [SqlIdempotencyKeys(engine, clocks[0]), FakeIdempotencyKeys(clocks[0])]
    limiters: list[RateLimiter] = [
        MemoryRateLimiter(clocks[0]),
        SqlRateLimiter(engine, clocks[0]),
        RedisRateLimiter(client),
    ]
    window_limiters: list[WindowLimiter] = [
        MemoryWindowLimiter(clocks[0]),
        SqlWindowLimiter(engine, clocks[0]),
        RedisWindowLimiter(client),
    ]
    hashers: list[PasswordHasher] = [Argon2PasswordHasher(), FakePasswordHasher()]
    tokens: Tokens = KeyedTokens("test-secret")
    identity: Identity = LocalIdentity(storages[1], tokens, clocks[1], caches[0])
    plans: Plans = LocalPlans(PlanCatalog.default())
    coaches: list[Coach] = [
        OfflineCoach(),
        OpenAiCoach(base_url="http://127.0.0.1:1/v1", api_key=None, model="m"),
        FailingCoach(),
    ]
    documents: Documents = PypdfDocuments()
    strength: PasswordStrength = ZxcvbnStrength()
    transcripts: list[VoiceTranscripts] = [HumeTranscripts("key"), FakeVoiceTranscripts({})]
    recordings: RecordingReader = AvRecordings()
    archives: list[RecordingArchive] = [FolderRecordings(tmp_path / "audio"), NoRecordings()]
    voices: list[SpeechSynthesis] = [NoSpeech(), OpenAiSpeech("http://127.0.0.1:1/v1", None, "m", "v")]
    speech_to_text: list[SpeechToText] = [
        NoTranscription(), OpenAiTranscription("http://127.0.0.1:1/v1", None, "m")
    ]

    built = [*storages, *caches, *clocks, *ids, *keys, *limiters, *window_limiters, *hashers,
             tokens, identity, plans, *coaches, documents, strength, *transcripts, recordings,
             *speech_to_text, *archives, *voices]
    assert all(adapter is not None for adapter in built)
