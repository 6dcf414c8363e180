"""What each request costs the process, without HTTP: the whole app in
this process (Flask's test client), embedded SQLite, as the only worker
(cache in the process) and as one of two (nothing cached), counting with a
profile hook the function calls a request makes and the share of them spent
under the request log line, Flask's cookie session and SQLite's BEGIN. Counts, not times: they do not depend on
how loaded the machine is.

    .venv/bin/python benchmarks/overhead.py [--requests 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
JOB = {"name": "Backend", "title": "Senior Python Engineer", "experienceLevel": "senior",
       "description": "Python, PostgreSQL and Redis."}
# (label, file name, function name): calls made while these run
PARTS = [
    ("request log line", "observability.py", "_finish"),
    ("cookie session open", "sessions.py", "open_session"),
    ("cookie session save", "sessions.py", "save_session"),
    ("SQLite BEGIN", "engine.py", "_begin"),
]


class CallCounter:
    """A profile hook (``sys.setprofile``) that counts every function call
    (Python and C) and, per part, those made while one of its functions
    is running."""

    def __init__(self) -> None:
        self.total = 0
        self.parts = {label: 0 for label, _, _ in PARTS}
        self._targets = {(part, fn): label for label, part, fn in PARTS}
        self._active: list[tuple[Any, str]] = []  # (frame, label)

    def __call__(self, frame: Any, event: str, _arg: Any) -> None:
        if event not in ("call", "c_call", "return"):
            return
        if event == "return":
            if self._active and self._active[-1][0] is frame:
                self._active.pop()
            return
        self.total += 1
        for label in {label for _, label in self._active}:
            self.parts[label] += 1
        if event == "call":
            code = frame.f_code
            label = self._targets.get((Path(code.co_filename).name, code.co_name))
            if label is not None:
                self.parts[label] += 1
                self._active.append((frame, label))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    print(f"Python function calls per request ({args.requests} requests):")
    # one worker: the cache in this process; two (no Redis): nothing cached
    for workers, label in (("1", "cached"), ("2", "uncached")):
        with tempfile.TemporaryDirectory(prefix="darasa-overhead-") as scratch:
            _measure(scratch, workers, label, args.requests)
    return 0


def _measure(scratch: str, workers: str, label: str, requests: int) -> None:
    from entrypoints.app import configure_logging, create_app
    from entrypoints.settings import Settings

    env = {"DARASA_INSTANCE": scratch, "IP_RATE_LIMIT": "off", "WEB_CONCURRENCY": workers,
           "MAX_JOB_INFOS": "1000000"}
    settings = Settings.from_env(env)
    configure_logging(settings.log_level)
    import logging

    logging.getLogger().handlers[0].stream = open("/dev/null", "w")  # noqa: SIM115 - lines still formatted
    app = create_app(settings, migrate=True)
    client = app.test_client()
    token = client.post("/auth/sign-up", json={
        "email": f"overhead-{uuid.uuid4().hex[:12]}@example.com",
        "password": uuid.uuid4().hex, "name": "Overhead"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    job_id = client.post("/actions/createJobInfo", json=JOB, headers=headers).get_json()["id"]
    calls = {
        f"getJobInfo ({label})": lambda: client.post("/actions/getJobInfo", json={"id": job_id}, headers=headers),
        f"createJobInfo ({label})": lambda: client.post("/actions/createJobInfo", json=JOB, headers=headers),
    }
    if label == "uncached":
        calls["updateJobInfo"] = lambda: client.post(
            "/actions/updateJobInfo", json={"id": job_id, **JOB}, headers=headers)
    for name, call in calls.items():
        for _ in range(20):
            assert call().status_code == 200
        counter = CallCounter()
        sys.setprofile(counter)
        for _ in range(requests):
            call()
        sys.setprofile(None)
        total = counter.total / requests
        shares = ", ".join(f"{label} {n / counter.total:.1%}" for label, n in counter.parts.items())
        print(f"  {name:<26} {total:8.0f} calls; {shares}")


if __name__ == "__main__":
    sys.exit(main())
