"""What the browser tests share: Debian's Chromium, how it is launched, and
a page watched for what must not happen."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000
"""For any one wait of the browser: the whole module stays well under a minute."""


def unavailable(reason: str) -> None:
    if os.environ.get("DARASA_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, and DARASA_REQUIRE_SERVICES=1")
    pytest.skip(reason)


@contextmanager
def chromium(extra_args: Sequence[str] = ()) -> Iterator[Browser]:
    """Headless Chromium for one block; skips (or fails, in CI) without it."""
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
        finally:
            launched.close()


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
        # The browser's own fetch of /favicon.ico (there is none) is no error of ours.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.console_errors.append(f"{message.text} at {message.location}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_quiet(self) -> None:
        assert self.dialogs == []
        assert self.page_errors == []
        assert self.console_errors == []
