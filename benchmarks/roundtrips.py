"""Round trips per action on PostgreSQL, counted on the wire
(``benchmarks/wire.py``): the whole app in this process, uncached (several
workers, no Redis), its database behind a counting proxy. createInterview
is counted as ``actions.py`` loads it: a plan without limits, its rate limit
off.

    .venv/bin/python benchmarks/roundtrips.py
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Target (issue 10): an authenticated uncached read of one record in at most
2 round trips.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

REPO = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
JOB = {"name": "Backend", "title": "Senior Python Engineer", "experienceLevel": "senior",
       "description": "Python, PostgreSQL and Redis."}
TARGETS = {"getJobInfo": 2}
REPEAT = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from history import postgres_schema

    with postgres_schema(args.postgres_url) as schema_url:
        return 1 if schema_url is None else count(schema_url)


def count(schema_url: str) -> int:
    """Print the round trips of each action, the app's database behind the
    counting proxy; 1 if the target is not met."""
    from actions import UNLIMITED_PLAN
    from wire import RoundTripProxy

    from adapters.db.engine import make_engine
    from adapters.db.migrate import upgrade
    from entrypoints.app import create_app
    from entrypoints.settings import Settings

    url = make_url(schema_url)
    upgrade(make_engine(schema_url))
    with RoundTripProxy(url.host or "127.0.0.1", url.port or 5432) as proxy, \
            tempfile.TemporaryDirectory(prefix="darasa-trips-") as scratch:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env = {"DATABASE_URL": proxied, "DARASA_INSTANCE": scratch, "IP_RATE_LIMIT": "off",
               "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING",
               # createInterview as a paying user would (actions.py's setting): nothing to run out
               "PLAN_CATALOG": UNLIMITED_PLAN, "INTERVIEW_RATE_LIMIT": "off"}
        client = create_app(Settings.from_env(env)).test_client()
        signed_up = client.post("/auth/sign-up", json={
            "email": f"trips-{uuid.uuid4().hex[:12]}@example.com",
            "password": uuid.uuid4().hex, "name": "Trips"}).get_json()
        headers = {"Authorization": f"Bearer {signed_up['token']}"}

        def act(name: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = client.post(f"/actions/{name}", json=body, headers=headers).get_json()
            if answer.get("error"):
                raise SystemExit(f"{name}: {answer}")
            return answer

        job_id = act("createJobInfo", JOB)["id"]
        calls: dict[str, Any] = {
            "getJobInfo": lambda: act("getJobInfo", {"id": job_id}),
            "listJobInfos": lambda: act("listJobInfos", {}),
            "createJobInfo": lambda: act("createJobInfo", JOB),
            "updateJobInfo": lambda: act("updateJobInfo", {"id": job_id, **JOB}),
            "listQuestions": lambda: act("listQuestions", {"jobInfoId": job_id}),
            "listInterviews": lambda: act("listInterviews", {"jobInfoId": job_id}),
            "createInterview": lambda: act("createInterview", {"jobInfoId": job_id}),
        }
        print(f"round trips per request on PostgreSQL (uncached, mean of {REPEAT}):")
        met = True
        for name, call in calls.items():
            for _ in range(10):  # warm: connections open, statements compiled and prepared
                call()
            before = proxy.round_trips
            for _ in range(REPEAT):
                call()
            trips = (proxy.round_trips - before) / REPEAT
            target = TARGETS.get(name)
            verdict = "" if target is None else f"  (target <= {target}: {'met' if trips <= target else 'NOT met'})"
            met = met and (target is None or trips <= target)
            print(f"  {name:<16} {trips:5.2f}{verdict}")
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
