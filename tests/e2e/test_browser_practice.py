"""The practice pages in Chromium against a real server: a question arrives
in pieces before it is complete, a bad and a good answer are rated apart;
the text interview runs as a chat (Enter sends, the timer runs, End asks
first) and its feedback streams in; a resume dropped on the page is checked
in the browser, then analysed in place; every practice page (questions, the
interview list, a new, running, ended and unbegun interview, the voice call,
the resume with analyses, progress) fits the window at desktop and phone
widths in light and dark and passes the axe audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

import httpx
import pytest

from adapters.ai.offline.coach import OfflineCoach
from tests.e2e.browser import (
    DESKTOP,
    PHONE,
    Watched,
    answer,
    ask,
    axe_violations,
    horizontal_overflow,
    signed_in,
)
from tests.e2e.conftest import Account, Contexts, Server, act, cookieless_client, envelope, set_plan, sign_up
from tests.fixtures_docs import RESUME, pdf_bytes

if TYPE_CHECKING:
    from playwright.sync_api import Browser

JOB = {"name": "Backend at Acme", "title": "Senior Python Engineer", "experienceLevel": "senior",
       "description": "Build Python services on PostgreSQL with Redis caching, Docker and REST APIs."}


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with cookieless_client(server) as client:
        yield client


@pytest.fixture()
def ada(http: httpx.Client) -> Account:
    return sign_up(http, "Ada")


@pytest.fixture()
def job_id(http: httpx.Client, ada: Account) -> str:
    return str(envelope(act(http, ada, "createJobInfo", JOB))["id"])


@pytest.fixture()
def watched(browser: Browser, server: Server, ada: Account) -> Iterator[Watched]:
    context = signed_in(browser, server, ada)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def test_a_question_arrives_in_pieces_and_answers_are_rated_apart(
    watched: Watched, http: httpx.Client, ada: Account, job_id: str
) -> None:
    page = watched.page
    page.goto(f"/app/job-infos/{job_id}/questions")
    pieces = ask(page, "hard")
    assert len(pieces) >= 2 and all(later.startswith(earlier) for earlier, later in pairwise(pieces))
    assert pieces[0] != pieces[-1]  # seen before the question was complete
    assert page.get_by_role("radio", name="Hard").is_checked()  # the difficulty is kept
    bad = answer(page, "I am not sure, maybe restart it?")
    ask(page, "easy")
    question_id = page.locator("#current-question input[name=questionId]").input_value()
    listed = envelope(act(http, ada, "listQuestions", {"jobInfoId": job_id}))["questions"]
    text = next(q["text"] for q in listed if q["id"] == question_id)
    good = answer(page, OfflineCoach().bank.find(text).answer)
    assert good > bad
    assert page.get_by_role("radio", name="Easy").is_checked()
    watched.assert_quiet()


def test_a_text_interview_is_a_chat_with_a_timer_and_streamed_feedback(watched: Watched, job_id: str) -> None:
    page = watched.page
    page.goto(f"/app/job-infos/{job_id}/interviews")  # none yet: the new one
    page.wait_for_url(re.compile(r".*/interviews/new$"))
    page.get_by_role("button", name="Begin the interview").click()
    page.locator("#reply").wait_for()
    assert page.locator("#reply").evaluate("element => element === document.activeElement")
    assert re.search(r"/interviews/[0-9a-f-]{36}$", page.url)
    first = page.locator(".timer").inner_text()
    page.wait_for_timeout(1600)
    assert page.locator(".timer").inner_text() > first  # the timer runs
    page.locator("#reply").fill("I led the move of our payment APIs to PostgreSQL and cut p99 latency by 40%.")
    page.keyboard.press("Enter")
    page.locator(".chat__turn").nth(2).wait_for()
    page.wait_for_selector(".chat__turn--waiting", state="detached")
    assert page.locator(".chat__turn--candidate").count() == 1
    page.get_by_role("button", name="End", exact=True).click()
    page.locator("[data-confirm-ok]").click()
    page.get_by_role("button", name="Generate feedback").click()
    page.locator("#feedback .prose").filter(has_text="Overall Rating").wait_for()
    watched.assert_quiet()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_practice_pages_fit_the_window_and_pass_the_audit(
    browser: Browser, server: Server, contexts: Contexts, http: httpx.Client, ada: Account, job_id: str,
    viewport: dict[str, int], theme: str,
) -> None:
    """Every practice page in the states a user sees it in: a new interview,
    one running (the chat), one ended with its feedback, one not begun; a
    resume with its analysis; the voice call; the progress page's charts."""
    set_plan(server, ada, "max")
    question = envelope(act(http, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "easy"}))
    envelope(act(http, ada, "generateQuestionFeedback", {"questionId": question["questionId"],
                                                         "answer": "Routes map URLs to view functions."}))
    envelope(act(http, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "hard"}))
    ended = envelope(act(http, ada, "createInterview", {"jobInfoId": job_id}))["id"]
    envelope(act(http, ada, "startInterview", {"interviewId": ended}))
    envelope(act(http, ada, "sendInterviewMessage", {"interviewId": ended, "text": "I built REST APIs in Python."}))
    envelope(act(http, ada, "endInterview", {"interviewId": ended}))
    envelope(act(http, ada, "generateInterviewFeedback", {"interviewId": ended}))
    running = envelope(act(http, ada, "createInterview", {"jobInfoId": job_id}))["id"]
    envelope(act(http, ada, "startInterview", {"interviewId": running}))
    envelope(act(http, ada, "sendInterviewMessage", {"interviewId": running, "text": "I led a migration."}))
    waiting = envelope(act(http, ada, "createInterview", {"jobInfoId": job_id}))["id"]
    analysed = http.post("/actions/analyzeResume", headers=ada.bearer, data={"jobInfoId": job_id},
                         files={"resumeFile": ("cv.pdf", pdf_bytes([RESUME]), "application/pdf")})
    envelope(analysed)
    envelope(http.post("/actions/analyzeResume", headers=ada.bearer, data={"jobInfoId": job_id},
                       files={"resumeFile": ("cv.txt", "\n".join(RESUME).encode(), "text/plain")}))
    base = f"/app/job-infos/{job_id}"
    paths = [f"{base}/questions", f"{base}/interviews", f"{base}/interviews/new", f"{base}/interviews/voice",
             f"{base}/interviews/{running}", f"{base}/interviews/{ended}", f"{base}/interviews/{waiting}",
             f"{base}/resume", "/app/progress", "/help/ai-coach"]
    page = Watched(contexts(browser, server.url, ada, viewport=viewport, color_scheme=theme).new_page()).page
    wrong: list[str] = []
    for path in paths:
        page.goto(path)
        for details in page.locator("main details").all():  # what is folded is audited too
            details.evaluate("element => { element.open = true; }")
        if horizontal_overflow(page) > 0:
            wrong.append(f"{path}: wider than the window")
        if viewport is DESKTOP:
            wrong += [f"{path}: {violation}" for violation in axe_violations(page)]
    assert wrong == []


def test_a_resume_dropped_on_the_page_is_checked_then_analysed(
    watched: Watched, server: Server, ada: Account, job_id: str
) -> None:
    set_plan(server, ada, "max")
    page = watched.page
    page.goto(f"/app/job-infos/{job_id}/resume")
    drop = """([name, type, text]) => {
        const files = new DataTransfer();
        files.items.add(new File([text], name, { type }));
        const zone = document.querySelector("[data-dropzone]");
        zone.dispatchEvent(new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: files }));
        zone.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: files }));
    }"""
    page.evaluate(drop, ["setup.exe", "application/octet-stream", "MZ"])  # checked in the browser first
    assert "PDF, Word document, or text file" in page.locator("[data-file-error]").inner_text()
    assert page.locator("input[type=file]").get_attribute("aria-invalid") == "true"
    page.evaluate(drop, ["amina.txt", "text/plain", "\n".join(RESUME)])
    assert page.locator("[data-file-name]").inner_text() == "amina.txt"
    assert page.locator("[data-file-error]").inner_text() == ""
    page.get_by_role("button", name="Analyse resume").click()
    latest = page.locator("#latest-analysis")
    latest.wait_for()
    assert latest.locator(".categories > li").count() == 5
    assert latest.evaluate("element => element === document.activeElement")
    watched.assert_quiet()
