"""What the OpenAI-compatible coach's tests share: a job and a transcript,
the fake chat-completions server on 127.0.0.1 (``fake``) and coaches on it
(``coach``, ``make_coach``) that record the waits they ask for (``sleeps``)
instead of waiting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.ai.openai import OpenAiCoach
from core.domain import ExperienceLevel, JobContext, Speaker, TranscriptEntry
from tests.integration.fake_openai import FakeOpenAi

JOB = JobContext(
    name="Acme payments",
    title="Senior Backend Engineer",
    experience_level=ExperienceLevel.SENIOR,
    description="Build payment APIs in Python with Django and PostgreSQL.",
)
TRANSCRIPT = [
    TranscriptEntry(
        Speaker.INTERVIEWER, "Tell me about a hard bug.", datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    ),
    TranscriptEntry(
        Speaker.CANDIDATE, "A deadlock in our ledger service.", datetime(2025, 1, 1, 9, 1, tzinfo=UTC)
    ),
]


class Sleeps:
    """Records the waits the coach asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def fake() -> Iterator[FakeOpenAi]:
    with FakeOpenAi() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_coach(fake: FakeOpenAi, sleeps: Sleeps) -> Iterator[Callable[..., OpenAiCoach]]:
    """Coaches on the fake server with a tiny backoff and recorded sleeps;
    keyword arguments override the constructor's."""
    made: list[OpenAiCoach] = []

    def make(**overrides: Any) -> OpenAiCoach:
        arguments: dict[str, Any] = dict(
            base_url=fake.base_url, api_key="sk-test", model="test-model", timeout=5.0,
            backoff=0.01, sleep=sleeps,
        )
        made.append(OpenAiCoach(**(arguments | overrides)))
        return made[-1]

    yield make
    for coach in made:
        coach.close()


@pytest.fixture
def coach(make_coach: Callable[..., OpenAiCoach]) -> OpenAiCoach:
    return make_coach()
