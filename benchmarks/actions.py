"""What the action pipeline costs: darasa's actions against a hand-written
Flask + SQLAlchemy app doing the same statements, prebuilt, on the same
engine and database, side by side in one run, with wrk as the load
generator (C, keep-alive, a Lua script for the POST bodies).

Both run under gunicorn, 1 worker x 4 threads (gthread). Actions:
createJobInfo, getJobInfo, listJobInfos, updateJobInfo, listQuestions and
createInterview (darasa's user on a plan without limits, its rate limit
off: a load test, not a user);
setups: SQLite cached (one worker: the cache in the process) and uncached
(``WEB_CONCURRENCY=2``: no cache), PostgreSQL uncached and, with Redis,
cached. The baseline authenticates each request as darasa's local
accounts do (the bearer token's HMAC digest, the session joined with its
user, one prebuilt select, on the connection its action then uses), then
runs the action's statements; it has no validation beyond them, no cache
and no request log. darasa's
creates come from 36 users in turn (a create takes a slot on its user's
row, whose lock serialises one user's creates, as in a service with many
users). For each
action and setup, darasa and the baseline are loaded in turn, three times;
the script prints requests/s, p50 and p99 (wrk's), each as the ratio
darasa/baseline, min/median/max of the three, each side's p50 over its
mean latency (how evenly it serves: a target on p50 cannot be met by a
server that serves evenly against one that does not, at equal
throughput), peak RSS, and on PostgreSQL
the round trips per request counted on the wire (``wire.py``; both servers
reach PostgreSQL through that counting proxy, which costs each round trip
the same on both sides).

    .venv/bin/python benchmarks/actions.py [--seconds 3] [--connections 8]
        [--postgres-url ...] [--redis-url ...] [--setups sqlite-cached,...]
        [--actions createJobInfo,...]

The baseline's WSGI app is ``baseline_app()`` in ``benchmarks/baseline.py``. Needs wrk
(``apt-get install wrk``; ``make bench`` installs it when missing).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from attrs import frozen
from baseline import prepare

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
JOB = {"name": "Backend engineer", "title": "Senior Go developer", "experienceLevel": "senior",
       "description": "Distributed systems, Postgres and Kubernetes. " * 10}
ACTIONS = ["createJobInfo", "getJobInfo", "listJobInfos", "updateJobInfo", "listQuestions", "createInterview"]
SETUPS = ["sqlite-cached", "sqlite-uncached", "postgres-uncached", "postgres-redis"]
ROUNDS = 3
IDS = 200
UNLIMITED_PLAN = '{"plans": {"free": ["unlimited_interviews", "unlimited_questions"]}, "defaultPlan": "free"}'
CREATORS = 36
"""darasa's createJobInfo is sent by this many users in turn, so that none
gathers far more job infos than the 100 a user may keep (each create counts
its user's job infos)."""


# --- servers ----------------------------------------------------------------


@frozen
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    headers: dict[str, str]
    prefix: str  # "/actions/" or "/"
    creators: tuple[str, ...] = ()  # bearer tokens that createJobInfo takes in turn

    def peak_rss_mib(self) -> float:
        return sum(_peak_rss_kib(pid) for pid in process_tree(self.process.pid)) / 1024


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            pids.extend(process_tree(int(child)))
    return pids


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@contextmanager
def _gunicorn(app: str, env: dict[str, str], log: Path, *extra: str,
              repo: Path = REPO) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    from tests.server_process import NotHealthy, free_port, serving

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", app, *extra, "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--threads", "4", "--worker-class", "gthread", "--no-control-socket"]
    try:
        with serving(command, env, f"http://127.0.0.1:{port}", log, cwd=repo) as process:
            yield f"http://127.0.0.1:{port}", process
    except NotHealthy as error:
        raise SystemExit(str(error)) from None


# --- load -------------------------------------------------------------------


@frozen
class Measured:
    per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    connections: int
    round_trips: float | None = None

    def p50_of_mean(self) -> float:
        """p50 over the mean latency, which with every connection always
        waiting is connections / throughput (Little's law; wrk's own mean
        adds the samples of its coordinated-omission correction). A server
        that serves its queue evenly has its p50 near its mean (about
        0.95); one whose few slow requests leave the others fast, lower."""
        return self.p50_ms * self.per_second / (1000 * self.connections)


_LUA = """
local ids = {%(ids)s}
local headers = {["Content-Type"] = "application/json"%(auth)s}
local creators = {%(creators)s}
local n = 0
request = function()
  n = n + 1
  local id = ids[(n %% #ids) + 1]
  if #creators > 0 then headers["Authorization"] = "Bearer " .. creators[(n %% #creators) + 1] end
  local body = string.gsub('%(body)s', "@ID@", id)
  return wrk.format("POST", "%(path)s", headers, body)
end
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def body(action: str) -> str:
    import json

    if action == "createJobInfo":
        return json.dumps(JOB)
    if action in ("getJobInfo",):
        return '{"id": "@ID@"}'
    if action == "updateJobInfo":
        return json.dumps({"id": "@ID@", **JOB})
    if action in ("listQuestions", "createInterview"):
        return '{"jobInfoId": "@ID@"}'
    return "{}"


def wrk(server: Server, action: str, ids: list[str], args: argparse.Namespace, scratch: Path,
        proxy: Any = None) -> Measured:
    auth = "".join(f', ["{k}"] = "{v}"' for k, v in server.headers.items())
    script = scratch / f"{server.name}-{action}.lua"
    chosen = ids if action != "listQuestions" else ids[:1]
    creators = server.creators if action == "createJobInfo" else ()
    script.write_text(_LUA % {"ids": ", ".join(f'"{i}"' for i in chosen), "auth": auth,
                              "creators": ", ".join(f'"{t}"' for t in creators),
                              "body": body(action).replace("'", "\\'"), "path": server.prefix + action})
    before = proxy.round_trips if proxy is not None else 0
    out = subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                          "-s", str(script), server.url], capture_output=True, text=True, check=True).stdout
    trips = proxy.round_trips - before if proxy is not None else None
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return Measured(
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        requests=requests, errors=errors, connections=args.connections,
        round_trips=None if trips is None else trips / max(requests, 1),
    )


# --- setups -----------------------------------------------------------------


def seed(server: Server) -> list[str]:
    """``IDS`` job infos to read and update; darasa's user signed up first."""
    ids = []
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=60) as client:
        for i in range(IDS):
            answer = client.post(f"{server.prefix}createJobInfo", json={**JOB, "name": f"Job {i}"})
            answer.raise_for_status()
            ids.append(answer.json()["id"])
    return ids


def _sign_up(url: str) -> str:
    """A new user's token, signed up from a loopback address of its own
    (darasa allows 10 sign-ups an hour from one; with Redis the count
    outlives a run, so each sign-up draws its address from 127.0.0.0/8)."""
    address = f"127.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(253) + 2}"
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=30) as client:
        response = client.post(f"{url}/auth/sign-up", json={
            "email": f"bench-{uuid.uuid4().hex[:12]}@example.com", "password": uuid.uuid4().hex, "name": "Bench"})
    response.raise_for_status()
    return str(response.json()["token"])


@contextmanager
def database(setup: str, root: Path, args: argparse.Namespace) -> Iterator[tuple[str, Any]]:
    """The database URL both servers use, and the counting proxy (PostgreSQL:
    a schema of the run's own, reached through ``wire.py``'s proxy)."""
    if setup.startswith("sqlite"):
        yield f"sqlite:///{root / (setup + '.sqlite3')}", None
        return
    from history import postgres_schema
    from sqlalchemy import make_url
    from wire import RoundTripProxy

    with postgres_schema(args.postgres_url) as url:
        if url is None:
            raise RuntimeError(f"PostgreSQL at {args.postgres_url} cannot be reached")
        server = make_url(url)
        with RoundTripProxy(server.host or "127.0.0.1", server.port or 5432) as proxy:
            yield server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PORT"}}


def darasa_settings(setup: str, url: str, redis_url: str) -> dict[str, str]:
    """darasa's settings in ``setup`` under load, for this script, ``compare.py``
    and ``instructions.py``: no per-IP limit, createInterview as a paying user
    would make it (no plan allowance nor AI bucket to run out), the cache in
    the process only on SQLite cached (one worker), Redis in postgres-redis."""
    settings = {"DATABASE_URL": url, "IP_RATE_LIMIT": "off", "MAX_JOB_INFOS": "100000000", "LOG_LEVEL": "INFO",
                "PLAN_CATALOG": UNLIMITED_PLAN, "AI_RATE_LIMIT": "off", "INTERVIEW_RATE_LIMIT": "off",
                "WEB_CONCURRENCY": "1" if setup == "sqlite-cached" else "2"}
    if setup == "postgres-redis":
        settings["REDIS_URL"] = redis_url
    return settings


def start_darasa(stack: ExitStack, name: str, setup: str, url: str, root: Path, args: argparse.Namespace,
                 repo: Path = REPO, extra_env: dict[str, str] | None = None) -> Server:
    """darasa from ``repo`` (this checkout or another) under gunicorn, for
    the length of ``stack``, with a signed-up user and ``CREATORS`` users
    in all for createJobInfo."""
    env = {**_environment(), "PYTHONPATH": str(repo), **darasa_settings(setup, url, args.redis_url),
           "DARASA_INSTANCE": str(root / f"{setup}-{name}"), **(extra_env or {})}
    served, process = stack.enter_context(
        _gunicorn("entrypoints.app:wsgi()", env, root / f"{setup}-{name}.log", repo=repo))
    creators = tuple(_sign_up(served) for _ in range(CREATORS))
    return Server(name, served, process, {"Authorization": f"Bearer {creators[0]}"}, "/actions/", creators)


def start_baseline(stack: ExitStack, setup: str, url: str, root: Path) -> Server:
    """The hand-written app under gunicorn, for the length of ``stack``,
    once it has migrated the database (``baseline.prepare``): started
    before darasa, which refuses a database behind its code."""
    token = prepare(url)
    env = {**_environment(), "PYTHONPATH": str(REPO), "BASELINE_DATABASE_URL": url}
    served, process = stack.enter_context(
        _gunicorn("baseline:baseline_app()", env, root / f"{setup}-baseline.log", "--pythonpath", str(HERE)))
    return Server("baseline", served, process, {"Authorization": f"Bearer {token}"}, "/")


def warm_up(servers: list[Server], action: str, ids: dict[str, list[str]], root: Path) -> None:
    for server in servers:
        wrk(server, action, ids[server.name], argparse.Namespace(connections=2, seconds=1), root)


def run_setup(setup: str, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        url, proxy = stack.enter_context(database(setup, root, args))
        baseline = start_baseline(stack, setup, url, root)  # first: it migrates the database
        servers = [start_darasa(stack, "darasa", setup, url, root, args), baseline]
        ids = {server.name: seed(server) for server in servers}
        actions = args.actions.split(",")
        results: dict[str, dict[str, list[Measured]]] = {a: {s.name: [] for s in servers} for a in actions}
        for action in actions:
            warm_up(servers, action, ids, root)
            for _ in range(ROUNDS):
                for server in servers:
                    results[action][server.name].append(wrk(server, action, ids[server.name], args, root, proxy))
        rss = {server.name: server.peak_rss_mib() for server in servers}
        return {"results": results, "rss": rss}


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}/{statistics.median(values):.2f}/{max(values):.2f}"


def report(setup: str, measured: dict[str, Any]) -> bool:
    print(f"\n{setup}: darasa/baseline, min/median/max of {ROUNDS} (throughput >= 0.9, p50 and p99 <= 1.15)")
    print(f"  {'action':<15} {'req/s':>16} {'p50':>16} {'p99':>16} {'darasa req/s':>13} {'p50/mean':>9} "
          f"{'trips':>11} errors")
    met = True
    for action, by_server in measured["results"].items():
        ours, base = by_server["darasa"], by_server["baseline"]
        throughput = [o.per_second / b.per_second for o, b in zip(ours, base, strict=True)]
        p50 = [o.p50_ms / b.p50_ms for o, b in zip(ours, base, strict=True)]
        p99 = [o.p99_ms / b.p99_ms for o, b in zip(ours, base, strict=True)]
        errors = sum(m.errors for m in ours + base)
        # a side answering errors is not measuring the action: never "met"
        ok = (statistics.median(throughput) >= 0.9 and statistics.median(p50) <= 1.15
              and statistics.median(p99) <= 1.15 and errors == 0)
        met = met and ok
        trips = ""
        if ours[0].round_trips is not None:
            ours_trips = statistics.median(o.round_trips or 0 for o in ours)
            trips = f"{ours_trips:.1f}/{statistics.median(b.round_trips or 0 for b in base):.1f}"
        verdict = "" if ok else "  (not met: errors)" if errors else "  (not met)"
        evenness = "/".join(f"{statistics.median(m.p50_of_mean() for m in side):.2f}" for side in (ours, base))
        print(f"  {action:<15} {spread(throughput):>16} {spread(p50):>16} {spread(p99):>16} "
              f"{statistics.median(o.per_second for o in ours):>13.0f} {evenness:>9} {trips:>11} {errors}{verdict}")
    rss = measured["rss"]
    print(f"  peak RSS (master + worker): darasa {rss['darasa']:.0f} MiB, baseline {rss['baseline']:.0f} MiB, "
          f"ratio {rss['darasa'] / rss['baseline']:.2f}")
    return met


def _darasa_per_second(measured: dict[str, Any], action: str) -> float:
    return statistics.median(m.per_second for m in measured["results"][action]["darasa"])


def report_cached_reads(by_setup: dict[str, dict[str, Any]]) -> bool:
    """Issue 10's "a cached read through Redis >= 3x the uncached one on
    PostgreSQL": darasa's median requests/s of each read in the two setups
    (measured minutes apart, so noisier than the side-by-side ratios). For
    scale, the same read served by the cache in the process on SQLite, with
    no I/O at all, against uncached PostgreSQL: the most any cache could
    give on this machine."""
    uncached = by_setup.get("postgres-uncached")
    if uncached is None or "postgres-redis" not in by_setup:
        return True
    reads = [a for a in ("getJobInfo", "listJobInfos", "listQuestions") if a in uncached["results"]]
    if not reads:
        return True
    print("\ncached through Redis / uncached on PostgreSQL, darasa's requests/s (target >= 3)")
    met = True
    for action in reads:
        slow = _darasa_per_second(uncached, action)
        ratio = _darasa_per_second(by_setup["postgres-redis"], action) / slow
        met = met and ratio >= 3
        ceiling = ""
        if "sqlite-cached" in by_setup:
            ceiling = (f"; the cache in the process on SQLite, no I/O: "
                       f"{_darasa_per_second(by_setup['sqlite-cached'], action) / slow:.2f}")
        print(f"  {action:<15} {ratio:.2f}{ceiling}")
    return met


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """wrk's run and the backends, as this script and ``compare.py`` take them."""
    parser.add_argument("--seconds", type=int, default=3, help="per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk's keep-alive connections")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")


def ready_to_load() -> None:
    """wrk is there, and the repository and this folder are importable."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_options(parser)
    parser.add_argument("--setups", default=",".join(SETUPS))
    parser.add_argument("--actions", default=",".join(ACTIONS))
    args = parser.parse_args(argv)
    ready_to_load()
    print(f"gunicorn gthread, 1 worker x 4 threads each; wrk 1 thread x {args.connections} connections, "
          f"{args.seconds} s a run; {os.cpu_count()} CPUs shared by wrk and both servers; "
          f"trips: round trips to PostgreSQL per request, darasa/baseline; p50/mean: each side's p50 over "
          f"its mean latency, connections / req/s (medians, darasa/baseline)")
    met = True
    by_setup: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="darasa-bench-") as scratch:
        for setup in args.setups.split(","):
            try:
                measured = run_setup(setup, Path(scratch), args)
            except Exception as error:  # noqa: BLE001 - a backend that is not there: left out with a note
                print(f"\n{setup}: left out ({type(error).__name__}: {error})")
                met = False
                continue
            by_setup[setup] = measured
            met = report(setup, measured) and met
    met = report_cached_reads(by_setup) and met
    print(f"\nevery row within issue 10's targets: {'yes' if met else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
