"""What the action pipeline costs: darasa's createJobInfo and getJobInfo
against a minimal hand-written Flask app doing the same insert into and
select from ``job_infos``, side by side on the same machine.

Both run under gunicorn with the same workers and threads, on a SQLite
database of their own migrated with darasa's migrations and opened with
darasa's engine (WAL, the same pragmas). The baseline has no authentication,
validation, ownership check, cache or request log: one fixed user, one
statement per request. The client is httpx on a few threads, each with its own
keep-alive connection; the two servers are driven in turn, never at once.

    .venv/bin/python benchmarks/actions.py [--requests 2000] [--concurrency 8]
                                           [--workers 1] [--threads 4]

The baseline's WSGI app is ``baseline_app()`` in this file.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from attrs import frozen

REPO = Path(__file__).resolve().parents[1]
BASELINE_USER = "00000000-0000-4000-8000-000000000000"
JOB = {
    "name": "Backend engineer",
    "title": "Senior Go developer",
    "experienceLevel": "senior",
    "description": "Distributed systems, Postgres and Kubernetes. " * 10,
}


# --- the baseline app -------------------------------------------------------


def baseline_app():  # noqa: ANN201 - a Flask app, imported lazily
    """A minimal Flask app over the same table: what the work costs without
    darasa's pipeline. Its database is ``$BASELINE_DATABASE_URL``."""
    from flask import Flask, abort, jsonify, request
    from sqlalchemy import select

    from adapters.db.engine import WRITE, make_engine
    from adapters.db.tables import job_infos

    engine = make_engine(os.environ["BASELINE_DATABASE_URL"])
    app = Flask("baseline")

    @app.get("/healthz")
    def healthz():  # noqa: ANN202
        return jsonify({"status": "ok"})

    @app.post("/create")
    def create():  # noqa: ANN202
        payload = request.get_json()
        job_info_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with connection.begin():
                connection.execute(
                    job_infos.insert().values(
                        id=job_info_id,
                        user_id=BASELINE_USER,
                        name=payload["name"],
                        title=payload.get("title"),
                        experience_level=payload["experienceLevel"],
                        description=payload["description"],
                        created_at=now,
                        updated_at=now,
                    )
                )
        return jsonify({"error": False, "id": job_info_id, "redirectTo": f"/app/job-infos/{job_info_id}"})

    @app.post("/get")
    def get():  # noqa: ANN202
        job_info_id = request.get_json()["id"]
        with engine.connect() as connection:
            row = connection.execute(
                select(job_infos).where(job_infos.c.id == job_info_id, job_infos.c.user_id == BASELINE_USER)
            ).first()
        if row is None:
            abort(403)
        return jsonify(
            {
                "error": False,
                "jobInfo": {
                    "id": row.id,
                    "userId": row.user_id,
                    "name": row.name,
                    "title": row.title,
                    "experienceLevel": row.experience_level,
                    "description": row.description,
                    "createdAt": row.created_at.isoformat(),
                    "updatedAt": row.updated_at.isoformat(),
                },
            }
        )

    return app


def _prepare_baseline_database(url: str) -> None:
    from adapters.db.engine import WRITE, make_engine
    from adapters.db.migrate import upgrade
    from adapters.db.tables import users

    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            connection.execute(
                users.insert().values(
                    id=BASELINE_USER, name="Baseline", email="baseline@example.com",
                    created_at=now, updated_at=now,
                )
            )
    engine.dispose()


# --- servers ----------------------------------------------------------------


@frozen
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    headers: dict[str, str]
    create_path: str
    get_path: str

    def peak_rss_mib(self) -> float:
        """Peak resident memory (VmHWM) of gunicorn's master and workers, summed."""
        return sum(_peak_rss_kib(pid) for pid in _process_tree(self.process.pid)) / 1024


def _process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            pids.extend(_process_tree(int(child)))
    return pids


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@contextmanager
def _gunicorn(app: str, env: dict[str, str], args: argparse.Namespace, log: Path,
              *extra: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    # the repository is on sys.path once main() has run; the same start, wait
    # and stop as the end-to-end tests' servers
    from tests.server_process import NotHealthy, free_port, serving

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", app, *extra,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers),
        "--threads", str(args.threads),
        "--worker-class", "gthread",
        "--no-control-socket",
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        with serving(command, env, url, log) as process:
            yield url, process
    except NotHealthy as error:
        raise SystemExit(str(error)) from None


# --- load -------------------------------------------------------------------


@frozen
class Measured:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]


def drive(server: Server, path: str, bodies: Callable[[int], dict], total: int, concurrency: int,
          on_body: Callable[[dict], None] = lambda _: None) -> Measured:
    """Send ``total`` requests from ``concurrency`` threads, each with its own connection."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        with httpx.Client(base_url=server.url, headers=server.headers, timeout=60) as client:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    break
                started = time.perf_counter()
                response = client.post(path, json=bodies(index))
                mine.append((time.perf_counter() - started) * 1000)
                if response.status_code == 200:
                    on_body(response.json())
                else:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measured(total, errors, time.perf_counter() - started, latencies)


def run_phase(server: Server, phase: str, args: argparse.Namespace, ids: list[str]) -> Measured:
    if phase == "createJobInfo":
        lock = threading.Lock()

        def keep(body: dict) -> None:
            with lock:
                ids.append(body["id"])

        return drive(server, server.create_path, lambda i: {**JOB, "name": f"Job {i}"},
                     args.requests, args.concurrency, keep)
    chosen = random.Random(7)
    return drive(server, server.get_path, lambda _: {"id": chosen.choice(ids)}, args.requests, args.concurrency)


def warm_up(server: Server, ids: list[str]) -> None:
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=60) as client:
        for _ in range(50):
            created = client.post(server.create_path, json=JOB).json()
            ids.append(created["id"])
            client.post(server.get_path, json={"id": created["id"]}).raise_for_status()


# --- main -------------------------------------------------------------------


def _sign_up(url: str) -> dict[str, str]:
    response = httpx.post(f"{url}/auth/sign-up", timeout=30, json={
        "email": f"bench-{uuid.uuid4().hex[:12]}@example.com",
        "password": uuid.uuid4().hex,
        "name": "Bench",
    })
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per action and server")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers, both servers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker, both servers")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))

    with tempfile.TemporaryDirectory(prefix="darasa-bench-") as scratch, ExitStack() as stack:
        root = Path(scratch)
        base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PORT"}}
        ours_env = {**base_env, "DARASA_INSTANCE": str(root / "ours"), "IP_RATE_LIMIT": "off",
                    "WEB_CONCURRENCY": str(args.workers)}
        baseline_url = f"sqlite:///{root / 'baseline.sqlite3'}"
        _prepare_baseline_database(baseline_url)
        baseline_env = {**base_env, "BASELINE_DATABASE_URL": baseline_url}

        # gunicorn's workers do not migrate: the schema first, as the README says
        subprocess.run([sys.executable, "-m", "entrypoints.cli", "db", "upgrade"], cwd=REPO,
                       env=ours_env, check=True, capture_output=True)
        ours_url, ours_process = stack.enter_context(
            _gunicorn("entrypoints.app:wsgi()", ours_env, args, root / "ours.log"))
        baseline_base, baseline_process = stack.enter_context(
            _gunicorn("actions:baseline_app()", baseline_env, args, root / "baseline.log",
                      "--pythonpath", str(Path(__file__).resolve().parent)))
        servers = [
            Server("darasa", ours_url, ours_process, _sign_up(ours_url),
                   "/actions/createJobInfo", "/actions/getJobInfo"),
            Server("baseline", baseline_base, baseline_process, {}, "/create", "/get"),
        ]
        print(f"gunicorn gthread, {args.workers} worker(s) x {args.threads} thread(s); "
              f"{args.requests} requests per action from {args.concurrency} client threads; "
              f"{os.cpu_count()} CPUs shared by client and servers\n")
        ids: dict[str, list[str]] = {server.name: [] for server in servers}
        for server in servers:
            warm_up(server, ids[server.name])
        results: dict[tuple[str, str], Measured] = {}
        for phase in ("createJobInfo", "getJobInfo"):
            for server in servers:
                results[(phase, server.name)] = run_phase(server, phase, args, ids[server.name])

        print(f"{'action':<14} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for (phase, name), measured in results.items():
            print(f"{phase:<14} {name:<9} {measured.per_second:>8.0f} {measured.percentile(50):>8.2f} "
                  f"{measured.percentile(99):>8.2f} {measured.errors:>7}")
        print()
        for phase in ("createJobInfo", "getJobInfo"):
            ours, baseline = results[(phase, "darasa")], results[(phase, "baseline")]
            print(f"{phase}: darasa/baseline throughput {ours.per_second / baseline.per_second:.2f}, "
                  f"p50 latency {ours.percentile(50) / baseline.percentile(50):.2f}, "
                  f"p99 latency {ours.percentile(99) / baseline.percentile(99):.2f}")
        rss = {server.name: server.peak_rss_mib() for server in servers}
        print(f"peak RSS (master + workers): darasa {rss['darasa']:.1f} MiB, "
              f"baseline {rss['baseline']:.1f} MiB, ratio {rss['darasa'] / rss['baseline']:.2f}")
        return 1 if any(measured.errors for measured in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
