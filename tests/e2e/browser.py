"""What every browser test uses: Debian's Chromium driven by playwright,
a page that records what must not happen (``Watched``), the layout check (no
horizontal scrolling) and the accessibility audit (axe-core from npm,
installed by ``.ci/run`` into ``tests/e2e/.axe``, evaluated in the page so
the CSP does not apply to it).

The ``browser`` fixture (one per module) and the screenshot of every failed
browser test (``test-results/screenshots/``, or ``$DARASA_SCREENSHOTS``)
are in ``conftest.py``: a test gets its screenshot when one of its fixtures
is a playwright ``Page`` or has one as ``.page`` (``contexts`` opens a
test's contexts so); a test with a browser of its own from ``chromium()``
gets one of each page it had open, saved here.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.server_process import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from tests.e2e.conftest import Account, Server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000
"""For any one wait of the browser."""
AXE = Path(os.environ.get("DARASA_AXE", REPO / "tests/e2e/.axe/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = Path(os.environ.get("DARASA_SCREENSHOTS", REPO / "test-results/screenshots"))
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def unavailable(reason: str) -> None:
    if os.environ.get("DARASA_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, and DARASA_REQUIRE_SERVICES=1")
    pytest.skip(reason)


class Watched:
    """A page with everything that must not happen recorded: dialogs (each
    dismissed), console errors and uncaught exceptions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _console(self, message: Any) -> None:
        # An answer with an error status (a 404 page, a 422 the form shows) is
        # reported by the browser itself: not an error of our code.
        if message.type == "error" and not message.text.startswith("Failed to load resource: the server"):
            self.console_errors.append(f"{message.text} at {message.location}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_quiet(self) -> None:
        assert self.dialogs == []
        assert self.page_errors == []
        assert self.console_errors == []


@contextmanager
def chromium(extra_args: Sequence[str] = ()) -> Iterator[Browser]:
    """A Chromium of its own for one block, with ``extra_args`` (a fake
    microphone, say); skips (or fails, in CI) without Chromium or playwright."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional
    except ImportError:
        unavailable("the playwright package is missing (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*ARGS, *extra_args], timeout=TIMEOUT_MS
        )
        try:
            yield launched
        except BaseException:
            screenshot_every_page(launched)
            raise
        finally:
            launched.close()


def screenshot_every_page(launched: Browser) -> None:
    """What a test that failed inside ``chromium()`` had open, saved before
    its browser closes (the conftest's screenshot comes too late for it)."""
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.environ.get("PYTEST_CURRENT_TEST", "browser").split(" ")[0])[-150:]
    pages = [page for made in launched.contexts for page in made.pages if not page.is_closed()]
    for number, page in enumerate(pages):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{test}-{number}.png"), timeout=5_000)
        except Exception:  # noqa: BLE001, S110 - the failure itself is what matters
            pass


def new_context(browser: Browser, base_url: str, viewport: dict[str, int] | None = None,
                **options: Any) -> BrowserContext:
    made = browser.new_context(base_url=base_url, viewport=viewport or DESKTOP, **options)
    made.set_default_timeout(TIMEOUT_MS)
    made.set_default_navigation_timeout(TIMEOUT_MS)
    return made


def signed_in(browser: Browser, server: Server, account: Account, **options: Any) -> BrowserContext:
    """A new context (``new_context``'s options) carrying ``account``'s session cookie."""
    made = new_context(browser, server.url, **options)
    made.add_cookies([{"name": "darasa_session", "value": account.token, "url": server.url}])
    return made


def sign_up_in_browser(page: Page, base_url: str, name: str = "Ada") -> str:
    """Through /sign-up's form; answers the email. The browser lands on the
    new-job page (a new user has no job info)."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/sign-up")
    form = page.locator("main form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(f"pw-{uuid.uuid4().hex}")
    form.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{base_url}/app/job-infos/new")
    return email


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """The axe-core audit of the page as it is: each violation of these
    impacts as "rule: target, ..."."""
    if not AXE.exists():
        unavailable(f"{AXE} is missing (npm install --prefix tests/e2e/.axe axe-core)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, "
                          "impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [f"{v['id']}: {', '.join(v['nodes'][:5])}" for v in found if v["impact"] in impacts]


# --- the questions page ---------------------------------------------------------


def ask(page: Page, difficulty: str) -> list[str]:
    """Generate a question at ``difficulty``; the text as it grew, piece by piece."""
    page.evaluate("() => { window.pieces = []; if (window.listening) return; window.listening = true; "
                  "document.addEventListener('darasa:delta', (e) => window.pieces.push(e.detail.text)); }")
    before = page.locator("#current-question input[name=questionId]")
    old = before.input_value() if before.count() else None
    page.get_by_role("radio", name=difficulty.capitalize()).check()
    page.get_by_role("button", name="Generate question").click()
    page.wait_for_function(
        "old => { const q = document.querySelector('#current-question input[name=questionId]');"
        " return q && q.value !== old; }", arg=old)
    return list(page.evaluate("window.pieces"))


def answer(page: Page, text: str) -> int:
    """Answer the current question; the rating shown for it."""
    question_id = page.locator("#current-question input[name=questionId]").input_value()
    page.locator("#current-question textarea").fill(text)
    page.get_by_role("button", name="Get feedback").click()
    badge = page.locator(f"#question-{question_id}[open] summary .badge").nth(1)
    return int(re.search(r"(\d+)/10", badge.inner_text()).group(1))  # type: ignore[union-attr]
