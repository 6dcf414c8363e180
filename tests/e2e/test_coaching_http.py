"""The text mock interview and resume analysis end to end against real
server processes: an interview over HTTP, started, answered three times and
ended, whose feedback quotes the transcript (as JSON and as server-sent
events); real PDF and DOCX resumes uploaded as multipart/form-data; an 11 MB
upload refused with the 413 envelope while the server stays healthy; a PNG
named .pdf refused with 415. Then the same flows with the coach on a fake
OpenAI-compatible server, and that server failing: AI_FAILED, and the
interview and the analyses left as they were."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Account, Server, act, envelope, events, set_plan, sign_up
from tests.fixtures_docs import PNG_BYTES, RESUME, docx_bytes, pdf_bytes
from tests.integration.fake_openai import SAMPLE_ANALYSIS, CutOff, FakeOpenAi, MalformedBody, Status

JOB = {
    "name": "Payments platform",
    "title": "Senior Python Engineer",
    "experienceLevel": "senior",
    "description": "Senior Python engineer: PostgreSQL, Kubernetes, Kafka, REST APIs.",
}
ANSWERS = [
    "I led a team of four rebuilding our billing service in Python; we cut latency by 40 percent "
    "using PostgreSQL partial indexes.",
    "Um, I guess I would maybe use Kubernetes?",
    "I once disagreed with my lead about caching; I measured both options and we kept the simpler "
    "one. What does the team's on-call look like?",
]
SSE = {"Accept": "text/event-stream"}
CATEGORIES = {"overallScore", "ats", "jobMatch", "writingAndFormatting", "keywordCoverage", "other"}
TOO_LARGE = {"error": True, "code": "PAYLOAD_TOO_LARGE", "message": "File size exceeds 10MB limit"}
MB = 1024 * 1024


# --- helpers -------------------------------------------------------------------


def member(client: httpx.Client, server: Server, name: str, plan: str) -> tuple[Account, str]:
    """A new account on ``plan`` with a job info, and the job info's id."""
    account = sign_up(client, name)
    set_plan(server, account, plan)
    return account, envelope(act(client, account, "createJobInfo", JOB))["id"]


def new_interview(client: httpx.Client, account: Account, job_id: str) -> str:
    return envelope(act(client, account, "createInterview", {"jobInfoId": job_id}))["id"]


def hold_interview(client: httpx.Client, account: Account, interview_id: str) -> list[str]:
    """Start, answer three times, end: the interviewer's lines."""
    ref = {"interviewId": interview_id}
    lines = [envelope(act(client, account, "startInterview", ref))["message"]]
    for answer in ANSWERS:
        lines.append(envelope(act(client, account, "sendInterviewMessage", {**ref, "text": answer}))["reply"])
    duration = envelope(act(client, account, "endInterview", ref))["duration"]
    assert re.fullmatch(r"\d\d:[0-5]\d:[0-5]\d", duration)
    return lines


def interview(client: httpx.Client, account: Account, interview_id: str) -> dict[str, Any]:
    return envelope(act(client, account, "getInterview", {"id": interview_id}))["interview"]


def upload(client: httpx.Client, account: Account, job_id: str, filename: str, data: bytes) -> httpx.Response:
    return client.post(
        "/actions/analyzeResume",
        data={"jobInfoId": job_id},
        files={"resumeFile": (filename, data, "application/octet-stream")},
        headers=account.bearer,
    )


BOUNDARY = "darasa-e2e-boundary"
FORM_TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


def form_head(job_id: str) -> bytes:
    """A multipart body up to where the resume file's bytes begin."""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="jobInfoId"\r\n\r\n{job_id}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="resumeFile"; filename="resume.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()


def analyses(client: httpx.Client, account: Account, job_id: str) -> list[dict[str, Any]]:
    return envelope(act(client, account, "listResumeAnalyses", {"jobInfoId": job_id}))["analyses"]


# --- the offline coach (the default) ----------------------------------------------


def test_a_text_mock_interview_ends_with_feedback_that_quotes_it(server: Server, client: httpx.Client) -> None:
    account, job_id = member(client, server, "Wanjiru", "pro")
    interview_id = new_interview(client, account, job_id)
    envelope(act(client, account, "generateInterviewFeedback", {"interviewId": interview_id}, SSE),
             409, "NOT_COMPLETED")

    lines = hold_interview(client, account, interview_id)
    assert "Senior Python Engineer" in lines[0] and len(set(lines)) == 4
    found = interview(client, account, interview_id)
    assert [(e["speaker"], e["text"]) for e in found["transcript"]] == [
        ("interviewer", lines[0]), ("candidate", ANSWERS[0]), ("interviewer", lines[1]),
        ("candidate", ANSWERS[1]), ("interviewer", lines[2]), ("candidate", ANSWERS[2]),
        ("interviewer", lines[3]),
    ]
    stamps = [e["at"] for e in found["transcript"]]
    assert stamps == sorted(stamps) and all(s.endswith("Z") for s in stamps)
    assert found["startedAt"] <= stamps[0] and found["endedAt"] >= stamps[-1] and found["feedback"] is None

    feedback = envelope(act(client, account, "generateInterviewFeedback", {"interviewId": interview_id}))["feedback"]
    assert feedback.startswith("## Overall Rating: ")
    assert "Um, I guess I would maybe use Kubernetes?" in feedback
    assert "What does the team's on-call look like?" in feedback
    assert interview(client, account, interview_id)["feedback"] == feedback

    streamed_id = new_interview(client, account, job_id)
    hold_interview(client, account, streamed_id)
    deltas, result = events(act(client, account, "generateInterviewFeedback", {"interviewId": streamed_id}, SSE))
    assert len(deltas) > 1 and result["error"] is False and "".join(deltas) == result["feedback"]
    assert "Um, I guess I would maybe use Kubernetes?" in result["feedback"]
    assert interview(client, account, streamed_id)["feedback"] == result["feedback"]

    stranger = sign_up(client, "Otieno")
    for name, payload in [("startInterview", {"interviewId": interview_id}),
                          ("sendInterviewMessage", {"interviewId": interview_id, "text": "Hi"}),
                          ("generateInterviewFeedback", {"interviewId": interview_id})]:
        envelope(act(client, stranger, name, payload, SSE), 403, "FORBIDDEN")


def test_real_pdf_and_docx_resumes_are_analysed(server: Server, client: httpx.Client) -> None:
    account, job_id = member(client, server, "Achieng", "max")
    for filename, data in [("resume.pdf", pdf_bytes([RESUME])), ("Resume (final).docx", docx_bytes(RESUME))]:
        analysis = envelope(upload(client, account, job_id, filename, data))["analysis"]
        assert set(analysis) == CATEGORIES
        assert "Kubernetes and Kafka" in analysis["keywordCoverage"]["summary"]
        assert all(0 <= analysis[c]["score"] <= 10 for c in CATEGORIES - {"overallScore"})
    listed = analyses(client, account, job_id)
    assert len(listed) == 2 and listed[0]["createdAt"] >= listed[1]["createdAt"]

    pro, pro_job = member(client, server, "Kamau", "pro")
    envelope(upload(client, pro, pro_job, "resume.pdf", pdf_bytes([RESUME])), 403, "PLAN_LIMIT")
    envelope(upload(client, account, pro_job, "resume.pdf", pdf_bytes([RESUME])), 403, "FORBIDDEN")
    faked = envelope(act(client, account, "analyzeResume", {"jobInfoId": job_id, "resumeFile": "JVBERi0="}),
                     422, "VALIDATION")
    assert faked["fieldErrors"] == {"resumeFile": ["Must be a file"]}
    assert len(analyses(client, account, job_id)) == 2


def test_an_11_mb_upload_is_413_and_the_server_stays_healthy(server: Server, client: httpx.Client) -> None:
    account, job_id = member(client, server, "Njoki", "max")
    for size in (11 * MB, 10 * MB + 512 * 1024):  # over the body limit; over the file limit only
        response = upload(client, account, job_id, "resume.txt", b"a" * size)
        assert (response.status_code, response.json()) == (413, TOO_LARGE)
        assert response.headers["Content-Type"].startswith("application/json")
    chunked = client.post(  # no Content-Length: the server reads until the file is too large
        "/actions/analyzeResume",
        content=iter([form_head(job_id), *[b"a" * MB] * 10, b"a" * (512 * 1024), FORM_TAIL]),
        headers={**account.bearer, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert (chunked.status_code, chunked.json()) == (413, TOO_LARGE)
    assert client.get("/healthz").status_code == 200
    assert analyses(client, account, job_id) == []
    envelope(upload(client, account, job_id, "resume.pdf", pdf_bytes([RESUME])))


def test_a_png_named_pdf_is_unsupported(server: Server, client: httpx.Client) -> None:
    account, job_id = member(client, server, "Mwangi", "max")
    refused = envelope(upload(client, account, job_id, "resume.pdf", PNG_BYTES), 415, "UNSUPPORTED_MEDIA")
    assert refused["message"] == "Please upload a PDF, Word document, or text file"
    assert analyses(client, account, job_id) == []


# --- the OpenAI-compatible coach on a fake server ------------------------------------


def coach_reply(body: Any) -> str:
    """What the fake provider answers: the analysis as JSON when a schema is
    asked for, a review quoting the candidate for interview feedback, else
    the interviewer's next question."""
    if isinstance(body.get("response_format"), dict):
        return json.dumps(SAMPLE_ANALYSIS)
    system, last = body["messages"][0]["content"], body["messages"][-1]["content"]
    if "reviewing the transcript" in system:
        transcript = json.loads(last.removeprefix("<transcript>\n").removesuffix("\n</transcript>"))
        said = [turn["text"] for turn in transcript if turn["speaker"] == "candidate"]
        return "# Overall Rating: 6/10\n\n## Communication Clarity (Rating: 6/10)\n\n" + "".join(
            f"You said: “{line}”\n" for line in said
        )
    turns = sum(1 for m in body["messages"] if m["role"] == "assistant")
    return f"Question {turns + 1}: how would you scale PostgreSQL for this payments platform?"


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAi]:
    """The provider conftest's ``openai_server`` runs darasa's coach on."""
    with FakeOpenAi(responder=coach_reply) as fake:
        yield fake


def test_the_same_flows_with_an_openai_compatible_server(
    openai_server: Server, remote: httpx.Client, fake_openai: FakeOpenAi
) -> None:
    account, job_id = member(remote, openai_server, "Atieno", "max")
    interview_id = new_interview(remote, account, job_id)
    lines = hold_interview(remote, account, interview_id)
    assert lines == [f"Question {n}: how would you scale PostgreSQL for this payments platform?"
                     for n in range(1, 5)]
    turn = fake_openai.requests[-1]  # the last reply asked for (endInterview asks nothing)
    assert turn.body["model"] == "fake-model" and JOB["description"] in turn.prompt
    assert ANSWERS[2] in turn.prompt and turn.messages[-1] == {"role": "user", "content": ANSWERS[2]}

    deltas, result = events(remote.post("/actions/generateInterviewFeedback", json={"interviewId": interview_id},
                                        headers={**account.bearer, **SSE}))
    assert len(deltas) > 1 and result["error"] is False
    for answer in ANSWERS:
        assert f"You said: “{answer}”" in result["feedback"]
    assert interview(remote, account, interview_id)["feedback"] == result["feedback"]

    for filename, data in [("resume.pdf", pdf_bytes([RESUME])), ("resume.docx", docx_bytes(RESUME))]:
        assert envelope(upload(remote, account, job_id, filename, data))["analysis"] == SAMPLE_ANALYSIS
        assert "Cut PostgreSQL query time by 60%" in fake_openai.requests[-1].prompt
    assert [a["analysis"] for a in analyses(remote, account, job_id)] == [SAMPLE_ANALYSIS] * 2


def test_a_failing_provider_leaves_the_interview_and_the_analyses_as_they_were(
    openai_server: Server, remote: httpx.Client, fake_openai: FakeOpenAi
) -> None:
    account, job_id = member(remote, openai_server, "Chebet", "max")
    interview_id = new_interview(remote, account, job_id)
    ref = {"interviewId": interview_id}
    fake_openai.script(*[Status(500)] * 4)  # the first try and every retry
    envelope(act(remote, account, "startInterview", ref), 502, "AI_FAILED")
    assert interview(remote, account, interview_id)["transcript"] == []
    hold_interview(remote, account, interview_id)
    first = envelope(act(remote, account, "generateInterviewFeedback", ref))["feedback"]
    before = interview(remote, account, interview_id)

    fake_openai.script(*[Status(503)] * 4)
    envelope(act(remote, account, "generateInterviewFeedback", ref), 502, "AI_FAILED")
    fake_openai.script(CutOff(chunks=("# Overall Rating: 2/10\n",)))
    _, result = events(act(remote, account, "generateInterviewFeedback", ref, SSE))
    assert result == {"error": True, "code": "AI_FAILED", "message": "Failed to generate feedback"}
    after = interview(remote, account, interview_id)
    assert after == before and after["feedback"] == first

    fake_openai.script(MalformedBody())
    failed = envelope(upload(remote, account, job_id, "resume.pdf", pdf_bytes([RESUME])), 502, "AI_FAILED")
    assert failed["message"] == "Failed to generate analysis"
    assert analyses(remote, account, job_id) == []
