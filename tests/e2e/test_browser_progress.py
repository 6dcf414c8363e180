"""The progress page in Chromium against a real server: after some
practice (answers, a mock interview with feedback, two resume analyses) its
charts are drawn at desktop and phone widths, in light and dark, coloured
by the theme's stylesheet with nothing refused by the CSP, without
horizontal scrolling and passing the axe audit; a weakest topic's button
generates a question on that topic and shows it; a new user's page (what
to do, no charts) fits and passes the audit too.

Set DARASA_LOOK=1 to keep a screenshot of every look (in
``test-results/screenshots/look``) for a person to review."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.e2e.browser import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Watched,
    axe_violations,
    horizontal_overflow,
    signed_in,
)
from tests.e2e.conftest import Account, Server, act, cookieless_client, envelope, set_plan, sign_up

if TYPE_CHECKING:
    from playwright.sync_api import Browser

JOB = {"name": "Backend at Acme", "title": "Senior Python Engineer", "experienceLevel": "senior",
       "description": "Build Python services on PostgreSQL with Redis caching, Docker and REST APIs."}
ANSWERS = ["I am not sure.", "It makes things faster by keeping data sorted, I think, like an index in a book."]
RESUME = (b"Ada Lovelace\nSenior Python Engineer\nada@example.com\n\nExperience\n"
          b"- Built payment APIs in Python and PostgreSQL\n- Redis caching, Docker\n\nSkills: Python, PostgreSQL\n")
LOOK = os.environ.get("DARASA_LOOK") == "1"


def ok(response: httpx.Response) -> dict[str, Any]:
    return envelope(response)


@pytest.fixture(scope="module")
def practised(server: Server) -> Iterator[tuple[Account, str]]:
    """A user with answers, an interview with feedback and two analyses."""
    with cookieless_client(server, timeout=60) as http:
        ada = sign_up(http, "Ada")
        set_plan(server, ada, "max")
        job_id = str(ok(act(http, ada, "createJobInfo", JOB))["id"])
        for difficulty in ("easy", "medium", "hard"):
            asked = ok(act(http, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": difficulty}))
            for text in ANSWERS:
                ok(act(http, ada, "generateQuestionFeedback", {"questionId": asked["questionId"], "answer": text}))
        interview = str(ok(act(http, ada, "createInterview", {"jobInfoId": job_id}))["id"])
        ok(act(http, ada, "startInterview", {"interviewId": interview}))
        ok(act(http, ada, "sendInterviewMessage", {"interviewId": interview,
                                                   "text": "I built payment APIs in Python on PostgreSQL."}))
        ok(act(http, ada, "endInterview", {"interviewId": interview}))
        ok(act(http, ada, "generateInterviewFeedback", {"interviewId": interview}))
        for extra in (b"", b"- Led a team of four engineers\n"):
            ok(http.post("/actions/analyzeResume", headers=ada.bearer, data={"jobInfoId": job_id},
                         files={"resumeFile": ("resume.txt", RESUME + extra, "text/plain")}))
        yield ada, job_id


CSP_WATCH = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective));"""
SHOWN_CHARTS = """() => [...document.querySelectorAll('svg.chart__svg')]
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .map((svg) => {
    const box = svg.getBoundingClientRect();
    const mark = svg.querySelector('.series .reactive');
    return {label: svg.getAttribute('aria-labelledby'), left: box.left, right: box.right, height: box.height,
            fill: mark ? getComputedStyle(mark).fill : null, stroke: mark ? getComputedStyle(mark).stroke : null,
            text: getComputedStyle(svg.querySelector('text')).fill};
  })"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_charts_are_drawn_in_both_themes_within_the_window(
    browser: Browser, server: Server, practised: tuple[Account, str], viewport: dict[str, int]
) -> None:
    ada, _ = practised
    colours: dict[str, set[str]] = {}
    for theme in ("light", "dark"):
        context = signed_in(browser, server, ada, viewport=viewport, color_scheme=theme)
        context.add_init_script(CSP_WATCH)
        watched = Watched(context.new_page())
        page = watched.page
        try:
            page.goto("/app/progress")
            charts = page.evaluate(SHOWN_CHARTS)
            assert page.evaluate("window.cspViolations") == []
            assert {c["label"] for c in charts} == {"days-title", "topics-title", "difficulty-title",
                                                     "categories-title", "resumes-title"}
            for chart in charts:
                assert 0 <= chart["left"] and chart["right"] <= viewport["width"] and chart["height"] > 100, chart
                assert chart["stroke"] not in (None, "none", "rgb(0, 0, 0)"), chart  # coloured by progress.css
            colours[theme] = {c["stroke"] for c in charts} | {c["text"] for c in charts}
            assert horizontal_overflow(page) == 0
            assert axe_violations(page) == []
            watched.assert_quiet()  # a CSP violation is a console error
            if LOOK:
                folder = SCREENSHOTS / "look"
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"progress-{viewport['width']}-{theme}.png"), full_page=True)
        finally:
            context.close()
    assert colours["light"] != colours["dark"]


def test_a_weakest_topic_button_asks_for_a_question_on_it(
    browser: Browser, server: Server, practised: tuple[Account, str]
) -> None:
    ada, job_id = practised
    context = signed_in(browser, server, ada)
    watched = Watched(context.new_page())
    page = watched.page
    try:
        page.goto("/app/progress")
        button = page.locator(".weakest__form button").first
        topic = page.locator(".weakest__form input[name=topic]").first.get_attribute("value")
        assert topic and button.inner_text().startswith(f"Practise {topic}")
        button.click()
        page.wait_for_url(f"{server.url}/app/job-infos/{job_id}/questions")
        shown = page.locator("#current-question > .prose").inner_text()
        assert topic.lower() in shown.splitlines()[0].lower()
        watched.assert_quiet()
    finally:
        context.close()


def test_a_new_users_page_fits_and_passes_the_audit(browser: Browser, server: Server) -> None:
    with cookieless_client(server) as http:
        newcomer = sign_up(http, "Newcomer")
    for viewport, theme in ((DESKTOP, "light"), (PHONE, "dark")):
        context = signed_in(browser, server, newcomer, viewport=viewport, color_scheme=theme)
        watched = Watched(context.new_page())
        try:
            watched.page.goto("/app/progress")
            assert watched.page.get_by_role("heading", name="Nothing to show yet").is_visible()
            assert watched.page.locator('#site-nav a[href="/app/progress"]').get_attribute("aria-current") == "page"
            assert horizontal_overflow(watched.page) == 0
            assert axe_violations(watched.page) == []
            watched.assert_quiet()
        finally:
            context.close()
