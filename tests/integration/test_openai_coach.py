"""The OpenAI-compatible coach against a fake chat-completions server on
127.0.0.1: every Coach method, what the prompts carry, and every way the
provider can misbehave."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from attrs import evolve

from adapters.ai.http import MAX_RETRY_AFTER
from adapters.ai.openai import OpenAiCoach
from core.domain import (
    CategoryAnalysis,
    Difficulty,
    ExperienceLevel,
    FeedbackItem,
    FeedbackType,
    JobContext,
    ResumeAnalysis,
    Speaker,
    TranscriptEntry,
)
from core.errors import AiFailed
from core.speech import Filler, SpeechMetrics
from tests.integration.fake_openai import (
    SAMPLE_ANALYSIS,
    CutOff,
    FakeOpenAi,
    MalformedBody,
    MalformedSse,
    Reply,
    Slow,
    Status,
)

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


def assert_carries_job(prompt: str) -> None:
    assert JOB.description in prompt
    assert "senior" in prompt
    assert "Senior Backend Engineer" in prompt


# --- text methods stream --------------------------------------------------------


def test_question_streams_the_text_and_sends_the_job_and_previous_questions(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    fake.script(Reply(chunks=["What is ", "a database ", "index?"]))

    chunks = list(coach.question(JOB, Difficulty.HARD, ["What is a mutex?", "Explain REST."]))

    assert chunks == ["What is ", "a database ", "index?"]
    [request] = fake.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body["model"] == "test-model"
    assert request.body["stream"] is True
    assert_carries_job(request.messages[0]["content"])
    earlier = [m["content"] for m in request.messages if m["role"] == "assistant"]
    assert earlier == ["What is a mutex?", "Explain REST."]
    assert "hard" in request.messages[-1]["content"]
    assert request.messages[-1]["role"] == "user"


def test_chunks_reach_the_caller_before_the_stream_has_finished(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    gate = threading.Event()  # the server sends the rest only once it is set
    fake.script(Reply(chunks=["First ", "second"], gate=gate))

    stream = iter(coach.question(JOB, Difficulty.EASY, []))
    first = next(stream)
    gate.set()

    assert first == "First "
    assert list(stream) == ["second"]


def test_answer_feedback_streams_and_sends_question_and_answer(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    feedback = "## Feedback (Rating: 6/10)\nGood start.\n\n---\n\n## Correct Answer\nUse an index."
    fake.script(Reply(feedback))

    text = "".join(coach.answer_feedback(JOB, "How do you speed up a query?", "Add caching."))

    assert text == feedback
    [request] = fake.requests
    assert request.body["stream"] is True
    assert_carries_job(request.prompt)
    assert "How do you speed up a query?" in request.prompt
    assert "Add caching." in request.prompt
    assert "## Feedback (Rating:" in request.prompt and "## Correct Answer" in request.prompt


def test_interview_feedback_streams_and_sends_the_transcript(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    fake.script(Reply("# Overall Rating: 8/10\nWell done."))

    text = "".join(coach.interview_feedback(JOB, TRANSCRIPT))

    assert text == "# Overall Rating: 8/10\nWell done."
    [request] = fake.requests
    assert request.body["stream"] is True
    assert_carries_job(request.prompt)
    assert "A deadlock in our ledger service." in request.prompt
    assert "Tell me about a hard bug." in request.prompt
    for category in ("Communication Clarity", "Confidence", "Response Quality", "Pacing and Timing",
                     "Engagement", "Role Fit", "Strengths and Areas for Improvement"):
        assert category in request.prompt


def test_interview_feedback_sends_a_spoken_answers_speech_metrics(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    speech = SpeechMetrics(
        audio_seconds=31.0, speaking_seconds=24.5, response_delay_seconds=1.25, words=61,
        words_per_minute=149.4, long_pauses=[3.5], filler_words=3,
        fillers=[Filler("um", 2), Filler("you know", 1)],
    )
    spoken = [TRANSCRIPT[0], evolve(TRANSCRIPT[1], speech=speech)]

    "".join(coach.interview_feedback(JOB, spoken))

    [request] = fake.requests
    assert "wordsPerMinute" in request.prompt and "pacing" in request.prompt
    turns = json.loads(request.prompt.split("<transcript>")[1].split("</transcript>")[0])
    assert "speech" not in turns[0]
    assert turns[1]["speech"] == {
        "recordingSeconds": 31.0, "speakingSeconds": 24.5, "secondsBeforeFirstWord": 1.25,
        "wordsPerMinute": 149.4, "longPausesSeconds": [3.5], "fillerWords": {"um": 2, "you know": 1},
    }


def test_a_stream_ending_with_stop_but_no_done_marker_is_complete(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    fake.script(Reply("All here.", done=False))

    assert "".join(coach.question(JOB, Difficulty.MEDIUM, [])) == "All here."


# --- interviewer turn (not streamed) ---------------------------------------------


def test_interviewer_turn_returns_the_next_line_with_roles_mapped(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    fake.script(Reply("  How did you find the deadlock?\n"))

    line = coach.interviewer_turn(JOB, TRANSCRIPT)

    assert line == "How did you find the deadlock?"
    [request] = fake.requests
    assert "stream" not in request.body
    assert_carries_job(request.messages[0]["content"])
    assert request.messages[1:] == [
        {"role": "assistant", "content": "Tell me about a hard bug."},
        {"role": "user", "content": "A deadlock in our ledger service."},
    ]


def test_interviewer_turn_opens_an_empty_interview(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(Reply("Hello! Tell me about yourself."))

    assert coach.interviewer_turn(JOB, []) == "Hello! Tell me about yourself."
    assert fake.requests[0].messages[-1]["role"] == "user"


def test_an_empty_interviewer_turn_fails(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(Reply("   "))

    with pytest.raises(AiFailed):
        coach.interviewer_turn(JOB, TRANSCRIPT)


# --- resume analysis (structured output) ------------------------------------------


def test_analyze_resume_asks_for_the_schema_and_returns_the_analysis(
    fake: FakeOpenAi, coach: OpenAiCoach
) -> None:
    analysis = coach.analyze_resume(JOB, "Jane Doe. Ten years of Django.")

    category = CategoryAnalysis(
        score=7,
        summary="Solid, with room to improve.",
        feedback=[
            FeedbackItem(FeedbackType.STRENGTH, "Clear structure", "Your sections are easy to scan."),
            FeedbackItem(FeedbackType.MINOR_IMPROVEMENT, "Metrics", "Quantify your results."),
        ],
    )
    assert analysis == ResumeAnalysis(7, category, category, category, category, category)
    [request] = fake.requests
    assert_carries_job(request.prompt)
    assert "Jane Doe. Ten years of Django." in request.prompt
    assert "stream" not in request.body
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "resume_analysis"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert set(schema["required"]) == {
        "overallScore", "ats", "jobMatch", "writingAndFormatting", "keywordCoverage", "other"
    }
    assert schema["additionalProperties"] is False
    item = schema["properties"]["ats"]["properties"]["feedback"]["items"]
    assert item["properties"]["type"]["enum"] == ["strength", "minor-improvement", "major-improvement"]


def _analysis_with(change: dict) -> str:
    data = json.loads(json.dumps(SAMPLE_ANALYSIS))
    for path, value in change.items():
        target = data
        *parents, last = path.split(".")
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[last] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    "content",
    [
        _analysis_with({"ats.score": 11}),
        _analysis_with({"overallScore": -1}),
        _analysis_with({"surprise": "extra key"}),
        _analysis_with({"jobMatch.bonus": 1}),
        _analysis_with({"ats.score": "7"}),
        _analysis_with({"overallScore": 7.5}),
        _analysis_with({"overallScore": True}),
        _analysis_with({"other.feedback": "not a list"}),
        _analysis_with({"ats.feedback.0.type": "praise"}),
        _analysis_with({"ats.feedback.0.name": None}),
        json.dumps({k: v for k, v in SAMPLE_ANALYSIS.items() if k != "other"}),
        json.dumps([SAMPLE_ANALYSIS]),
        "Here is your analysis: great resume!",
    ],
    ids=["score-11", "score-negative", "extra-key", "nested-extra-key", "string-score",
         "float-score", "bool-score", "feedback-not-list", "unknown-type", "null-name",
         "missing-category", "not-an-object", "not-json"],
)
def test_an_analysis_that_does_not_fit_the_shape_fails(
    fake: FakeOpenAi, coach: OpenAiCoach, content: str
) -> None:
    fake.script(Reply(content))

    with pytest.raises(AiFailed, match="^Failed to generate analysis$"):
        coach.analyze_resume(JOB, "resume")


def test_a_refusal_instead_of_an_analysis_fails(fake: FakeOpenAi, coach: OpenAiCoach) -> None:
    fake.script(Reply(_analysis_with({}), finish_reason="content_filter"))

    with pytest.raises(AiFailed, match="^Failed to generate analysis$"):
        coach.analyze_resume(JOB, "resume")


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


# --- configuration ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
def test_base_url_with_or_without_v1(
    fake: FakeOpenAi, make_coach: Callable[..., OpenAiCoach], suffix: str
) -> None:
    coach = make_coach(base_url=fake.base_url.removesuffix("/v1") + suffix)
    fake.script(Reply("Hello"))

    assert coach.interviewer_turn(JOB, []) == "Hello"
    assert fake.requests[0].path == "/v1/chat/completions"


def test_without_an_api_key_no_authorization_is_sent(
    fake: FakeOpenAi, make_coach: Callable[..., OpenAiCoach]
) -> None:
    coach = make_coach(api_key=None, model="llama3")
    fake.script(Reply("Hi"))

    coach.interviewer_turn(JOB, [])
    assert "authorization" not in fake.requests[0].headers
    assert fake.requests[0].body["model"] == "llama3"
