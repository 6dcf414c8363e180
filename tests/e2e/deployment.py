"""A darasa deployment of several gunicorn worker processes, as the
concurrency tests drive it: starting and stopping it, telling which worker
answered a request (from /proc, or gunicorn's access log), and calling its
actions, one at a time or all at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import frozen
from sqlalchemy import create_engine, select

from adapters.db import tables
from tests.e2e.conftest import Account, Server, sign_up
from tests.server_process import REPO

WORKERS = 4
CALLS = 50
STARTUP_SECONDS = 90
STOP_SECONDS = 30
REQUEST_SECONDS = 60
CLI_SECONDS = 120
BIN = Path(sys.executable).parent
JOB = {"name": "Backend engineer", "title": "Senior Go developer", "experienceLevel": "senior",
       "description": "Distributed systems, Postgres, Kubernetes"}
ACCESS_LOG_FORMAT = "%({x-request-id}o)s %(p)s"
"""gunicorn's access log: the request id the app echoes, the worker's pid."""


# --- the deployment ---------------------------------------------------------


@frozen
class Deployment:
    backend: str
    server: Server
    master: subprocess.Popen[bytes]
    env: dict[str, str]
    """The environment the server runs with, for the CLI to share."""
    database_url: str
    client_ip: str
    access_log: Path | None
    """gunicorn's access log (the bare gunicorn run); without it, the worker
    that served a request is found from the kept-alive connection."""

    def client(self) -> httpx.Client:
        """A new client: its first request opens a new TCP connection. It
        keeps no cookies, so every credential is spelled out."""
        http = httpx.Client(
            base_url=self.server.url,
            timeout=REQUEST_SECONDS,
            transport=httpx.HTTPTransport(local_address=self.client_ip),
        )
        http.event_hooks["response"] = [lambda _: http.cookies.clear()]
        return http

    def workers(self) -> set[int]:
        return _children(self.master.pid)

    def served_by(self, response: httpx.Response) -> int | None:
        """The pid of the worker process that answered, when it can be told."""
        if self.access_log is not None:
            return _pid_in_access_log(self.access_log, response.headers["X-Request-Id"])
        client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
        return _holder_of_connection(self.workers(), _port(self.server.url), client_port)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "darasa"), *args], cwd=REPO, env=self.env, capture_output=True,
            text=True, timeout=CLI_SECONDS,
        )


def wait_until_ready(deployment: Deployment) -> None:
    """Healthy, with all its workers booted."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if deployment.master.poll() is not None:
            pytest.fail(f"the server exited with {deployment.master.returncode}:\n{deployment.server.log_text()}")
        try:
            with deployment.client() as http:
                healthy = http.get("/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            healthy = False
        if healthy and len(deployment.workers()) == WORKERS:
            return
        time.sleep(0.2)
    pytest.fail(f"the server was not ready with {WORKERS} workers in {STARTUP_SECONDS}s:\n"
                f"{deployment.server.log_text()}")


def stop(master: subprocess.Popen[bytes], server: Server) -> None:
    """Stop the master and its workers (one process group), gracefully, then
    for good once STOP_SECONDS have passed."""
    if master.poll() is None:
        os.killpg(master.pid, signal.SIGTERM)
    try:
        master.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        print(f"the server did not stop in {STOP_SECONDS}s; killing it:\n{server.log_text()[-5000:]}")
    deadline = time.monotonic() + 5
    while _group_alive(master.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(master.pid):
        os.killpg(master.pid, signal.SIGKILL)
    master.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# --- reading /proc ----------------------------------------------------------


def _children(parent: int) -> set[int]:
    """The pids whose parent is ``parent`` (no psutil: /proc/<pid>/stat)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.add(int(entry.name))
    return found


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _holder_of_connection(pids: set[int], server_port: int, client_port: int) -> int | None:
    """The process holding the server's end of the TCP connection from
    ``client_port``: its socket inode from /proc/net/tcp, then whose file
    descriptors point at that inode."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) == client_port:
                inode = fields[9]
    if inode is None:
        return None
    for pid in pids:
        try:
            descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(descriptor) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _pid_in_access_log(log: Path, request_id: str) -> int | None:
    deadline = time.monotonic() + 5  # the worker logs right after it answers
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            logged_id, _, pid = line.partition(" ")
            if logged_id == request_id:
                return int(pid.strip("<>"))  # gunicorn writes "<pid>"
        time.sleep(0.05)
    return None


# --- calling actions ---------------------------------------------------------


@frozen
class Answer:
    status: int
    body: dict[str, Any]
    headers: httpx.Headers
    worker: int | None


def act(deployment: Deployment, http: httpx.Client, account: Account, name: str, payload: object) -> Answer:
    response = http.post(f"/actions/{name}", json=payload,
                         headers={**account.bearer, "X-Request-Id": uuid.uuid4().hex})
    body = response.json()
    assert isinstance(body, dict), response.text
    return Answer(response.status_code, body, response.headers, deployment.served_by(response))


def act_fresh(deployment: Deployment, account: Account, name: str, payload: object) -> Answer:
    """The action over a new TCP connection."""
    with deployment.client() as http:
        return act(deployment, http, account, name, payload)


def ok(answer: Answer) -> dict[str, Any]:
    assert answer.status == 200 and answer.body["error"] is False, answer
    return answer.body


def new_user(deployment: Deployment, name: str) -> Account:
    with deployment.client() as http:
        return sign_up(http, name)


def new_job_info(deployment: Deployment, account: Account) -> str:
    return ok(act_fresh(deployment, account, "createJobInfo", JOB))["id"]


def simultaneously(deployment: Deployment, account: Account, name: str, payload: object) -> list[Answer]:
    """CALLS calls of the action, each over its own connection, released at
    once by a barrier."""
    barrier = threading.Barrier(CALLS)

    def call() -> Answer:
        with deployment.client() as http:
            barrier.wait(timeout=REQUEST_SECONDS)
            return act(deployment, http, account, name, payload)

    with ThreadPoolExecutor(CALLS) as pool:
        futures = [pool.submit(call) for _ in range(CALLS)]
        return [future.result(timeout=3 * REQUEST_SECONDS) for future in futures]


def interviews_in_database(deployment: Deployment, user_id: str) -> set[str]:
    engine = create_engine(deployment.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(tables.interviews.c.id)
                .join(tables.job_infos, tables.interviews.c.job_info_id == tables.job_infos.c.id)
                .where(tables.job_infos.c.user_id == user_id)
            )
            return {row.id for row in rows}
    finally:
        engine.dispose()


def one(values: list[object]) -> object:
    """The only value, or all of them when there is not exactly one."""
    return values[0] if len(values) == 1 else values


def by_code(answers: list[Answer]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer in answers:
        code = "OK" if answer.body.get("error") is False else answer.body.get("code", "?")
        counts[code] = counts.get(code, 0) + 1
    return counts


def assert_no_server_errors(answers: list[Answer]) -> None:
    errors = [answer for answer in answers if answer.status >= 500]
    assert not errors, errors
