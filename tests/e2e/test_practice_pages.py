"""The practice pages end to end against a real server, as plain HTTP (no
JavaScript): the questions page generates a question at the difficulty
chosen, takes an answer and lists it with its rating, newest first; a
question of the user's own is added from its form; a text interview is
started, begun, answered, ended and reviewed; the resume page tells a plan
without analysis why, then shows the scores; each page names the
coach answering and links the help on connecting a model; hostile text stays
inert; someone else's job info is the same 404 as a missing one."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import httpx

from tests.e2e.conftest import Account, Server, set_plan, sign_up
from tests.e2e.test_pages import JOB, act, cookie, csrf_of, page
from tests.fixtures_docs import pdf_bytes

OWN = "How would you <b>shard</b> a payments ledger without losing ordering?"
SCRIPTS = {"/assets/app.js", "/assets/more.js", "/assets/theme.js", "/assets/stream.js", "/assets/interview.js", "/assets/resume.js"}


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    for tag, attrs in Tags(html).tags:
        if tag == "script":
            assert attrs.get("src") in SCRIPTS, attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("/", "#", "http:", "https:")) and not value.startswith("//")


def form_post(client: httpx.Client, account: Account, action: str, data: dict[str, str], html: str) -> str:
    """A plain POST of a page's form; where it sends the browser."""
    response = client.post(f"/forms/{action}", headers=cookie(account), data={**data, "csrf_token": csrf_of(html)})
    assert response.status_code == 303, (response.status_code, response.text[:1000])
    return response.headers["Location"]


def checked_difficulty(html: str) -> str:
    found = [a["value"] for t, a in Tags(html).tags if t == "input" and a.get("type") == "radio" and "checked" in a]
    assert len(found) == 1, found
    return str(found[0])


def test_questions_are_asked_answered_and_listed_without_javascript(client: httpx.Client, server: Server) -> None:
    ada = sign_up(client, "Ada")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    here = f"/app/job-infos/{job_id}/questions"
    html = page(client, ada, here)
    assert checked_difficulty(html) == "medium"
    assert "No questions yet" in html and "0 of 5 questions used" in html
    assert 'data-stream="generateQuestion"' in html and 'href="/help/ai-coach"' in html and "offline coach" in html
    assert form_post(client, ada, "generateQuestion",
                     {"jobInfoId": job_id, "difficulty": "hard", "next": here}, html) == here
    html = page(client, ada, here)
    assert 'id="current-question"' in html and checked_difficulty(html) == "hard"  # the difficulty is kept
    question_id = re.search(r'name="questionId" value="([0-9a-f-]{36})"', html).group(1)
    assert form_post(client, ada, "generateQuestionFeedback",
                     {"questionId": question_id, "answer": "No idea, sorry.", "next": here}, html) == here
    html = page(client, ada, here)
    assert 'id="current-question"' not in html and f'id="question-{question_id}"' in html
    assert "badge--needs-work" in html and "No idea, sorry." in html and "1 of 5 questions used" in html
    # a question of the user's own becomes the current question, above the earlier ones
    assert form_post(client, ada, "addQuestion",
                     {"jobInfoId": job_id, "text": OWN, "difficulty": "easy", "next": here}, html) == here
    html = page(client, ada, here)
    current = html.index('id="current-question"')
    assert current < html.index("&lt;b&gt;shard&lt;/b&gt;") < html.index(f'id="question-{question_id}"')
    assert "<b>shard</b>" not in html and "2 of 5 questions used" in html
    assert_inert(html)


def test_a_topic_from_the_address_is_asked_for(client: httpx.Client) -> None:
    ada = sign_up(client, "Ada")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    html = page(client, ada, f"/app/job-infos/{job_id}/questions?topic=Redis&difficulty=nonsense")
    assert "New question on Redis" in html and 'name="topic" value="Redis"' in html
    assert checked_difficulty(html) == "medium"


def test_someone_elses_questions_are_the_same_404_as_none(client: httpx.Client) -> None:
    ada, eve = sign_up(client, "Ada"), sign_up(client, "Eve")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "easy"})
    theirs = page(client, eve, f"/app/job-infos/{job_id}/questions", 404)
    assert theirs == page(client, eve, f"/app/job-infos/{uuid.uuid4()}/questions", 404)
    assert client.get(f"/app/job-infos/{job_id}/questions").status_code == 303  # signed out


def test_the_coach_help_page_says_how_to_connect_a_model(client: httpx.Client) -> None:
    html = page(client, sign_up(client, "Ada"), "/help/ai-coach")
    assert all(word in html for word in ["Ollama", "vLLM", "llama.cpp", "OPENAI_BASE_URL", "AI_PROVIDER=openai"])


def test_a_text_interview_runs_ends_and_gets_feedback_without_javascript(client: httpx.Client) -> None:
    ada = sign_up(client, "Ada")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    listing = f"/app/job-infos/{job_id}/interviews"
    new = f"{listing}/new"
    none_yet = client.get(listing, headers=cookie(ada))
    assert none_yet.status_code == 303 and none_yet.headers["Location"] == new
    html = page(client, ada, new)
    assert "Begin the interview" in html and "0 of 1 interview used" in html and "data-interview-reply" not in html
    begun = client.post(new, headers=cookie(ada), data={"csrf_token": csrf_of(html), "jobInfoId": job_id})
    assert begun.status_code == 303, begun.text[:1000]
    here = begun.headers["Location"]
    interview_id = re.fullmatch(rf"{listing}/([0-9a-f-]{{36}})", here).group(1)
    html = page(client, ada, listing)
    assert f'href="{here}"' in html and "In progress" in html and "1 of 1 interview used" in html
    forged = client.post(new, headers=cookie(ada), data={"csrf_token": "forged", "jobInfoId": job_id})
    assert forged.status_code == 403
    used_up = page(client, ada, new)  # the free plan's one interview: said before any button is pressed
    assert "used your plan's mock interview" in used_up and "Begin the interview" not in used_up
    assert 'href="/app/upgrade"' in used_up
    html = page(client, ada, here)
    assert "Begin the interview" not in html
    ref = {"interviewId": interview_id, "next": here}
    assert "data-interview-reply" in html and "data-timer-since" in html and "chat__turn--interviewer" in html
    said = "I led the <i>payments</i> migration to PostgreSQL and cut p99 latency by 40%."
    assert form_post(client, ada, "sendInterviewMessage", {**ref, "text": said}, html) == here
    html = page(client, ada, here)
    assert html.count("chat__turn--interviewer") == 2 and "&lt;i&gt;payments&lt;/i&gt;" in html
    assert form_post(client, ada, "endInterview", ref, html) == here
    html = page(client, ada, here)
    assert "data-interview-reply" not in html and "Ended" in html and "Generate feedback" in html
    assert form_post(client, ada, "generateInterviewFeedback", ref, html) == here
    html = page(client, ada, here)
    assert "Overall Rating" in html and "Generate feedback" not in html
    assert_inert(html)
    assert "Feedback ready" in page(client, ada, listing)


def test_someone_elses_interview_and_one_of_another_job_are_404(client: httpx.Client) -> None:
    ada, eve = sign_up(client, "Ada"), sign_up(client, "Eve")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    other_job = act(client, ada, "createJobInfo", {**JOB, "name": "Other"})["id"]
    interview_id = act(client, ada, "createInterview", {"jobInfoId": job_id})["id"]
    page(client, ada, f"/app/job-infos/{job_id}/interviews/{interview_id}")
    missing = page(client, eve, f"/app/job-infos/{job_id}/interviews/{uuid.uuid4()}", 404)
    assert page(client, eve, f"/app/job-infos/{job_id}/interviews/{interview_id}", 404) == missing
    assert page(client, eve, f"/app/job-infos/{job_id}/interviews", 404) == missing
    assert page(client, ada, f"/app/job-infos/{other_job}/interviews/{interview_id}", 404) == page(
        client, ada, f"/app/job-infos/{other_job}/interviews/{uuid.uuid4()}", 404)


def test_the_resume_page_says_why_without_the_plan_then_shows_scores(client: httpx.Client, server: Server) -> None:
    ada = sign_up(client, "Ada")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    here = f"/app/job-infos/{job_id}/resume"
    html = page(client, ada, here)
    assert "Resume analysis is not in your plan" in html and 'href="/app/upgrade"' in html
    assert 'type="file"' not in html
    set_plan(server, ada, "max")
    html = page(client, ada, here)
    assert 'type="file"' in html and "No analyses yet" in html and "Upgrade" not in html
    resume = pdf_bytes([["Ada Lovelace, Senior Backend Engineer", "Python, PostgreSQL and Redis at Acme.",
                         "Led a team of 4 and cut p99 latency by 40%."]])
    form = {"csrf_token": csrf_of(html), "jobInfoId": job_id}
    forged = client.post(here, headers=cookie(ada), data={**form, "csrf_token": "forged"},
                         files={"resumeFile": ("cv.pdf", resume, "application/pdf")})
    assert forged.status_code == 403
    wrong = client.post(here, headers=cookie(ada), data=form, files={"resumeFile": ("cv.exe", b"MZ\x90\x00", "")})
    assert wrong.status_code == 415 and "There is a problem" in wrong.text and 'href="#field-resumeFile"' in wrong.text
    assert "UNSUPPORTED_MEDIA" not in wrong.text and 'aria-invalid="true"' in wrong.text
    nothing = client.post(here, headers=cookie(ada), data=form, files={"resumeFile": ("", b"", "application/octet-stream")})
    assert nothing.status_code == 422 and "Choose your resume" in nothing.text
    analysed = client.post(here, headers=cookie(ada), data=form,  # the form without JavaScript
                           files={"resumeFile": ("cv.pdf", resume, "application/pdf")})
    assert analysed.status_code == 303 and analysed.headers["Location"] == f"{here}#latest-analysis"
    overall = act(client, ada, "listResumeAnalyses", {"jobInfoId": job_id})["analyses"][0]["analysis"]["overallScore"]
    html = page(client, ada, here)
    assert 'id="latest-analysis"' in html and f'overall__score">{overall}/10' in html
    assert all(name in html for name in ["ATS", "Job match", "Writing and formatting", "Keyword coverage"])
    assert re.search(r"badge--(excellent|ok|needs-work)\">(Excellent|Ok|Needs work) · \d+/10", html)
    assert_inert(html)


def test_a_failed_plain_post_says_what_went_wrong_in_words(client: httpx.Client) -> None:
    ada = sign_up(client, "Ada")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    here = f"/app/job-infos/{job_id}/questions"
    html = page(client, ada, here)
    token = csrf_of(html)

    def post(action: str, data: dict[str, str]) -> httpx.Response:
        return client.post(f"/forms/{action}", headers=cookie(ada), data={**data, "csrf_token": token, "next": here})

    question = act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "easy"})["questionId"]
    empty = post("generateQuestionFeedback", {"questionId": question, "answer": " "})
    assert empty.status_code == 422 and "That did not work" in empty.text and "<li>" in empty.text
    for _ in range(4):
        act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "easy"})
    refused = post("generateQuestion", {"jobInfoId": job_id, "difficulty": "easy"})
    assert refused.status_code == 403 and "You have reached your plan limit." in refused.text
    assert 'href="/app/upgrade"' in refused.text and f'href="{here}"' in refused.text
    for response in (empty, refused):
        assert not re.search(r"\b(PLAN_LIMIT|VALIDATION|RATE_LIMIT)\b", response.text)
