"""The real Flask app with its container's storage, clock, ids, password
hasher and limiters replaced by the in-memory fakes, as the unit tests of
the web adapter use it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from adapters.memory import FakeClock, MemoryStorage, SequentialIds
from adapters.memory.passwords import FakePasswordHasher
from adapters.ratelimit.memory import MemoryRateLimiter, MemoryWindowLimiter
from entrypoints.app import create_app
from entrypoints.container import Container
from entrypoints.settings import Settings


@contextmanager
def web_app_on_fakes(
    instance: Path, clock: FakeClock | None = None, env: Mapping[str, str] | None = None
) -> Iterator[Flask]:
    """The app for one block, its providers overridden by fakes (its storage
    is ``app.container.storage()``); ``env`` adds settings."""
    settings = Settings.from_env({"DARASA_INSTANCE": str(instance), "SECRET_KEY": "test-secret", **(env or {})})
    container = Container()
    container.config.from_dict(settings.as_config())
    clock = FakeClock() if clock is None else clock
    overrides = {
        container.storage: MemoryStorage(),
        container.clock: clock,
        container.ids: SequentialIds(),
        container.password_hasher: FakePasswordHasher(),
        container.limiter: MemoryRateLimiter(clock),
        container.window_limiter: MemoryWindowLimiter(clock),
    }
    for provider, fake in overrides.items():
        provider.override(fake)
    try:
        yield create_app(settings, container, migrate=False)
    finally:
        container.unwire()
        container.reset_override()
