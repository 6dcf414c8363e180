"""What a request costs in CPU instructions, counted by callgrind: darasa's
actions against ``baseline.py``'s hand-written views, each in a process of
its own, in the process (Flask's test client, no HTTP server), in the
setups of ``actions.py``. Instructions, unlike requests/s, do not move
with the machine's load, so these ratios are the ones to work with on a
shared machine (a virtual machine's stolen time can halve both sides'
throughput between two wrk runs).

A side's cost per request is the difference between two runs of it, one
of ``--requests`` more requests than the other, over that number, so that
start-up and warm-up cancel out; each collects its garbage before the
counted requests, so that neither pays for sweeping start-up's objects
(``run_side``). What it leaves out, on both sides alike:
the HTTP server and its threads, and the database server's own work
(PostgreSQL and Redis are other processes; SQLite runs in the process and
is counted). Its runs go two at a time (callgrind's counts do not depend
on what else runs).

    .venv/bin/python benchmarks/instructions.py [--requests 200]
        [--setups sqlite-cached,...] [--actions createJobInfo,...]
        [--postgres-url ...] [--redis-url ...]

Needs valgrind (``apt-get install valgrind``; ``make bench`` installs it).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
ACTIONS = ["createJobInfo", "getJobInfo", "listJobInfos", "updateJobInfo", "listQuestions", "createInterview"]
SETUPS = ["sqlite-cached", "sqlite-uncached", "postgres-uncached", "postgres-redis"]
WARM_UP = 20
SEEDED = 50
"""Job infos each side's user has before it is measured: a full page of
listJobInfos on both sides."""
_COLLECTED = re.compile(r"Collected : (\d+)")
_MIGRATING = threading.Lock()
"""Alembic keeps its context in module globals: one migration at a time."""


# --- one side, in a process of its own (under callgrind) ------------------------


def _client(side: str, setup: str, url: str, redis_url: str, scratch: str) -> tuple[Any, str, dict[str, str]]:
    """A test client of darasa or of the baseline, the action prefix and
    the headers of a signed-in user."""
    from actions import darasa_settings
    from baseline import prepare

    if side == "baseline":
        os.environ["BASELINE_DATABASE_URL"] = url
        from baseline import baseline_app

        return baseline_app().test_client(), "/", {"Authorization": f"Bearer {prepare(url)}"}
    from entrypoints.app import wsgi

    env = {**darasa_settings(setup, url, redis_url), "DARASA_INSTANCE": scratch}
    # each run signs up from an address of its own (darasa allows 10 sign-ups an hour from one)
    client = wsgi(env).test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.2"
    token = client.post("/auth/sign-up", json={"email": f"instructions-{uuid.uuid4().hex[:12]}@example.com",
                                               "password": uuid.uuid4().hex, "name": "Bench"}).get_json()["token"]
    return client, "/actions/", {"Authorization": f"Bearer {token}"}


def run_side(args: argparse.Namespace) -> None:
    """``SEEDED`` job infos, ``WARM_UP`` requests, a full garbage
    collection, then ``--requests`` more, of one action."""
    from actions import JOB, body

    client, prefix, headers = _client(args.side, args.setup, args.url, args.redis_url, args.scratch)
    job_ids = [client.post(prefix + "createJobInfo", json={**JOB, "name": f"Job {n}"}, headers=headers).get_json()["id"]
               for n in range(SEEDED)]
    request_body = body(args.action).replace("@ID@", job_ids[0]).encode()
    headers = {**headers, "Content-Type": "application/json"}
    for n in range(WARM_UP):
        _post(client, prefix, request_body, headers, args, n)
    # Start-up leaves many new objects in the collector's young generations:
    # a run of a few hundred requests would sweep them (or not) in a full
    # collection that a long-running server pays once. Collected here, on
    # both sides, so that the counted requests cost what they do later on
    # (without it, createInterview on SQLite uncached read 1.16-1.23 of the
    # baseline's instructions; 1.00-1.06 with it).
    gc.collect()
    for n in range(WARM_UP, WARM_UP + args.requests):
        _post(client, prefix, request_body, headers, args, n)


def _post(client: Any, prefix: str, request_body: bytes, headers: dict[str, str], args: argparse.Namespace,
          n: int) -> None:
    response = client.post(prefix + args.action, data=request_body, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{args.side} {args.action}: request {n} answered {response.status_code}")


# --- the comparison -------------------------------------------------------------


def _instructions(side: str, setup: str, action: str, requests: int, args: argparse.Namespace,
                  scratch: Path) -> int:
    """The instructions of one run, on a database of its own (migrated
    outside callgrind), so that every run finds the same rows."""
    instance = scratch / f"instance-{uuid.uuid4().hex[:8]}"
    with _database(setup, instance, args) as url:
        return _callgrind(side, setup, action, requests, url, args, instance)


def _callgrind(side: str, setup: str, action: str, requests: int, url: str, args: argparse.Namespace,
               instance: Path) -> int:
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={instance}.out",
               sys.executable, __file__, "--side", side, "--setup", setup, "--action", action,
               "--requests", str(requests), "--url", url, "--redis-url", args.redis_url, "--scratch", str(instance)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{side} {setup} {action}: {done.stderr[-2000:]}")
    return int(found.group(1))


def per_request(side: str, setup: str, action: str, args: argparse.Namespace, scratch: Path,
                pool: ThreadPoolExecutor) -> float:
    short, long = (pool.submit(_instructions, side, setup, action, n, args, scratch)
                   for n in (0, args.requests))
    return (long.result() - short.result()) / args.requests


@contextmanager
def _database(setup: str, instance: Path, args: argparse.Namespace) -> Iterator[str]:
    """A new database's URL for one run: migrated, with the baseline's user."""
    from baseline import prepare

    if setup.startswith("sqlite"):
        url = f"sqlite:///{instance}.sqlite3"
        with _MIGRATING:
            prepare(url)
        yield url
        return
    from history import postgres_schema

    with postgres_schema(args.postgres_url) as url:
        if url is None:
            raise SystemExit(f"PostgreSQL at {args.postgres_url} cannot be reached")
        with _MIGRATING:
            prepare(url)
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--setups", default=",".join(SETUPS))
    parser.add_argument("--actions", default=",".join(ACTIONS))
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    # one side's run (this script under callgrind)
    parser.add_argument("--side", choices=["darasa", "baseline"])
    parser.add_argument("--setup", choices=SETUPS)
    parser.add_argument("--action", choices=ACTIONS)
    parser.add_argument("--url")
    parser.add_argument("--scratch")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(REPO), str(HERE)]
    if args.side:
        run_side(args)
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    print(f"instructions per request (callgrind, in the process, {args.requests} requests), darasa/baseline; "
          "the HTTP server and the database server left out on both sides")
    baseline_cost: dict[tuple[str, str], float] = {}  # (engine, action): the baseline has no cache
    with tempfile.TemporaryDirectory(prefix="darasa-instructions-") as scratch, \
            ThreadPoolExecutor(max_workers=2) as pool:
        for setup in args.setups.split(","):
            print(f"\n{setup}", flush=True)
            for action in args.actions.split(","):
                engine = setup.split("-")[0]
                if (engine, action) not in baseline_cost:
                    baseline_cost[engine, action] = per_request("baseline", setup, action, args, Path(scratch), pool)
                ours = per_request("darasa", setup, action, args, Path(scratch), pool)
                theirs = baseline_cost[engine, action]
                print(f"  {action:<16} darasa {ours / 1e6:6.2f}M  baseline {theirs / 1e6:6.2f}M  "
                      f"ratio {ours / theirs:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
