"""A soak under faults: a mixed read/write load on ``darasa serve --workers 2``
backed by a PostgreSQL and a Redis of its own (``tests/own_services.py``, on
spare ports; the shared services are never touched), while a schedule kills
and restarts Redis, freezes and thaws it (SIGSTOP/SIGCONT), stops and starts
PostgreSQL, and freezes and thaws it, each for a few seconds with calm in
between. At the end it prints writes acknowledged against writes present
(none lost; none present that was answered as failed), answers by kind, and
latency percentiles, overall and while a fault was on.

    .venv/bin/python benchmarks/soak.py [--seconds 180] [--clients 8]
                                        [--fault-seconds 5] [--calm-seconds 10]
                                        [--no-keys]

Each client is one user making, in turn, a createJobInfo (with an
Idempotency-Key, retried with it once after a 503 or a lost connection; a
409 saying it was done but its answer lost counts as acknowledged),
a listJobInfos and a getJobInfo. With ``--no-keys`` the createJobInfo goes
without a key and is not retried: it then runs alone, in autocommit, with
its deadline on PostgreSQL (``adapters/db/bounds.py``), which the freezes
put to the test.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 10.0


class Tally:
    """What the clients saw, shared by their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: collections.Counter[str] = collections.Counter()
        self.latencies: list[float] = []
        self.fault_latencies: list[float] = []
        self.acknowledged: dict[str, set[str]] = collections.defaultdict(set)
        self.refused: dict[str, set[str]] = collections.defaultdict(set)
        self.fault_on = threading.Event()

    def answered(self, action: str, kind: str, seconds: float) -> None:
        with self.lock:
            self.answers[f"{action} {kind}"] += 1
            self.latencies.append(seconds)
            if self.fault_on.is_set():
                self.fault_latencies.append(seconds)


def _call(http: httpx.Client, tally: Tally, action: str, body: dict, headers: dict[str, str]) -> httpx.Response | None:
    started = time.monotonic()
    try:
        response = http.post(f"/actions/{action}", json=body, headers=headers)
    except httpx.TransportError as error:
        tally.answered(action, f"transport {type(error).__name__}", time.monotonic() - started)
        return None
    kind = str(response.status_code)
    if response.status_code != 200:
        try:
            kind += " " + response.json().get("code", "?")
        except ValueError:
            kind += " (not JSON)"
    tally.answered(action, kind, time.monotonic() - started)
    return response


def client(url: str, token: str, user: str, tally: Tally, stop: threading.Event, keys: bool) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    mine: list[str] = []
    with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
        while not stop.is_set():
            name = f"soak {uuid.uuid4().hex[:12]}"
            key = {**bearer, "Idempotency-Key": uuid.uuid4().hex} if keys else bearer
            body = {"name": name, "title": None, "experienceLevel": "mid-level", "description": "soak"}
            created = _call(http, tally, "createJobInfo", body, key)
            if keys and (created is None or created.status_code == 503):
                time.sleep(0.5)
                created = _call(http, tally, "createJobInfo", body, key)  # the same key: never twice
            with tally.lock:
                if created is not None and created.status_code == 200:
                    tally.acknowledged[user].add(name)
                    mine.append(created.json()["id"])
                elif created is not None and _answer_lost(created):
                    tally.acknowledged[user].add(name)  # done: the server says so
                elif created is not None:
                    tally.refused[user].add(name)
            _call(http, tally, "listJobInfos", {"limit": 20}, bearer)
            if mine:
                _call(http, tally, "getJobInfo", {"id": random.choice(mine)}, bearer)


def _answer_lost(response: httpx.Response) -> bool:
    """A retry's 409 saying the first call was done but its answer lost."""
    return response.status_code == 409 and "answer was lost" in response.json().get("message", "")


def _present(url: str, token: str) -> set[str]:
    names: set[str] = set()
    cursor = None
    with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
        while True:
            body = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            for _ in range(60):  # every worker's breakers closed again
                page = http.post("/actions/listJobInfos", json=body, headers={"Authorization": f"Bearer {token}"})
                if page.status_code != 503:
                    break
                time.sleep(0.5)
            page.raise_for_status()
            names.update(j["name"] for j in page.json()["jobInfos"])
            cursor = page.json().get("nextCursor")
            if not cursor:
                return names


def _wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not recover")


def _traceback_endings(log: str) -> collections.Counter[str]:
    """The exception line that ends each traceback in ``log``."""
    endings: collections.Counter[str] = collections.Counter()
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            following = lines[index + 1:]
            end = next((i for i, later in enumerate(following) if not later.startswith((" ", "\t"))), None)
            if end is not None:
                endings[following[end]] += 1
    return endings


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fault-seconds", type=float, default=5)
    parser.add_argument("--calm-seconds", type=float, default=10)
    parser.add_argument("--log", type=Path, help="keep the server's log there")
    parser.add_argument("--no-keys", action="store_true", help="create without an Idempotency-Key, not retried")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tests.own_services import own_postgres, own_redis
    from tests.server_process import free_port, serving

    with tempfile.TemporaryDirectory() as folder, own_postgres() as postgres, \
            own_redis(Path(folder), persist=True) as redis:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {"PATH": os.environ.get("PATH", ""), "DARASA_INSTANCE": folder, "DATABASE_URL": postgres.url,
               "REDIS_URL": redis.url, "WEB_CONCURRENCY": "2", "IP_RATE_LIMIT": "off",
               "MAX_JOB_INFOS": "1000000", "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
        with serving(command, env, url, Path(folder) / "server.log"):
            tokens = {}
            for n in range(args.clients):
                signed = httpx.post(f"{url}/auth/sign-up", timeout=TIMEOUT, json={
                    "email": f"soak{n}@example.com", "password": "correct horse battery staple", "name": f"Soak {n}"})
                signed.raise_for_status()
                tokens[f"soak{n}"] = signed.json()["token"]
            tally, stop = Tally(), threading.Event()
            keys = not args.no_keys
            threads = [threading.Thread(target=client, args=(url, token, user, tally, stop, keys), daemon=True)
                       for user, token in tokens.items()]
            faults: list[tuple[str, Callable[[], None], Callable[[], None]]] = [
                ("Redis killed", lambda: redis.signal(signal.SIGKILL), redis.start),
                ("Redis frozen", lambda: redis.signal(signal.SIGSTOP), lambda: redis.signal(signal.SIGCONT)),
                ("PostgreSQL killed", lambda: postgres.signal(signal.SIGKILL), postgres.start),
                ("PostgreSQL frozen", lambda: postgres.signal(signal.SIGSTOP),
                 lambda: postgres.signal(signal.SIGCONT)),
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            injected = []
            while time.monotonic() - started < args.seconds:
                time.sleep(args.calm_seconds)
                name, inject, heal = faults[len(injected) % len(faults)]
                inject()
                tally.fault_on.set()
                time.sleep(args.fault_seconds)
                heal()
                tally.fault_on.clear()
                injected.append(name)
            stop.set()
            for thread in threads:
                thread.join(timeout=TIMEOUT * 3)
            elapsed = time.monotonic() - started
            _wait_healthy(url)
            present = {user: _present(url, token) for user, token in tokens.items()}
            log = (Path(folder) / "server.log").read_text(errors="replace")
            if args.log:
                args.log.write_text(log)

    acknowledged = sum(len(names) for names in tally.acknowledged.values())
    lost = sum(len(tally.acknowledged[u] - present[u]) for u in tokens)
    phantom = sum(len(tally.refused[u] & present[u]) for u in tokens)
    unknown = sum(len(present[u] - tally.acknowledged[u] - tally.refused[u]) for u in tokens)
    print(f"soak: {elapsed:.0f} s, {args.clients} clients, darasa serve --workers 2 on PostgreSQL + Redis, "
          f"creates {'without' if args.no_keys else 'with'} an Idempotency-Key")
    print(f"faults injected ({args.fault_seconds:g} s each, {args.calm_seconds:g} s apart): "
          + ", ".join(f"{n}x {name}" for name, n in collections.Counter(injected).items()))
    print(f"writes acknowledged: {acknowledged}; present afterwards: {sum(map(len, present.values()))}; "
          f"acknowledged but missing: {lost}; answered as failed but present: {phantom}; "
          f"present with no answer seen (connection lost): {unknown}")
    print(f"requests: {len(tally.latencies)}; latency p50 {_percentile(tally.latencies, 0.5) * 1000:.1f} ms, "
          f"p99 {_percentile(tally.latencies, 0.99) * 1000:.1f} ms, max {max(tally.latencies) * 1000:.0f} ms; "
          f"while a fault was on: p50 {_percentile(tally.fault_latencies, 0.5) * 1000:.1f} ms, "
          f"p99 {_percentile(tally.fault_latencies, 0.99) * 1000:.1f} ms, "
          f"max {max(tally.fault_latencies, default=float('nan')) * 1000:.0f} ms")
    print("answers by kind:")
    for kind, count in sorted(tally.answers.items()):
        print(f"  {kind:40} {count}")
    print(f"tracebacks in the server log: {log.count('Traceback')}")
    for ending, count in _traceback_endings(log).most_common():
        print(f"  {count} x {ending[:150]}")
    if statistics.fmean([lost, phantom]) > 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
