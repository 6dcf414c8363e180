"""The whole journey of a new user in Chromium against a real server, as
issue 9 tells it: sign up → create a job → a question at each difficulty,
seen arriving in pieces → a bad and a good answer rated apart → the free
allowance used up, the Upgrade toast → ``darasa plans set … max`` (the real
command on the server's database) → a resume (a PDF made here) analysed,
its scores shown → a text mock interview with its timer running, then its
feedback → the progress page's charts → the job edited → deleted. The pages
on the way pass the axe audit, and nothing is ever shown as a raw code."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

import httpx
import pytest

from adapters.ai.offline.coach import OfflineCoach
from tests.e2e.browser import Watched, answer, ask, axe_violations, new_context, sign_up_in_browser
from tests.e2e.conftest import Server, server_env
from tests.fixtures_docs import RESUME, pdf_bytes
from tests.server_process import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

RAW_CODES = re.compile(r"\b(PLAN_LIMIT|RATE_LIMIT|VALIDATION|UNSUPPORTED_MEDIA|AI_FAILED|NOT_FOUND)\b")


@pytest.fixture()
def watched(browser: Browser, server: Server) -> Iterator[Watched]:
    context = new_context(browser, server.url)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def audit(page: Page, wrong: list[str]) -> None:
    """The page as it is now: no serious or critical axe violation, no raw
    code, one h1 (the coach's headings are demoted under the page's own)."""
    wrong += [f"{page.url}: {violation}" for violation in axe_violations(page)]
    if page.locator("main h1").count() != 1:
        wrong.append(f"{page.url}: {page.locator('main h1').count()} h1 headings")
    levels = page.evaluate("[...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]"
                           ".filter(h => h.getClientRects().length).map(h => Number(h.tagName[1]))")
    if any(later > earlier + 1 for earlier, later in pairwise(levels)):
        wrong.append(f"{page.url}: a heading skips a level: {levels}")
    if RAW_CODES.search(page.locator("body").inner_text()):
        wrong.append(f"{page.url}: a raw error code on screen")


def plans_set(server: Server, email: str, plan: str) -> None:
    """``darasa plans set EMAIL PLAN``, the operator's command, on the server's database."""
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", "plans", "set", email, plan], cwd=REPO,
                          env=server_env(str(server.log.parent)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_new_user_goes_from_sign_up_to_deleting_the_job(watched: Watched, server: Server) -> None:
    page = watched.page
    wrong: list[str] = []

    # sign up, then describe a job
    email = sign_up_in_browser(page, server.url, "Amina")
    audit(page, wrong)
    page.get_by_label("Name").fill("Backend at Acme")
    page.get_by_label("Job title (optional)").fill("Senior Python Engineer")
    page.get_by_label("Experience level").select_option("senior")
    page.get_by_label("Description").fill("Build REST APIs in Python on PostgreSQL, with Redis caching and Docker.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/app/job-infos/[0-9a-f-]{36}$"))
    hub = page.url
    assert page.locator("h1").inner_text() == "Backend at Acme"
    assert "0 of 5 questions used" in page.locator("main").inner_text()

    # a question at each difficulty, each arriving in pieces; a bad and a good answer
    page.get_by_role("link", name="Questions", exact=True).click()
    page.wait_for_url(hub + "/questions")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "darasa_session")
    ratings = {}
    for difficulty in ["easy", "medium", "hard"]:
        pieces = ask(page, difficulty)
        assert len(pieces) >= 2 and all(b.startswith(a) for a, b in pairwise(pieces)), pieces
        assert pieces[0] != pieces[-1]  # seen before the question was complete
        assert page.get_by_role("radio", name=difficulty.capitalize()).is_checked()  # kept
        assert page.locator("#current-question .badge").first.inner_text() == difficulty.capitalize()
        if difficulty == "easy":
            ratings["bad"] = answer(page, "I am not sure, maybe restart it?")
        elif difficulty == "medium":
            question_id = page.locator("#current-question input[name=questionId]").input_value()
            with httpx.Client(base_url=server.url, timeout=30) as http:
                listed = http.post("/actions/listQuestions", json={"jobInfoId": hub.rsplit("/", 1)[1]},
                                   headers={"Authorization": f"Bearer {token}"}).json()["questions"]
            text = next(q["text"] for q in listed if q["id"] == question_id)
            ratings["good"] = answer(page, OfflineCoach().bank.find(text).answer)
    assert ratings["good"] > ratings["bad"], ratings
    audit(page, wrong)

    # the free plan's five questions used up: the Upgrade toast
    ask(page, "easy")
    ask(page, "easy")
    assert "5 of 5 questions used" in page.locator("main").inner_text()
    page.get_by_role("button", name="Generate question").click()
    toast = page.locator(".toast")
    toast.wait_for()
    assert toast.locator(".toast__title").inner_text() == "You have reached your plan limit."
    assert not RAW_CODES.search(toast.inner_text())
    upgrade = toast.get_by_role("link", name="Upgrade")
    assert upgrade.get_attribute("href") == "/app/upgrade"

    # the operator's command, then the plan page says so
    plans_set(server, email, "max")
    upgrade.click()
    page.wait_for_url(server.url + "/app/upgrade")
    assert "Max" in page.locator(".plan--current .card__title").inner_text()
    audit(page, wrong)

    # a resume, made here as a PDF, analysed: the scores
    page.goto(hub + "/resume")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "amina.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes([RESUME])}])
    assert page.locator("[data-file-name]").inner_text() == "amina.pdf"
    page.get_by_role("button", name="Analyse resume").click()
    latest = page.locator("#latest-analysis")
    latest.wait_for()
    assert re.search(r"\d+/10", latest.locator(".overall__score").inner_text())
    assert latest.locator(".categories > li").count() == 5
    assert re.search(r"(Excellent|Ok|Needs work) · \d+/10", latest.locator(".overall .badge").inner_text())
    assert latest.evaluate("element => element === document.activeElement")
    audit(page, wrong)

    # a text mock interview: the chat with its timer, then the feedback
    page.goto(hub)
    page.get_by_role("link", name="Interviews", exact=True).click()
    page.wait_for_url(hub + "/interviews/new")  # none yet: the new one
    audit(page, wrong)
    page.get_by_role("button", name="Begin the interview").click()
    reply = page.locator("#reply")
    reply.wait_for()
    assert reply.evaluate("element => element === document.activeElement")
    first = page.locator(".timer").inner_text()
    page.wait_for_function("first => document.querySelector('.timer').textContent > first", arg=first)
    for said in ["I led the move of our payment APIs to PostgreSQL and cut p99 latency by 40%.",
                 "I profiled the slow queries, added the missing indexes and cached hot reads in Redis."]:
        turns = page.locator(".chat__turn").count()
        reply.fill(said)
        page.keyboard.press("Enter")
        page.locator(".chat__turn").nth(turns + 1).wait_for()
        page.wait_for_selector(".chat__turn--waiting", state="detached")
    audit(page, wrong)
    page.get_by_role("button", name="End", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="End interview").click()
    page.get_by_role("button", name="Generate feedback").click()
    page.locator("#feedback .prose").filter(has_text="Overall Rating").wait_for()
    audit(page, wrong)

    # the progress page draws it all
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    page.wait_for_url(server.url + "/app/progress")
    for chart in ["days-title", "difficulty-title", "categories-title", "resumes-title"]:
        assert page.locator(f"svg[role=img][aria-labelledby={chart}]").count() >= 1, chart
    audit(page, wrong)

    # edit the job, then delete it
    page.goto(hub)
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(hub + "/edit")
    assert page.get_by_label("Name").input_value() == "Backend at Acme"
    page.get_by_label("Name").fill("Backend at Acme (2nd round)")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(hub)
    assert page.locator("h1").inner_text() == "Backend at Acme (2nd round)"
    page.get_by_role("button", name="Delete job info").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete job info").click()
    page.wait_for_url(re.compile(r".*/app(/job-infos/new)?$"))
    assert page.goto(hub).status == 404  # type: ignore[union-attr]
    assert page.locator("h1").inner_text() == "Page not found"

    assert wrong == []
    watched.assert_quiet()
