"""The remote coach is asked for a question on the topic given, and for the
topic line the progress view reads (``**Topic:** ...``), which is then how
the question's topic is kept."""

from __future__ import annotations

from adapters.ai.openai import OpenAiCoach
from core.domain import Difficulty
from core.questions import question_topic
from tests.integration.fake_openai import FakeOpenAi, Reply
from tests.integration.openai_coach.conftest import JOB


def test_the_topic_is_in_the_prompt_and_the_answer_names_it(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(Reply(chunks=["**Topic:** Kubernetes\n\n", "How does a rolling update work?"]))

    shown = "".join(coach.question(JOB, Difficulty.MEDIUM, [], topic="kubernetes"))

    [request] = fake.requests
    assert "Make it about: kubernetes." in request.messages[-1]["content"]
    assert "**Topic:**" in request.messages[0]["content"]
    assert question_topic(shown, "kubernetes") == "Kubernetes"


def test_without_a_topic_the_prompt_asks_for_none(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(Reply(chunks=["How does a rolling update work?"]))
    shown = "".join(coach.question(JOB, Difficulty.MEDIUM, []))
    [request] = fake.requests
    assert "Make it about" not in request.messages[-1]["content"]
    assert question_topic(shown, None) is None
