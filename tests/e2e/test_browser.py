"""The pages in a real browser: headless Chromium (Debian's /usr/bin/chromium,
driven by the ``playwright`` package) against a real server. A user signs up
through /sign-up's form, creates a job info through its form and reaches its
hub with the description rendered; a job
info named with an HTML payload shows it as text and never opens a dialog;
the Content-Security-Policy blocks inline script; our own JS logs no error.

Skipped when Chromium or playwright is missing, unless
DARASA_REQUIRE_SERVICES=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import Watched, new_context, sign_up_in_browser
from tests.e2e.conftest import Server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

HOSTILE_NAME = "Hostile <img src=x onerror=alert(1)>"
JOB = {
    "name": "Backend at Acme",
    "title": "Senior Python Engineer",
    "experienceLevel": "senior",
    "description": "Build Python services on **PostgreSQL**:\n\n- query tuning and indexes\n- Redis caching",
}



@pytest.fixture(scope="module")
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    """A browser signed up through /sign-up's form, landed on /app."""
    made = new_context(browser, server.url)
    try:
        watched = Watched(made.new_page())
        page = watched.page
        sign_up_in_browser(page, server.url)
        assert page.locator("h1").inner_text() == "New job info"  # with no job info yet
        assert any(c["name"] == "darasa_session" for c in made.cookies())
        watched.assert_quiet()
        page.close()
        yield made
    finally:
        made.close()


@pytest.fixture()
def watched(context: BrowserContext) -> Iterator[Watched]:
    opened = Watched(context.new_page())
    yield opened
    opened.page.close()


def create_job_info(watched: Watched, server: Server, job: dict[str, str]) -> str:
    """Through /app/job-infos/new's form; answers the job info's path, where
    the browser lands."""
    page = watched.page
    page.goto("/app/job-infos/new")
    form = page.locator('form[data-action="createJobInfo"]')
    form.get_by_label("Name").fill(job["name"])
    form.get_by_label("Job title (optional)").fill(job.get("title", ""))
    form.get_by_label("Experience level").select_option(job["experienceLevel"])
    form.get_by_label("Description").fill(job["description"])
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/app/job-infos/[0-9a-f-]{36}$"))
    return page.url.removeprefix(server.url)


def test_a_user_creates_a_job_info_and_reaches_its_hub(watched: Watched, server: Server) -> None:
    page = watched.page
    create_job_info(watched, server, JOB)
    assert page.locator("h1").inner_text() == JOB["name"]
    assert page.locator(".description strong").inner_text() == "PostgreSQL"
    assert page.locator(".description li").count() == 2
    assert page.get_by_role("link", name="Questions").is_visible()
    watched.assert_quiet()


def test_an_html_name_is_shown_as_text_and_never_runs(watched: Watched, server: Server) -> None:
    page = watched.page
    create_job_info(watched, server, {**JOB, "name": HOSTILE_NAME,
                                      "description": "Python <img src=x onerror=alert(2)> and SQL"})
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    assert page.title() == f"{HOSTILE_NAME} · darasa"
    assert page.locator("main img").count() == 0
    page.goto("/app")
    assert page.get_by_role("link", name=HOSTILE_NAME).is_visible()
    assert page.locator("main img").count() == 0
    page.goto(f"/app?q={HOSTILE_NAME}")
    assert page.get_by_role("link", name=HOSTILE_NAME).is_visible()
    assert page.get_by_role("searchbox").input_value() == HOSTILE_NAME
    page.wait_for_timeout(300)  # give any handler that slipped through the time to fire
    watched.assert_quiet()


def test_the_content_security_policy_blocks_inline_script(watched: Watched) -> None:
    page = watched.page
    page.goto("/app")
    page.evaluate("""() => {
        window.violations = [];
        document.addEventListener("securitypolicyviolation",
            (event) => window.violations.push(event.violatedDirective));
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
        const button = document.createElement("button");
        button.setAttribute("onclick", "window.handlerRan = true");
        document.body.append(button);
        button.click();
    }""")
    page.wait_for_function("window.violations.length >= 2")
    assert page.evaluate("[window.inlineRan, window.handlerRan]") == [None, None]
    assert sorted(page.evaluate("window.violations")) == ["script-src-attr", "script-src-elem"]
    assert len(watched.console_errors) == 2, watched.console_errors
    assert all("Content Security Policy" in error for error in watched.console_errors)
    assert watched.dialogs == [] and watched.page_errors == []
