"""What each request costs the process, without HTTP: the whole app in
this process (Flask's test client), embedded SQLite, as the only worker
(cache in the process) and as one of two (nothing cached), counting with a
profile hook the function calls a request makes and the share of them spent
under authentication, the request log line and SQLite's BEGIN.
Uncached, the same actions of ``actions.py``'s hand-written baseline
(``baseline.py``, on the same database, through the same test client) are
counted too, and the ratio darasa/baseline printed. Counts, not times: they
do not depend on how loaded the machine is.

    .venv/bin/python benchmarks/overhead.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
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
    ("authentication", "local.py", "authenticate"),
    ("request log line", "observability.py", "_finish"),
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
    sys.path.insert(0, str(REPO / "benchmarks"))
    print(f"Python function calls per request ({args.requests} requests):")
    # one worker: the cache in this process; two (no Redis): nothing cached
    for workers, label in (("1", "cached"), ("2", "uncached")):
        with tempfile.TemporaryDirectory(prefix="darasa-overhead-") as scratch:
            _measure(scratch, workers, label, args.requests)
    return 0


def _measure(scratch: str, workers: str, label: str, requests: int) -> None:
    from entrypoints.app import create_app
    from entrypoints.logs import configure_logging
    from entrypoints.settings import Settings

    env = {"DARASA_INSTANCE": scratch, "IP_RATE_LIMIT": "off", "WEB_CONCURRENCY": workers,
           "MAX_JOB_INFOS": "1000000"}
    settings = Settings.from_env(env)
    configure_logging(settings.log_level, settings.log_flush_ms)
    import logging

    logging.getLogger().handlers[0].stream = open("/dev/null", "w")  # noqa: SIM115 - lines still formatted
    app = create_app(settings, migrate=True)
    client = app.test_client()
    token = client.post("/auth/sign-up", json={
        "email": f"overhead-{uuid.uuid4().hex[:12]}@example.com",
        "password": uuid.uuid4().hex, "name": "Overhead"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    job_id = client.post("/actions/createJobInfo", json=JOB, headers=headers).get_json()["id"]
    ours = _calls(client, "/actions/", job_id, headers)
    theirs = _baseline_calls(app) if label == "uncached" else {}
    for action, call in ours.items():
        if label == "cached" and action not in ("getJobInfo", "createJobInfo"):
            continue
        counter = _count(call, requests)
        total = counter.total / requests
        shares = ", ".join(f"{label} {n / counter.total:.1%}" for label, n in counter.parts.items())
        versus = ""
        if action in theirs:
            base = _count(theirs[action], requests).total / requests
            versus = f"; baseline {base:.0f}, ratio {total / base:.2f}"
        print(f"  {action + f' ({label})':<26} {total:8.0f} calls{versus}; {shares}")


def _calls(client: Any, prefix: str, job_id: str, headers: dict[str, str]) -> dict[str, Any]:
    def post(action: str, body: dict[str, Any]) -> Any:
        return lambda: client.post(prefix + action, json=body, headers=headers)

    return {"getJobInfo": post("getJobInfo", {"id": job_id}), "listJobInfos": post("listJobInfos", {}),
            "createJobInfo": post("createJobInfo", JOB), "updateJobInfo": post("updateJobInfo", {"id": job_id, **JOB})}


def _baseline_calls(app: Any) -> dict[str, Any]:
    """The baseline on darasa's database, its job infos as many as darasa's
    user has when the lists are counted (one, plus the warm-up's creates)."""
    from baseline import baseline_app, prepare

    url = app.container.engine().url.render_as_string(hide_password=False)
    headers = {"Authorization": f"Bearer {prepare(url)}"}
    os.environ["BASELINE_DATABASE_URL"] = url
    client = baseline_app().test_client()
    job_id = client.post("/createJobInfo", json=JOB, headers=headers).get_json()["id"]
    return _calls(client, "/", job_id, headers)


def _count(call: Any, requests: int) -> CallCounter:
    for _ in range(20):
        assert call().status_code == 200
    counter = CallCounter()
    sys.setprofile(counter)
    for _ in range(requests):
        call()
    sys.setprofile(None)
    return counter


if __name__ == "__main__":
    sys.exit(main())
