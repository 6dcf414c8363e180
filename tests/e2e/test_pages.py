"""The HTML pages end to end against a real server: a user signed up through
the API reads their job infos, a job info with its question, answer feedback,
text interview and resume analysis, all rendered as (sanitised) HTML; hostile
text in a job info comes out inert; someone else's job info is the same 404
as an id that names nothing; a signed-out visitor is sent to /sign-in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from adapters.web.markdown import render
from tests.e2e.conftest import REPO, Account, Server, sign_up

JOB = {
    "name": "Payments platform",
    "title": "Senior Backend Engineer",
    "experienceLevel": "senior",
    "description": "Build payment APIs in **Python** on PostgreSQL:\n\n- query tuning\n- Redis caching",
}
HOSTILE = (
    "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "[y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
    '<a href="javascript:alert(2)" onclick="alert(3)">z</a>'
)
ANSWER = (
    "I start from pg_stat_statements and EXPLAIN (ANALYZE, BUFFERS); for example a sequential "
    "scan on 40 million payments went away with a composite index created CONCURRENTLY."
)
RESUME = (
    "Ada Lovelace\nada@example.com | +44 20 7946 0000\n\nExperience\n"
    "Senior Backend Engineer, Acme (2019-2024)\n- Cut p95 latency by 60% with PostgreSQL indexes\n"
    "- Built Python payment APIs serving 2M requests a day\n\nEducation\nBSc Mathematics (2015)\n"
    "\nSkills\nPython, PostgreSQL, Redis, Docker\n"
)


# --- helpers -------------------------------------------------------------------


def cookie(account: Account) -> dict[str, str]:
    return {"Cookie": f"darasa_session={account.token}"}


def act(client: httpx.Client, account: Account, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/actions/{name}", json=payload, headers=account.bearer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["error"] is False, body
    return body


def page(client: httpx.Client, account: Account | None, path: str, status: int = 200) -> str:
    response = client.get(path, headers=cookie(account) if account else {})
    assert response.status_code == status, (response.status_code, response.text[:2000])
    assert response.headers["Content-Type"].startswith("text/html"), response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    return response.text


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str) -> None:
    """No script but our own files, no event handler, no link or source to
    anything but http(s), mailto or our own paths."""
    for tag, attrs in Elements(html).tags:
        if tag == "script":
            assert attrs in ({"src": "/assets/app.js", "defer": None},
                             {"src": "/assets/call.js", "defer": None}), attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("/", "http:", "https:", "mailto:")), (tag, attrs)
            assert not value.startswith("//"), (tag, attrs)


def make_max(server: Server, account: Account) -> None:
    """``darasa plans set <email> max`` on the server's own database."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY"}}
    env.update(DARASA_INSTANCE=str(server.log.parent))
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "plans", "set", account.email, "max"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def accounts(server: Server) -> dict[str, Account]:
    """The module's users, signed up once: sign-ups are limited per IP."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return {name: sign_up(http, name) for name in ["Ada", "Bob", "Max", "Eve", "Mallory"]}


# --- tests ---------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client: httpx.Client, accounts: dict[str, Account]) -> None:
    someone = accounts["Ada"]
    job_id = act(client, someone, "createJobInfo", JOB)["id"]
    for path in ["/app", "/app/job-infos/new", f"/app/job-infos/{job_id}", "/app/upgrade", "/",
                 f"/app/job-infos/{job_id}/interviews/new"]:
        for headers in [{}, {"Cookie": "darasa_session=not-a-session"}]:
            response = client.get(path, headers=headers)
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["Location"] == "/sign-in"
    for path in ["/sign-in", "/sign-up"]:
        html = page(client, None, path)
        assert f'data-action="/auth{path}"' in html
        assert_inert(html)
    assert client.get("/sign-in", headers=cookie(someone)).headers["Location"] == "/app"


def test_the_assets_are_served(server: Server, client: httpx.Client) -> None:
    script = client.get("/assets/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "/actions/" in script.text
    style = client.get("/assets/app.css")
    assert style.status_code == 200 and style.headers["Content-Type"].startswith("text/css")


def test_app_lists_the_users_job_infos_newest_first_and_searches(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada, bob = accounts["Ada"], accounts["Bob"]
    first = act(client, ada, "createJobInfo", {**JOB, "name": "Data engineer at Foo",
                                               "description": "Spark and Airflow"})["id"]
    second = act(client, ada, "createJobInfo", JOB)["id"]
    act(client, bob, "createJobInfo", {**JOB, "name": "Bob's secret job"})
    html = page(client, ada, "/app")
    assert html.index(f"/app/job-infos/{second}") < html.index(f"/app/job-infos/{first}")
    assert "Data engineer at Foo" in html and "Payments platform" in html
    assert "Bob&#39;s secret job" not in html and "Bob's secret job" not in html
    found = page(client, ada, "/app?q=airflow")
    assert f"/app/job-infos/{first}" in found and f"/app/job-infos/{second}" not in found
    assert_inert(html)
    empty = page(client, accounts["Eve"], "/app")
    assert "no job infos yet" in empty and 'href="/app/job-infos/new"' in empty
    new = page(client, ada, "/app/job-infos/new")
    assert 'data-action="createJobInfo"' in new and 'name="experienceLevel"' in new


def test_a_job_info_page_shows_its_question_answer_interview_and_analysis(
    server: Server, client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada = accounts["Max"]
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    question = act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "hard"})
    rated = act(client, ada, "generateQuestionFeedback", {"questionId": question["questionId"],
                                                           "answer": ANSWER})
    interview_id = act(client, ada, "createInterview", {"jobInfoId": job_id})["id"]
    opening = act(client, ada, "startInterview", {"interviewId": interview_id})["message"]
    said = "I tuned a slow PostgreSQL query with EXPLAIN ANALYZE and a covering index."
    act(client, ada, "sendInterviewMessage", {"interviewId": interview_id, "text": said})
    act(client, ada, "endInterview", {"interviewId": interview_id})
    act(client, ada, "generateInterviewFeedback", {"interviewId": interview_id})
    make_max(server, ada)
    upload = client.post("/actions/analyzeResume", headers=ada.bearer, data={"jobInfoId": job_id},
                         files={"resumeFile": ("resume.txt", RESUME.encode(), "text/plain")})
    assert upload.status_code == 200, upload.text

    html = page(client, ada, f"/app/job-infos/{job_id}")
    assert_inert(html)
    text = " ".join(" ".join(Elements(html).text).split())
    # the description is markdown, rendered
    assert "<strong>Python</strong>" in html and "<li>query tuning</li>" in html
    # the question and the answer's feedback, rendered as HTML
    assert "<strong>" in render(question["text"]) and render(question["text"]) in html
    assert render(rated["feedback"]) in html
    assert re.search(rf"<h2>Feedback \(Rating: {rated['rating']}/10\)</h2>", html), html
    assert f"rated {rated['rating']}/10" in text
    assert " ".join(ANSWER.split()) in text
    assert 'data-action="generateQuestionFeedback"' in html
    # the interview: transcript and feedback
    assert " ".join(opening.split()[:6]) in text
    assert said in text
    assert "in progress" not in text and "ended" in text
    assert html.count('class="markdown feedback"') == 2  # the answer's and the interview's
    # the resume analysis
    assert "Overall" in text and "Keyword coverage" in text
    # the forms that act on it
    for action in ["generateQuestion", "createInterview", "analyzeResume", "deleteJobInfo"]:
        assert f'data-action="{action}"' in html


def test_hostile_text_is_shown_escaped_or_sanitised(client: httpx.Client, accounts: dict[str, Account]) -> None:
    mallory = accounts["Mallory"]
    job_id = act(client, mallory, "createJobInfo", {
        **JOB, "name": "<script>alert(1)</script>", "title": "[x](javascript:alert(1))",
        "description": HOSTILE,
    })["id"]
    for path in ["/app", f"/app/job-infos/{job_id}", "/app?q=script"]:
        html = page(client, mallory, path)
        assert_inert(html)
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not re.search(r"<a [^>]*href=\"(javascript|data):", html, re.IGNORECASE)
    detail = page(client, mallory, f"/app/job-infos/{job_id}")
    assert not [t for t, _ in Elements(detail).tags if t in {"img", "iframe", "object", "embed"}]
    assert "[x](javascript:alert(1))" in detail  # the title is plain text, escaped


def test_someone_elses_job_info_is_the_same_404_as_a_missing_one(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada, bob = accounts["Ada"], accounts["Bob"]
    bobs = act(client, bob, "createJobInfo", {**JOB, "name": "Bob's private job"})["id"]
    theirs = page(client, ada, f"/app/job-infos/{bobs}", 404)
    missing = page(client, ada, f"/app/job-infos/{uuid.uuid4()}", 404)
    nonsense = page(client, ada, "/app/job-infos/" + "x" * 300, 404)
    their_call = page(client, ada, f"/app/job-infos/{bobs}/interviews/new", 404)
    assert theirs == missing == nonsense == their_call
    assert "Bob" not in theirs
    assert "Bob&#39;s private job" in page(client, bob, f"/app/job-infos/{bobs}")


def test_the_voice_interview_page_offers_a_call_beside_the_text_chat(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada = accounts["Ada"]
    job_id = act(client, ada, "createJobInfo", {**JOB, "name": "Voice <b>job</b>"})["id"]

    assert f'href="/app/job-infos/{job_id}/interviews/new"' in page(client, ada, f"/app/job-infos/{job_id}")
    html = page(client, ada, f"/app/job-infos/{job_id}/interviews/new")

    ids = {attrs.get("id") for _, attrs in Elements(html).tags}
    assert {"call-start", "call-talk", "call-mute", "call-end", "call-level", "call-timer",
            "call-transcript", "call-voice"} <= ids
    assert f'data-job-info-id="{job_id}"' in html
    assert 'data-recognition="browser"' in html  # no STT_BASE_URL on this server
    assert "Voice &lt;b&gt;job&lt;/b&gt;" in html
    assert '<script src="/assets/call.js" defer></script>' in html
    assert_inert(html)
    script = client.get("/assets/call.js")
    assert script.status_code == 200 and "sendInterviewAudio" in script.text


def test_the_upgrade_page_shows_the_plan_and_how_to_change_it(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada = accounts["Ada"]
    html = page(client, ada, "/app/upgrade")
    assert "Your plan: free" in html
    assert "<code>1_interview</code>" in html and "<code>5_questions</code>" in html
    assert "unlimited_resume_analysis" in html  # the max plan, in the table
    assert "darasa plans set" in html
    assert_inert(html)


@pytest.mark.parametrize("path", ["/app/job-infos/new", "/app/upgrade", "/app",
                                  f"/app/job-infos/{uuid.uuid4()}/interviews/new"])
def test_pages_are_not_cached(client: httpx.Client, accounts: dict[str, Account], path: str) -> None:
    ada = accounts["Ada"]
    response = client.get(path, headers=cookie(ada))
    assert response.headers["Cache-Control"] == "no-store"
