"""Every way the provider can misbehave, against the fake server: server
errors and 429s retried with backoff (and ``Retry-After`` capped), other
client errors failing at once, timeouts, and bodies or streams that are
malformed, cut off or stopped by the length limit."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from adapters.ai.http import MAX_RETRY_AFTER
from adapters.ai.openai import OpenAiCoach
from core.domain import Difficulty
from core.errors import AiFailed
from tests.integration.fake_openai import CutOff, FakeOpenAi, MalformedBody, MalformedSse, Reply, Slow, Status
from tests.integration.openai_coach.conftest import JOB, TRANSCRIPT, Sleeps

# --- retries and backoff ----------------------------------------------------------


def test_a_server_error_is_retried_with_backoff(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps
) -> None:
    fake.script(Status(500), Status(503), Reply("Recovered question"))

    assert "".join(coach.question(JOB, Difficulty.EASY, [])) == "Recovered question"
    assert len(fake.requests) == 3
    assert sleeps.waits == [0.01, 0.02]


def test_retries_give_up_after_max_retries(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps
) -> None:
    fake.script(*[Status(502)] * 4)

    with pytest.raises(AiFailed, match="^Failed to generate feedback$"):
        "".join(coach.answer_feedback(JOB, "q", "a"))
    assert len(fake.requests) == 4  # the first try and three retries
    assert sleeps.waits == [0.01, 0.02, 0.04]


def test_too_many_requests_waits_as_long_as_retry_after_says(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps
) -> None:
    fake.script(Status(429, {"Retry-After": "2"}), Reply("Next line"))

    assert coach.interviewer_turn(JOB, TRANSCRIPT) == "Next line"
    assert sleeps.waits == [2.0]


def test_retry_after_is_capped(fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps) -> None:
    fake.script(Status(429, {"Retry-After": "86400"}), Reply())

    coach.analyze_resume(JOB, "resume")
    assert sleeps.waits == [MAX_RETRY_AFTER]


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after-ms": "250", "Retry-After": "1"}, 0.25),
        ({"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}, MAX_RETRY_AFTER),
        ({"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}, 0.0),
        ({"Retry-After": "soon"}, 0.01),
    ],
    ids=["milliseconds-first", "future-date", "past-date", "unreadable"],
)
def test_retry_after_forms(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps, headers: dict[str, str], wait: float
) -> None:
    fake.script(Status(429, headers), Reply("ok"))

    assert coach.interviewer_turn(JOB, []) == "ok"
    assert sleeps.waits == [wait]


def test_too_many_requests_without_retry_after_backs_off(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps
) -> None:
    fake.script(Status(429), Reply())

    coach.analyze_resume(JOB, "resume")
    assert sleeps.waits == [0.01]


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_other_client_errors_fail_at_once(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps, code: int
) -> None:
    fake.script(Status(code))

    with pytest.raises(AiFailed, match="^Failed to generate question$"):
        list(coach.question(JOB, Difficulty.EASY, []))
    assert len(fake.requests) == 1
    assert sleeps.waits == []


def test_a_refused_connection_is_retried_then_fails(
    make_coach: Callable[..., OpenAiCoach], sleeps: Sleeps
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once it is closed
    coach = make_coach(base_url=f"http://127.0.0.1:{port}/v1", max_retries=2)

    with pytest.raises(AiFailed, match="^Failed to generate analysis$"):
        coach.analyze_resume(JOB, "resume")
    assert sleeps.waits == [0.01, 0.02]


# --- timeouts ---------------------------------------------------------------------


def test_a_slow_server_times_out_and_fails(
    fake: FakeOpenAi, make_coach: Callable[..., OpenAiCoach]
) -> None:
    coach = make_coach(timeout=0.2, max_retries=0)
    fake.script(Slow(30))

    with pytest.raises(AiFailed, match="^Failed to generate question$"):
        list(coach.question(JOB, Difficulty.EASY, []))


def test_a_timeout_is_retried(fake: FakeOpenAi, make_coach: Callable[..., OpenAiCoach]) -> None:
    coach = make_coach(timeout=0.2, max_retries=1)
    fake.script(Slow(30), Reply("Made it"))

    assert coach.interviewer_turn(JOB, []) == "Made it"
    assert len(fake.requests) == 2


# --- malformed and broken answers -------------------------------------------------


def test_a_body_that_is_not_json_fails(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(MalformedBody())

    with pytest.raises(AiFailed, match="^Failed to generate analysis$"):
        coach.analyze_resume(JOB, "resume")


def test_a_malformed_stream_event_fails(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(MalformedSse())

    with pytest.raises(AiFailed, match="^Failed to generate question$"):
        list(coach.question(JOB, Difficulty.EASY, []))


@pytest.mark.parametrize("abrupt", [True, False], ids=["connection-dropped", "closed-early"])
def test_a_cut_off_stream_fails_and_is_not_retried(
    fake: FakeOpenAi, coach: OpenAiCoach, sleeps: Sleeps, abrupt: bool
) -> None:
    fake.script(CutOff(["## Feedback (Rating: ", "8"], abrupt=abrupt))

    received: list[str] = []
    with pytest.raises(AiFailed, match="^Failed to generate feedback$"):
        for chunk in coach.interview_feedback(JOB, TRANSCRIPT):
            received.append(chunk)
    assert received == ["## Feedback (Rating: ", "8"]
    assert len(fake.requests) == 1
    assert sleeps.waits == []


def test_a_stream_stopped_by_the_length_limit_fails(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(Reply("## Feedback (Rating: 5/10)\nYou said", finish_reason="length"))

    with pytest.raises(AiFailed, match="^Failed to generate feedback$"):
        "".join(coach.answer_feedback(JOB, "q", "a"))
