"""The real Flask app on the application's own container, its storage,
cache, clock, ids, password hasher and limiters overridden by fakes and
in-process backends, as the unit tests of the web adapter use it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from adapters.cache.memory import MemoryTagCache
from adapters.fakes import FakeClock, FakePasswordHasher, FakeStorage, SequentialIds
from adapters.fakes.idempotency import FakeIdempotencyKeys
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from entrypoints.app import create_app
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings


@contextmanager
def web_app_on_fakes(
    instance: Path, clock: FakeClock | None = None, env: Mapping[str, str] | None = None
) -> Iterator[Flask]:
    """The app for one block, its providers overridden by fakes (its storage
    is ``app.container.storage()``); ``env`` adds settings."""
    settings = Settings.from_env({"DARASA_INSTANCE": str(instance), "SECRET_KEY": "test-secret", **(env or {})})
    clock = FakeClock() if clock is None else clock
    cache = MemoryTagCache()
    storage = FakeStorage(cache)
    container = bootstrap(
        settings,
        storage=storage,
        cache=cache,
        clock=clock,
        ids=SequentialIds(),
        password_hasher=FakePasswordHasher(),
        rate_limiter=MemoryRateLimiter(clock),
        window_limiter=MemoryWindowLimiter(clock),
        idempotency_keys=FakeIdempotencyKeys(clock, storage),
    )
    try:
        yield create_app(settings, container)
    finally:
        container.unwire()
        container.reset_override()
