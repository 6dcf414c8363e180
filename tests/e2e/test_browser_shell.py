"""The app's shell and first pages in Chromium against a real server: every
page at desktop and phone widths in light and dark fits the window and
passes the axe audit; the theme toggle is remembered and the phone menu
opens; the job form shows GOV.UK errors in place; delete asks in the styled
dialog; someone else's job is the same 404 page as a missing one; signing
out ends the session; a deep link survives signing in; the rate-limit toast
counts down and gives the button back.

Set DARASA_LOOK=1 to keep a screenshot of every page in every look (in
``test-results/screenshots/look``) for a person to review.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

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
from tests.e2e.conftest import (
    Account,
    Contexts,
    Server,
    act,
    cookieless_client,
    envelope,
    running_server,
    set_plan,
    sign_up,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

JOB = {
    "name": "Backend at Acme",
    "title": "Senior Python Engineer",
    "experienceLevel": "senior",
    "description": "Build Python services on **PostgreSQL**:\n\n- query tuning and indexes\n- Redis caching\n\n"
                   + "We value clear writing, careful reviews and calm on-call. " * 6,
}
LOOK = os.environ.get("DARASA_LOOK") == "1"


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with cookieless_client(server) as client:
        yield client


@pytest.fixture(scope="module")
def ada(http: httpx.Client) -> Account:
    return sign_up(http, "Ada")


@pytest.fixture(scope="module")
def job_id(http: httpx.Client, ada: Account) -> str:
    envelope(act(http, ada, "createJobInfo", {**JOB, "name": "Data platform at Foo", "experienceLevel": "mid-level"}))
    return str(envelope(act(http, ada, "createJobInfo", JOB))["id"])


@pytest.fixture()
def watched(browser: Browser, server: Server, ada: Account) -> Iterator[Watched]:
    context = signed_in(browser, server, ada)
    try:
        yield Watched(context.new_page())
    finally:
        context.close()


def pages_of(job_id: str) -> dict[str, str]:
    return {"job-infos": "/app", "new-job": "/app/job-infos/new", "hub": f"/app/job-infos/{job_id}",
            "edit-job": f"/app/job-infos/{job_id}/edit", "plan": "/app/upgrade",
            "not-found": f"/app/job-infos/{uuid.uuid4()}"}


SIGNED_OUT = {"home": "/", "sign-in": "/sign-in", "sign-up": "/sign-up", "signed-out-404": "/no/such/page"}


def look_at(page: Page, name: str, viewport: dict[str, int], theme: str, audit: bool) -> list[str]:
    """What is wrong with the page in this look."""
    wrong = []
    overflow = horizontal_overflow(page)
    if overflow > 0:
        wrong.append(f"{name}: {overflow}px wider than the window")
    if audit:
        wrong += [f"{name}: {violation}" for violation in axe_violations(page)]
    if LOOK:
        folder = SCREENSHOTS / "look"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{viewport['width']}-{theme}.png"), full_page=True)
    return wrong


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_fits_the_window_and_passes_the_audit(
    browser: Browser, server: Server, contexts: Contexts, ada: Account, job_id: str, viewport: dict[str, int],
    theme: str,
) -> None:
    wrong: list[str] = []
    for who, paths in [(ada, pages_of(job_id)), (None, SIGNED_OUT)]:
        page = Watched(contexts(browser, server.url, who, viewport=viewport, color_scheme=theme).new_page()).page
        for name, path in paths.items():
            page.goto(path)
            wrong += look_at(page, name, viewport, theme, audit=viewport is DESKTOP or LOOK)
        if who:  # the form with its errors shown
            page.goto("/app/job-infos/new")
            page.get_by_role("button", name="Save").click()
            page.locator(".error-summary").wait_for()
            wrong += look_at(page, "new-job-errors", viewport, theme, audit=True)
    assert wrong == []


def test_the_theme_toggle_is_remembered(watched: Watched) -> None:
    page = watched.page
    page.emulate_media(color_scheme="light")
    page.goto("/app")
    toggle = page.locator("[data-theme-toggle]")
    assert toggle.inner_text() == "Theme: System"
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    toggle.click()
    assert toggle.inner_text() == "Theme: Light" and page.evaluate(background) == light
    toggle.click()
    assert toggle.inner_text() == "Theme: Dark"
    dark = page.evaluate(background)
    assert dark != light
    page.goto("/app/upgrade")
    assert page.evaluate(background) == dark and page.locator("html").get_attribute("data-theme") == "dark"
    page.locator("[data-theme-toggle]").click()
    page.reload()
    assert page.locator("[data-theme-toggle]").inner_text() == "Theme: System"
    assert page.evaluate(background) == light
    watched.assert_quiet()


def test_the_navigation_collapses_into_a_menu_on_a_phone(browser: Browser, server: Server, contexts: Contexts,
                                                          ada: Account, job_id: str) -> None:
    page = Watched(contexts(browser, server.url, ada, viewport=PHONE).new_page()).page
    page.goto("/app")
    plan = page.get_by_role("navigation", name="Main").get_by_role("link", name="Plan", exact=True)
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible() and not plan.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and plan.is_visible()
    plan.click()
    page.wait_for_url(re.compile(r".*/app/upgrade$"))


def test_the_job_form_shows_errors_in_place_and_keeps_the_input(watched: Watched, server: Server) -> None:
    page = watched.page
    page.goto("/app/job-infos/new")
    page.get_by_label("Name").fill("Kept name")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.url.endswith("/app/job-infos/new")
    assert summary.evaluate("element => element === document.activeElement")
    level = page.get_by_label("Experience level")
    assert level.get_attribute("aria-invalid") == "true"
    error_id = next(i for i in level.get_attribute("aria-describedby").split() if i.endswith("-error"))
    assert page.locator(f"#{error_id}").inner_text().strip()
    assert page.get_by_label("Name").input_value() == "Kept name"
    assert page.get_by_label("Name").get_attribute("aria-invalid") is None
    links = summary.get_by_role("link").all_inner_texts()
    assert links == ["Experience level: Choose the experience level of the role",
                     "Description: Enter the job description"]  # the form's order, what to enter
    summary.get_by_role("link").filter(has_text=page.locator(f"#{error_id}").inner_text().strip()[:10]).first.click()
    assert level.evaluate("element => element === document.activeElement")
    level.select_option("junior")
    page.get_by_label("Description").fill("Python services and SQL.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/app/job-infos/[0-9a-f-]{36}$"))
    assert page.locator("h1").inner_text() == "Kept name"
    assert page.locator("h1").evaluate("element => element === document.activeElement")
    watched.assert_quiet()


def test_delete_asks_in_the_confirmation_dialog(watched: Watched, server: Server, http: httpx.Client,
                                                ada: Account, job_id: str) -> None:
    """(``job_id``: Ada keeps other job infos, so the list is where a delete
    lands, whichever tests ran first; with none left it is the new-job form.)"""
    page = watched.page
    doomed = envelope(act(http, ada, "createJobInfo", {**JOB, "name": "Doomed job"}))["id"]
    page.goto(f"/app/job-infos/{doomed}")
    page.get_by_role("button", name="Delete job info").click()
    dialog = page.get_by_role("dialog")
    assert "Doomed job" in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel").click()
    assert not dialog.is_visible()
    assert envelope(act(http, ada, "getJobInfo", {"id": doomed}))["jobInfo"]["name"] == "Doomed job"
    page.get_by_role("button", name="Delete job info").click()
    dialog.get_by_role("button", name="Delete job info").click()
    page.wait_for_url(re.compile(r".*/app$"))
    assert page.get_by_role("link", name="Doomed job").count() == 0
    envelope(act(http, ada, "getJobInfo", {"id": doomed}), 403, "FORBIDDEN")
    watched.assert_quiet()


def test_someone_elses_job_is_the_same_404_page_as_a_missing_one(
    browser: Browser, server: Server, contexts: Contexts, http: httpx.Client, job_id: str
) -> None:
    eve = sign_up(http, "Eve")
    page = contexts(browser, server.url, eve).new_page()
    seen = []
    for path in [f"/app/job-infos/{job_id}", f"/app/job-infos/{job_id}/edit", f"/app/job-infos/{uuid.uuid4()}"]:
        response = page.goto(path)
        assert response is not None and response.status == 404
        seen.append(page.locator("main").inner_html())
    assert seen[0] == seen[1] == seen[2]
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Backend at Acme" not in page.content()


def test_signing_out_ends_the_session(browser: Browser, server: Server, contexts: Contexts,
                                      http: httpx.Client) -> None:
    zed = sign_up(http, "Zed")
    context = contexts(browser, server.url, zed)
    page = Watched(context.new_page()).page
    page.goto("/app/upgrade")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in$"))
    assert not any(c["name"] == "darasa_session" for c in context.cookies())
    page.goto("/app/upgrade")
    assert page.url.endswith("/sign-in?next=/app/upgrade")
    envelope(act(http, zed, "getPlan", {}), 401, "UNAUTHENTICATED")  # the token itself is dead


def test_a_deep_link_survives_signing_in(browser: Browser, server: Server, contexts: Contexts,
                                         http: httpx.Client) -> None:
    bob = sign_up(http, "Bob")
    deep = "/app/job-infos/" + str(envelope(act(http, bob, "createJobInfo", JOB))["id"]) + "/edit"
    watched = Watched(contexts(browser, server.url).new_page())
    page = watched.page
    page.goto(deep)
    assert page.url.endswith("/sign-in?next=" + deep)
    page.get_by_label("Email").fill(bob.email)
    page.get_by_label("Password").fill(bob.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + deep)
    assert page.locator("h1").inner_text() == "Edit job info"
    assert page.get_by_label("Name").input_value() == JOB["name"]
    watched.assert_quiet()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose AI actions allow 10 a minute: one token every 6 s."""
    with running_server(tmp_path_factory.mktemp("instance-limited"), AI_RATE_LIMIT="10/minute") as running:
        yield running


def test_the_rate_limit_toast_counts_down_and_gives_the_button_back(browser: Browser, limited: Server,
                                                                   contexts: Contexts) -> None:
    with cookieless_client(limited) as client:
        max_ = sign_up(client, "Max")
        set_plan(limited, max_, "max")
        job = envelope(act(client, max_, "createJobInfo", JOB))["id"]
        for _ in range(10):
            envelope(act(client, max_, "generateQuestion", {"jobInfoId": job, "difficulty": "easy"}))
    watched = Watched(contexts(browser, limited.url, max_).new_page())
    page = watched.page
    page.goto(f"/app/job-infos/{job}")
    # A form of the kind the questions page has, posted by app.js as every form is.
    page.evaluate("""(job) => {
        const form = document.createElement("form");
        form.dataset.action = "generateQuestion";
        form.id = "limited";
        form.innerHTML = '<input type="hidden" name="jobInfoId"><input type="hidden" name="difficulty" '
            + 'value="easy"><button type="submit" class="button">Generate</button>';
        form.elements.jobInfoId.value = job;
        document.querySelector("main").append(form);
    }""", job)
    button = page.get_by_role("button", name="Generate")
    button.click()
    toast = page.locator(".toast")
    toast.wait_for()
    assert toast.locator(".toast__title").inner_text() == "Woah! Slow down."
    first = int(re.search(r"Try again in (\d+) second", toast.inner_text())[1])
    assert button.is_disabled()
    page.wait_for_function("n => /Try again in (\\d+)/.exec(document.querySelector('.toast').innerText)[1] < n",
                           arg=first)
    assert button.is_disabled()
    page.wait_for_function("() => !document.querySelector('#limited button').disabled",
                           timeout=(first + 3) * 1000)
    assert "You can try again now." in toast.inner_text()
    assert "RATE_LIMIT" not in page.content()
    watched.assert_quiet()


def test_show_more_appends_the_next_page_in_place(browser: Browser, server: Server, contexts: Contexts,
                                                 http: httpx.Client) -> None:
    lee = sign_up(http, "Lee")
    for n in range(52):
        envelope(act(http, lee, "createJobInfo", {**JOB, "name": f"Job {n:02}"}))
    watched = Watched(contexts(browser, server.url, lee).new_page())
    page = watched.page
    page.goto("/app")
    cards = page.locator("#job-info-list > li")
    assert cards.count() == 50
    page.get_by_role("link", name="Show more job infos").click()
    page.wait_for_function("() => document.querySelectorAll('#job-info-list > li').length === 52")
    assert page.url == f"{server.url}/app"  # in place, no navigation
    assert page.get_by_role("link", name="Show more job infos").count() == 0  # the last page
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Job 01" and cards.nth(51).inner_text().startswith("Job 00")
    watched.assert_quiet()
