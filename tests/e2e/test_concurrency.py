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

import random
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.e2e.conftest import Server, server_env
from tests.e2e.deployment import (
    ACCESS_LOG_FORMAT,
    BIN,
    CALLS,
    CLI_SECONDS,
    JOB,
    WORKERS,
    Answer,
    Deployment,
    act,
    act_fresh,
    assert_no_server_errors,
    by_code,
    interviews_in_database,
    new_job_info,
    new_user,
    ok,
    one,
    simultaneously,
    stop,
    wait_until_ready,
)
from tests.server_process import REPO, free_port

# --- the deployment ---------------------------------------------------------


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
        stack.callback(stop, master, server)
        client_ip = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
        running = Deployment(request.param, server, master, env, database_url, client_ip, access_log)
        wait_until_ready(running)
        yield running


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> Server:
    """The deployment's server, under the name the e2e conftest looks for to
    attach the server's log to a failed test's report."""
    return deployment.server


@pytest.fixture
def app(deployment: Deployment, server: Server) -> Deployment:
    return deployment


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
