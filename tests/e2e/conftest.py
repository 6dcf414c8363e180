"""A real darasa server for end-to-end tests: ``darasa serve`` in a
subprocess on a free port, with a fresh instance folder (embedded SQLite) and
the per-IP limit off. Each test module gets its own server, so one module's
sign-ups never count against another's sign-up limit.

A module that defines a ``fake_openai`` fixture (a ``FakeOpenAi``) also gets
``openai_server``, darasa with its coach on that fake, and ``remote``, a
client of it. The helpers every e2e module calls actions with are here too.

When a test fails, the server's log is attached to its report.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import frozen

from tests.e2e.browser import SCREENSHOTS, chromium, new_context
from tests.integration.fake_openai import FakeOpenAi
from tests.server_process import REPO, NotHealthy, free_port, log_text, serving

CLEARED_ENV = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY", "AI_PROVIDER",
               "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "AI_RATE_LIMIT", "INTERVIEW_RATE_LIMIT", "IDENTITY",
               "PLANS",
               "CLERK_JWT_KEY", "CLERK_JWKS_URL", "CLERK_AUTHORIZED_PARTIES", "CLERK_WEBHOOK_SIGNING_SECRET",
               "CLERK_SECRET_KEY", "CLERK_API_URL", "CLERK_SIGN_IN_URL",
               "STT_BASE_URL", "STT_API_KEY", "STT_MODEL", "TTS_BASE_URL", "TTS_API_KEY", "TTS_MODEL",
               "TTS_VOICE", "KEEP_AUDIO", "HUME_API_KEY", "LOG_LEVEL", "LOG_FLUSH_MS"}
"""What of the caller's environment a test server must not see."""


@frozen
class Server:
    url: str
    log: Path

    def log_text(self) -> str:
        return log_text(self.log)


@frozen
class Account:
    user: dict
    token: str
    email: str
    password: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def server_env(instance: str, **extra: str) -> dict[str, str]:
    """The environment of a server (or CLI) on ``instance``: embedded SQLite,
    offline coach, the per-IP limit off, unless ``extra`` says otherwise."""
    env = {key: value for key, value in os.environ.items() if key not in CLEARED_ENV}
    env.update({"DARASA_INSTANCE": instance, "IP_RATE_LIMIT": "off", "PYTHONUNBUFFERED": "1", **extra})
    return env


@contextmanager
def running_server(instance: Path, **extra_env: str) -> Iterator[Server]:
    """``darasa serve`` on ``instance`` for one block, once healthy."""
    port = free_port()
    server = Server(f"http://127.0.0.1:{port}", instance / "server.log")
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
    try:
        with serving(command, server_env(str(instance), **extra_env), server.url, server.log):
            yield server
    except NotHealthy as error:
        pytest.fail(str(error))


@contextmanager
def cookieless_client(server: Server, timeout: float = 30) -> Iterator[httpx.Client]:
    """A client that keeps no cookies: every credential a test sends is
    spelled out in its headers."""
    with httpx.Client(base_url=server.url, timeout=timeout) as http:
        http.event_hooks["response"] = [lambda _: http.cookies.clear()]
        yield http


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("instance")) as running:
        yield running


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    funcargs = getattr(item, "funcargs", {})
    running = funcargs.get("server")
    if report.failed and isinstance(running, Server):
        report.sections.append(("darasa server log", running.log_text()[-20_000:]))
    if report.failed and report.when in ("setup", "call"):
        _screenshot(item, funcargs, report)
    return report


def _screenshot(item: pytest.Item, funcargs: dict[str, Any], report: pytest.TestReport) -> None:
    """The browser's view when a browser test failed, for whoever reads CI."""
    for value in funcargs.values():
        page = value if hasattr(value, "screenshot") else getattr(value, "page", None)  # a Page, Watched, Contexts
        if page is None or not hasattr(page, "screenshot") or page.is_closed():
            continue
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)[-150:] + ".png")
        try:
            page.screenshot(path=str(path), timeout=5_000)
        except Exception as error:  # noqa: BLE001 - the failure itself is what matters
            report.sections.append(("screenshot", f"none: {error}"))
        else:
            report.sections.append(("screenshot", str(path)))
        return


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, one per test module."""
    with chromium() as launched:
        yield launched


class Contexts:
    """Opens browser contexts for one test (``contexts(browser, url,
    account, **options)``, signed in when given an account) and closes them
    after it, so that a failed test's screenshot is taken of the page it
    had open: ``.page``, the newest page still open."""

    def __init__(self) -> None:
        self._opened: list[Any] = []

    def __call__(self, browser: Any, base_url: str, account: Account | None = None, **options: Any) -> Any:
        made = new_context(browser, base_url, **options)
        if account is not None:
            made.add_cookies([{"name": "darasa_session", "value": account.token, "url": base_url}])
        self._opened.append(made)
        return made

    @property
    def page(self) -> Any:
        for made in reversed(self._opened):
            try:
                pages = [page for page in made.pages if not page.is_closed()]
            except Exception:  # noqa: BLE001 - a closed context has no pages to show
                continue
            if pages:
                return pages[-1]
        return None

    def close(self) -> None:
        for made in self._opened:
            try:
                made.close()
            except Exception:  # noqa: BLE001 - closed already
                pass


@pytest.fixture()
def contexts() -> Iterator[Contexts]:
    opened = Contexts()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with cookieless_client(server) as http:
        yield http


@pytest.fixture(scope="module")
def openai_server(tmp_path_factory: pytest.TempPathFactory, fake_openai: FakeOpenAi) -> Iterator[Server]:
    """darasa with AI_PROVIDER=openai, its coach on the module's fake server."""
    with running_server(tmp_path_factory.mktemp("instance-openai"), AI_PROVIDER="openai",
                        OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="sk-test-key",
                        OPENAI_MODEL="fake-model") as running:
        yield running


@pytest.fixture()
def remote(openai_server: Server) -> Iterator[httpx.Client]:
    """Like ``client``, for ``openai_server``."""
    with cookieless_client(openai_server, timeout=60) as http:
        yield http


# --- helpers ------------------------------------------------------------------


def sign_up(client: httpx.Client, name: str = "Ada") -> Account:
    """A new local account, signed in."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    password = f"pw-{uuid.uuid4().hex}"
    response = client.post("/auth/sign-up", json={"email": email, "password": password, "name": name})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(body["user"], body["token"], email, password)


def set_plan(server: Server, account: Account, plan: str) -> None:
    """``darasa plans set <email> <plan>`` on the server's own database."""
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "plans", "set", account.email, plan],
        cwd=REPO, env=server_env(str(server.log.parent)), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr


def act(client: httpx.Client, account: Account | None, name: str, payload: object,
        headers: dict[str, str] | None = None) -> httpx.Response:
    credentials = account.bearer if account is not None else {}
    return client.post(f"/actions/{name}", json=payload, headers={**credentials, **(headers or {})})


def timed(http: httpx.Client, seconds: float, method: str, path: str, **kwargs: object) -> httpx.Response:
    """The answer to one request, asserting it came within ``seconds``."""
    started = time.monotonic()
    response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - started < seconds, f"{method} {path} took too long"
    return response


def envelope(response: httpx.Response, status: int = 200, code: str | None = None) -> dict[str, Any]:
    """The response is the plain JSON envelope with this status (and code)."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    if code is None:
        assert body["error"] is False, body
    else:
        assert body["error"] is True and body["code"] == code, body
    return body


def events(response: httpx.Response) -> tuple[list[str], dict[str, Any]]:
    """The streamed text pieces (``delta`` events) and the final envelope
    (the one ``result`` event, last)."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    parsed = []
    for block in response.text.split("\n\n"):
        if block.strip():
            fields = dict(line.split(": ", 1) for line in block.splitlines())
            parsed.append((fields["event"], json.loads(fields["data"])))
    names = [name for name, _ in parsed]
    assert names[-1] == "result" and set(names[:-1]) <= {"delta"}, names
    return [data["text"] for _, data in parsed[:-1]], parsed[-1][1]
