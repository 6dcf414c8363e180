"""Technical questions end to end against real server processes: generating
a question and rating answers on a senior Python/PostgreSQL job, as JSON and
as server-sent events; listing them back; refusals that stay plain JSON
even when events are asked for; the free plan's 5 questions lifted by
``darasa plans set``. Then the same flow with the coach on a fake
OpenAI-compatible server, and that server misbehaving: AI_FAILED, and
nothing stored."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Account, Server, act, envelope, events, set_plan, sign_up
from tests.integration.fake_openai import DEFAULT_TEXT, CutOff, FakeOpenAi, Reply, Status

JOB = {
    "name": "Payments platform",
    "title": "Senior Backend Engineer",
    "experienceLevel": "senior",
    "description": "Build payment APIs in Python (Django, FastAPI) on PostgreSQL: query tuning, "
    "indexes, transactions, migrations on large tables; Redis caching; Docker.",
}
SKILLS = ("Python", "PostgreSQL", "Django", "FastAPI", "SQL", "Redis", "Docker", "REST", "HTTP")
SSE = {"Accept": "text/event-stream"}
ANSWER = (
    "I start from the evidence: pg_stat_statements shows which queries take the most time, and "
    "EXPLAIN (ANALYZE, BUFFERS) shows the real plan. For example, a sequential scan on 40 million "
    "payments went away with a composite index created CONCURRENTLY; p95 went from 800 ms to 20 ms."
)


# --- helpers -------------------------------------------------------------------


def new_job(client: httpx.Client, account: Account) -> str:
    return envelope(act(client, account, "createJobInfo", JOB))["id"]


def ask(client: httpx.Client, account: Account, job_id: str, difficulty: str = "medium",
        headers: dict[str, str] | None = None) -> httpx.Response:
    return act(client, account, "generateQuestion", {"jobInfoId": job_id, "difficulty": difficulty}, headers)


def rate(client: httpx.Client, account: Account, question_id: str, answer: str,
         headers: dict[str, str] | None = None) -> httpx.Response:
    return act(client, account, "generateQuestionFeedback", {"questionId": question_id, "answer": answer}, headers)


def listed(client: httpx.Client, account: Account, job_id: str) -> list[dict[str, Any]]:
    return envelope(act(client, account, "listQuestions", {"jobInfoId": job_id}))["questions"]


def assert_feedback(body: dict[str, Any]) -> None:
    rating = body["rating"]
    assert isinstance(rating, int) and 1 <= rating <= 10
    assert body["feedback"].startswith(f"## Feedback (Rating: {rating}/10)")
    critique, correct = body["feedback"].split("\n---\n", 1)
    assert critique.strip() and "## Correct Answer" in correct


# --- the offline coach (the default) ----------------------------------------------


def test_questions_and_feedback_on_a_senior_python_postgres_job(server: Server, client: httpx.Client) -> None:
    account = sign_up(client, "Wanjiru")
    set_plan(server, account, "pro")
    job_id = new_job(client, account)

    first = envelope(ask(client, account, job_id))
    assert set(first) == {"error", "questionId", "text"}
    assert any(skill in first["text"] for skill in SKILLS), first["text"]

    deltas, second = events(ask(client, account, job_id, "hard", SSE))
    assert len(deltas) > 1
    assert second["error"] is False and set(second) == {"error", "questionId", "text"}
    assert "".join(deltas) == second["text"]
    assert second["text"] != first["text"] and second["questionId"] != first["questionId"]

    weak = envelope(rate(client, account, first["questionId"], "I don't know."))
    assert set(weak) == {"error", "feedback", "rating"}
    assert_feedback(weak)
    deltas, strong = events(rate(client, account, first["questionId"], ANSWER, SSE))
    assert len(deltas) > 1 and "".join(deltas) == strong["feedback"]
    assert_feedback(strong)

    questions = listed(client, account, job_id)
    assert [(q["id"], q["text"], q["difficulty"]) for q in questions] == [
        (second["questionId"], second["text"], "hard"),
        (first["questionId"], first["text"], "medium"),
    ]
    assert questions[0]["answers"] == []
    assert [(a["text"], a["feedback"], a["rating"]) for a in questions[1]["answers"]] == [
        ("I don't know.", weak["feedback"], weak["rating"]),
        (ANSWER, strong["feedback"], strong["rating"]),
    ]
    assert {"id", "questionId", "createdAt"} <= set(questions[1]["answers"][0])


def test_refusals_are_plain_json_even_when_events_are_asked_for(server: Server, client: httpx.Client) -> None:
    account, other = sign_up(client, "Njoki"), sign_up(client, "Otieno")
    job_id, foreign_job_id = new_job(client, account), new_job(client, other)
    foreign_question = envelope(ask(client, other, foreign_job_id))["questionId"]

    envelope(act(client, None, "generateQuestion", {"jobInfoId": job_id, "difficulty": "easy"}, SSE),
             401, "UNAUTHENTICATED")
    envelope(act(client, None, "generateQuestionFeedback", {"questionId": foreign_question, "answer": "x"}, SSE),
             401, "UNAUTHENTICATED")
    envelope(ask(client, account, foreign_job_id, "easy", SSE), 403, "FORBIDDEN")
    envelope(rate(client, account, foreign_question, "Let me try", SSE), 403, "FORBIDDEN")
    envelope(act(client, account, "listQuestions", {"jobInfoId": foreign_job_id}, SSE), 403, "FORBIDDEN")
    invalid = envelope(ask(client, account, job_id, "impossible", SSE), 422, "VALIDATION")
    assert list(invalid["fieldErrors"]) == ["difficulty"]
    own_question = envelope(ask(client, account, job_id, "easy"))["questionId"]
    for answer in ("", "   ", "x" * 10_001):
        refused = envelope(rate(client, account, own_question, answer, SSE), 422, "VALIDATION")
        assert list(refused["fieldErrors"]) == ["answer"]

    # the free plan: 5 questions in all, then PLAN_LIMIT, as JSON
    for _ in range(4):
        _, result = events(ask(client, account, job_id, "medium", SSE))
        assert result["error"] is False, result
    limit = envelope(ask(client, account, job_id, "medium", SSE), 403, "PLAN_LIMIT")
    assert limit["upgradeUrl"]
    assert len(listed(client, account, job_id)) == 5
    set_plan(server, account, "pro")
    _, result = events(ask(client, account, job_id, "medium", SSE))
    assert result["error"] is False and len(listed(client, account, job_id)) == 6


# --- the OpenAI-compatible coach on a fake server ------------------------------------


QUESTIONS = itertools.count(1)


def question_or_feedback(body: Any) -> str:
    """The fake provider's default answers: a new question when asked for
    one, else feedback in the expected shape."""
    last = body["messages"][-1]["content"] if isinstance(body, dict) else ""
    if last.startswith("Ask me a new"):
        return f"How would you find and fix slow query number {next(QUESTIONS)} in PostgreSQL?"
    return DEFAULT_TEXT


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAi]:
    """The provider conftest's ``openai_server`` runs darasa's coach on."""
    with FakeOpenAi(responder=question_or_feedback) as fake:
        yield fake


def test_the_same_flow_with_an_openai_compatible_server(
    openai_server: Server, remote: httpx.Client, fake_openai: FakeOpenAi
) -> None:
    account = sign_up(remote, "Achieng")
    job_id = new_job(remote, account)
    first = envelope(ask(remote, account, job_id))
    assert "PostgreSQL" in first["text"]
    request = fake_openai.requests[-1]
    assert request.body["model"] == "fake-model" and request.body["stream"] is True
    assert request.headers["authorization"] == "Bearer sk-test-key"
    assert JOB["description"] in request.prompt and "senior" in request.prompt

    deltas, second = events(ask(remote, account, job_id, "hard", SSE))
    assert len(deltas) > 1 and "".join(deltas) == second["text"] and second["error"] is False
    assert first["text"] in fake_openai.requests[-1].prompt  # told what not to repeat

    deltas, rated = events(rate(remote, account, second["questionId"], "Use EXPLAIN ANALYZE.", SSE))
    assert len(deltas) > 1 and rated == {"error": False, "feedback": DEFAULT_TEXT, "rating": 7}
    assert_feedback(rated)
    assert "Use EXPLAIN ANALYZE." in fake_openai.requests[-1].prompt

    questions = listed(remote, account, job_id)
    assert [q["id"] for q in questions] == [second["questionId"], first["questionId"]]
    assert [(a["text"], a["rating"]) for a in questions[0]["answers"]] == [("Use EXPLAIN ANALYZE.", 7)]


def test_a_misbehaving_provider_is_ai_failed_and_nothing_is_stored(
    openai_server: Server, remote: httpx.Client, fake_openai: FakeOpenAi
) -> None:
    account = sign_up(remote, "Kamau")
    job_id = new_job(remote, account)
    question_id = envelope(ask(remote, account, job_id))["questionId"]
    before = listed(remote, account, job_id)

    fake_openai.script(*[Status(500)] * 4)  # every try of the first call and its retries
    failed = envelope(ask(remote, account, job_id), 502, "AI_FAILED")
    assert failed["message"] == "Failed to generate question"

    fake_openai.script(CutOff(chunks=("How would ", "you shard ")))
    deltas, result = events(ask(remote, account, job_id, "hard", SSE))
    assert deltas == ["How would ", "you shard "]
    assert result == {"error": True, "code": "AI_FAILED", "message": "Failed to generate question"}

    fake_openai.script(*[Status(500)] * 4)
    envelope(rate(remote, account, question_id, "An answer"), 502, "AI_FAILED")
    fake_openai.script(Reply(content="Great answer, well done!"))
    no_rating = envelope(rate(remote, account, question_id, "An answer"), 502, "AI_FAILED")
    assert no_rating["message"] == "Failed to generate feedback"
    fake_openai.script(CutOff(chunks=("## Feedback (Rating: 9/10)\n",)))
    _, result = events(rate(remote, account, question_id, "An answer", SSE))
    assert result["code"] == "AI_FAILED"

    assert listed(remote, account, job_id) == before
    # a failed question took nothing from the free plan's 5
    for _ in range(4):
        envelope(ask(remote, account, job_id))
    envelope(ask(remote, account, job_id), 403, "PLAN_LIMIT")
