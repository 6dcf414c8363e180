"""Plans and rate limits hold under concurrency, end to end: the app under
gunicorn with 4 worker processes, once embedded on SQLite (``darasa serve
--workers 4``) and once scaled out on PostgreSQL + Redis (a bare ``gunicorn
-w 4 'entrypoints.app:wsgi()'`` with WEB_CONCURRENCY=4, after ``darasa db
upgrade``), the per-IP limit off.

- 50 simultaneous createInterview calls by a free user create exactly one
  interview, the rest refused with PLAN_LIMIT; by a pro user exactly 12, the
  rest RATE_LIMIT with a Retry-After; never a 5xx; the database holds exactly
  the interviews that were answered as created.
- A write through one worker is never followed by a stale read through
  another: every read goes over a new TCP connection, and the test checks
  (from /proc, or gunicorn's access log) that they really were served by
  other worker processes than the write.

Isolation from other runs: a fresh instance folder (SQLite) or a fresh
PostgreSQL schema; on Redis every key the app writes is per user (random ids)
or per client IP, and the clients here speak from a random loopback address
(127.a.b.c), so even the per-IP sign-up limit is this run's own.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import frozen
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from adapters.db import tables
from tests.e2e.conftest import Account, Server, server_env, sign_up
from tests.server_process import REPO, free_port

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


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres+redis", marks=[pytest.mark.postgres, pytest.mark.redis])],
)
def deployment(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    instance = tmp_path_factory.mktemp("instance")
    port = free_port()
    env = server_env(str(instance))
    with ExitStack() as stack:
        if request.param == "sqlite":
            database_url = f"sqlite:///{instance / 'darasa.sqlite3'}"
            command = [str(BIN / "darasa"), "serve", "--workers", str(WORKERS), "--port", str(port)]
            access_log = None
        else:
            from tests.integration._services import fresh_postgres_schema, postgres_url, redis_url

            database_url = stack.enter_context(fresh_postgres_schema(make_url(postgres_url())))
            env.update(DATABASE_URL=database_url, REDIS_URL=redis_url(), WEB_CONCURRENCY=str(WORKERS))
            upgraded = subprocess.run([str(BIN / "darasa"), "db", "upgrade"], cwd=REPO, env=env,
                                      capture_output=True, text=True, timeout=CLI_SECONDS)
            assert upgraded.returncode == 0, upgraded.stderr
            access_log = instance / "access.log"
            command = [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
                       "--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT,
                       "entrypoints.app:wsgi()"]
        server = Server(f"http://127.0.0.1:{port}", instance / "server.log")
        with server.log.open("wb") as log:
            master = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        stack.callback(_stop, master, server)
        client_ip = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
        running = Deployment(request.param, server, master, env, database_url, client_ip, access_log)
        _wait_until_ready(running)
        yield running


def _wait_until_ready(deployment: Deployment) -> None:
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


def _stop(master: subprocess.Popen[bytes], server: Server) -> None:
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


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> Server:
    """The deployment's server, under the name the e2e conftest looks for to
    attach the server's log to a failed test's report."""
    return deployment.server


@pytest.fixture
def app(deployment: Deployment, server: Server) -> Deployment:
    return deployment


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


# --- the tests ---------------------------------------------------------------


def test_the_app_runs_as_four_worker_processes_that_all_serve(app: Deployment) -> None:
    workers = app.workers()
    assert len(workers) == WORKERS and app.master.pid not in workers

    served = set()
    for _ in range(40):
        with app.client() as http:
            response = http.get("/healthz", headers={"X-Request-Id": uuid.uuid4().hex})
            assert response.status_code == 200
            served.add(app.served_by(response))

    assert served <= workers
    assert len(served) >= 2, f"40 new connections were all served by {served}"


def test_a_free_users_simultaneous_interviews_create_exactly_one(app: Deployment) -> None:
    user = new_user(app, "Free")
    job_info_id = new_job_info(app, user)

    answers = simultaneously(app, user, "createInterview", {"jobInfoId": job_info_id})

    assert_no_server_errors(answers)
    assert by_code(answers) == {"OK": 1, "PLAN_LIMIT": CALLS - 1}
    for answer in answers:
        if answer.body["error"]:
            assert answer.status == 403 and answer.body["upgradeUrl"], answer
    (created,) = [answer.body["id"] for answer in answers if not answer.body["error"]]
    listed = ok(act_fresh(app, user, "listInterviews", {"jobInfoId": job_info_id}))["interviews"]
    assert [interview["id"] for interview in listed] == [created]
    assert interviews_in_database(app, user.user["id"]) == {created}


def test_a_pro_users_simultaneous_interviews_create_exactly_the_bucket(app: Deployment) -> None:
    user = new_user(app, "Pro")
    job_info_id = new_job_info(app, user)
    changed = app.cli("plans", "set", user.email, "pro")
    assert changed.returncode == 0, changed.stderr
    assert ok(act_fresh(app, user, "getPlan", {}))["plan"] == "pro"

    answers = simultaneously(app, user, "createInterview", {"jobInfoId": job_info_id})

    assert_no_server_errors(answers)
    assert by_code(answers) == {"OK": 12, "RATE_LIMIT": CALLS - 12}
    for answer in answers:
        if answer.body["error"]:
            assert answer.status == 429, answer
            assert answer.body["retryAfter"] > 0
            assert int(answer.headers["Retry-After"]) == answer.body["retryAfter"]
    created = {answer.body["id"] for answer in answers if not answer.body["error"]}
    assert len(created) == 12
    listed = ok(act_fresh(app, user, "listInterviews", {"jobInfoId": job_info_id}))["interviews"]
    assert {interview["id"] for interview in listed} == created
    assert interviews_in_database(app, user.user["id"]) == created


def _never_stale(
    app: Deployment,
    write: Callable[[httpx.Client, int], Answer],
    reads: list[Callable[[], tuple[Answer, object]]],
    expected: Callable[[int], object],
    rounds: int = 50,
) -> None:
    """``rounds`` times: read (so that workers may hold the old value), write
    through one client, then read through new connections: always the new
    value, and some of those reads served by another worker than the write."""
    crossed = 0
    with app.client() as writer:
        for round_ in range(rounds):
            for read in reads:
                read()
            written = write(writer, round_)
            ok(written)
            for read in reads:
                answer, seen = read()
                ok(answer)
                assert seen == expected(round_), f"round {round_}: stale read served by {answer.worker}"
                if answer.worker is not None and written.worker is not None and answer.worker != written.worker:
                    crossed += 1
    assert crossed > 0, "no read was served by another worker than the write before it"


def test_a_job_info_update_is_never_followed_by_a_stale_read(app: Deployment) -> None:
    user = new_user(app, "Reader")
    job_info_id = new_job_info(app, user)
    names = [f"Backend engineer {round_} {uuid.uuid4().hex[:6]}" for round_ in range(50)]

    def write(writer: httpx.Client, round_: int) -> Answer:
        return act(app, writer, user, "updateJobInfo", {**JOB, "id": job_info_id, "name": names[round_]})

    def get() -> tuple[Answer, object]:
        answer = act_fresh(app, user, "getJobInfo", {"id": job_info_id})
        return answer, answer.body.get("jobInfo", {}).get("name")

    def listed() -> tuple[Answer, object]:
        answer = act_fresh(app, user, "listJobInfos", {})
        return answer, one([job["name"] for job in answer.body.get("jobInfos", []) if job["id"] == job_info_id])

    _never_stale(app, write, [get, listed, get], lambda round_: names[round_])


def test_an_interview_update_is_never_followed_by_a_stale_read(app: Deployment) -> None:
    user = new_user(app, "Interviewee")
    job_info_id = new_job_info(app, user)
    interview_id = ok(act_fresh(app, user, "createInterview", {"jobInfoId": job_info_id}))["id"]

    def duration(round_: int) -> str:
        return f"00:{(round_ + 1) // 60:02d}:{(round_ + 1) % 60:02d}"

    def write(writer: httpx.Client, round_: int) -> Answer:
        return act(app, writer, user, "updateInterview", {"id": interview_id, "duration": duration(round_)})

    def get() -> tuple[Answer, object]:
        answer = act_fresh(app, user, "getInterview", {"id": interview_id})
        return answer, answer.body.get("interview", {}).get("duration")

    def listed() -> tuple[Answer, object]:
        answer = act_fresh(app, user, "listInterviews", {"jobInfoId": job_info_id})
        return answer, one([i["duration"] for i in answer.body.get("interviews", []) if i["id"] == interview_id])

    _never_stale(app, write, [get, listed, get], duration)
