"""A real darasa server for end-to-end tests: ``darasa serve`` in a
subprocess on a free port, with a fresh instance folder (embedded SQLite) and
the per-IP limit off. Each test module gets its own server, so one module's
sign-ups never count against another's sign-up limit.

When a test fails, the server's log is attached to its report.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from attrs import frozen

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


@frozen
class Server:
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@frozen
class Account:
    user: dict
    token: str
    email: str
    password: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"darasa serve exited with {process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"darasa serve did not become healthy in {STARTUP_SECONDS}s:\n{server.log_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    instance = tmp_path_factory.mktemp("instance")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY"}
    }
    env.update(DARASA_INSTANCE=str(instance), IP_RATE_LIMIT="off", PYTHONUNBUFFERED="1")
    server = Server(f"http://127.0.0.1:{port}", instance / "server.log")
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(server.url, process, server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    running = getattr(item, "funcargs", {}).get("server")
    if report.failed and isinstance(running, Server):
        report.sections.append(("darasa server log", running.log_text()[-20_000:]))
    return report


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    """A client that keeps no cookies: every credential a test sends is
    spelled out in its headers."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        http.event_hooks["response"] = [lambda _: http.cookies.clear()]
        yield http


def sign_up(client: httpx.Client, name: str = "Ada") -> Account:
    """A new local account, signed in."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    password = f"pw-{uuid.uuid4().hex}"
    response = client.post("/auth/sign-up", json={"email": email, "password": password, "name": name})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(body["user"], body["token"], email, password)
