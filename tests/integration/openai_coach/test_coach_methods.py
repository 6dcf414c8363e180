"""The OpenAI-compatible coach's methods against the fake server: text
streamed as it comes, the interviewer's turn, the resume analysis as
structured output, what each prompt carries, and the base URL and key."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from attrs import evolve

from adapters.ai.openai import OpenAiCoach
from core.domain import CategoryAnalysis, Difficulty, FeedbackItem, FeedbackType, ResumeAnalysis
from core.errors import AiFailed
from core.speech import Filler, SpeechMetrics
from tests.integration.fake_openai import SAMPLE_ANALYSIS, FakeOpenAi, Reply
from tests.integration.openai_coach.conftest import JOB, TRANSCRIPT


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
