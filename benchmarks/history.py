"""Cost independent of history: the same actions for a user whose job has
10 questions and 10 interviews behind it (and 10 other job infos) and for
one whose job has 100,000 of each (and 100,000 other job infos; inserted in
bulk with SQL), side by side in one run, printing the
ratio big/small per action (issue 10's target: at most 1.2): of CPU time on
SQLite (all the work is in this process, and CPU time suffers less than
wall-clock from a busy machine), of wall-clock time on PostgreSQL.

The whole app runs in this process (Flask's test client, no HTTP),
uncached (several workers, no Redis), on a SQLite file of its own and, when
reachable, on PostgreSQL (a fresh schema, dropped after). Both users are on
the pro plan with the rate limits off, so no call is refused.

    .venv/bin/python benchmarks/history.py [--records 100000] [--calls 30]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, make_url, text, update

REPO = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
JOB = {"name": "Backend", "title": "Senior Python Engineer", "experienceLevel": "senior",
       "description": "Python, Django and PostgreSQL; Docker and Kubernetes."}
TARGET = 1.2
ROUNDS = 5
PAGE = 10
"""The lists ask for pages of 10 on both sides: the same answer size, so the
ratio is what the total behind the page costs."""
BATCH = 2_000  # rows a statement: 16,000 values, within SQLite's limit of 32,766

Call = Callable[[], object]


def _bulk(engine: Engine, user_id: str, job_info_id: str, records: int) -> None:
    """``records`` questions and interviews on the job of ``user_id``, and
    as many other job infos of the user's (counted on the user's row by
    the database's triggers, as createJobInfo's are), older than anything
    the benchmark makes, inserted in batches."""
    from adapters.db import tables as t

    start = datetime(2020, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for first in range(0, records, BATCH):
            stamps = [(i, start + timedelta(seconds=i)) for i in range(first, min(records, first + BATCH))]
            # one statement a batch (not a statement a row, as psycopg's
            # executemany would send) of job infos and of interviews:
            # PostgreSQL's triggers then count the batch in one UPDATE of
            # the user's row, not one a row (in one transaction, each a new
            # version of that row, which the next must find: quadratic)
            connection.execute(insert(t.job_infos).values([
                {"id": str(uuid.uuid4()), "user_id": user_id, "name": f"Earlier job {i}", "title": None,
                 "experience_level": "junior", "description": "Earlier.", "created_at": at, "updated_at": at}
                for i, at in stamps]))
            connection.execute(insert(t.questions), [
                {"id": str(uuid.uuid4()), "job_info_id": job_info_id, "text": f"Earlier question {i}?",
                 "difficulty": "easy", "created_at": at, "updated_at": at} for i, at in stamps])
            connection.execute(insert(t.interviews).values([  # counted by a trigger too: one statement
                {"id": str(uuid.uuid4()), "job_info_id": job_info_id, "user_id": user_id, "duration": "00:10:00",
                 "created_at": at, "updated_at": at} for _, at in stamps]))


class User:
    def __init__(self, client: Any, engine: Engine, records: int) -> None:
        from adapters.db import tables as t

        self.client = client
        answer = client.post("/auth/sign-up", json={
            "email": f"history-{uuid.uuid4().hex[:12]}@example.com",
            "password": uuid.uuid4().hex, "name": "History"}).get_json()
        self.headers = {"Authorization": f"Bearer {answer['token']}"}
        with engine.begin() as connection:
            connection.execute(update(t.users).where(t.users.c.id == answer["user"]["id"]).values(plan="pro"))
        self.job_id = self.act("createJobInfo", JOB)["id"]
        _bulk(engine, answer["user"]["id"], self.job_id, records)

    def act(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.client.post(f"/actions/{name}", json=body, headers=self.headers).get_json()
        if answer.get("error"):
            raise SystemExit(f"{name}: {answer}")
        return answer

    def calls(self) -> dict[str, Call]:
        job = self.job_id
        return {
            "createJobInfo": lambda: self.act("createJobInfo", JOB),
            "getJobInfo": lambda: self.act("getJobInfo", {"id": job}),
            "listJobInfos": lambda: self.act("listJobInfos", {}),
            "updateJobInfo": lambda: self.act("updateJobInfo", {"id": job, **JOB}),
            "createInterview": lambda: self.act("createInterview", {"jobInfoId": job}),
            "generateQuestion": lambda: self.act("generateQuestion", {"jobInfoId": job, "difficulty": "medium"}),
            "listQuestions": lambda: self.act("listQuestions", {"jobInfoId": job, "limit": PAGE}),
            "listInterviews": lambda: self.act("listInterviews", {"jobInfoId": job, "limit": PAGE}),
        }


def per_call(call: Call, calls: int) -> tuple[float, float]:
    """Seconds per call: wall-clock, and this process's CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        call()
    return (time.perf_counter() - wall) / calls, (time.process_time() - cpu) / calls


def in_process(database_url: str, scratch: Path) -> tuple[Engine, Any]:
    """A migrated database's engine for the bulk inserts (unbounded: they
    take their time) and a test client of darasa on it, uncached (one of
    several workers without Redis), with no rate limit and no job-info cap."""
    import attrs

    from adapters.db.engine import make_engine
    from adapters.db.migrate import upgrade
    from entrypoints.app import create_app
    from entrypoints.settings import Settings

    engine = make_engine(database_url, bounded=False)
    upgrade(engine)
    env = {"DATABASE_URL": database_url, "DARASA_INSTANCE": str(scratch), "IP_RATE_LIMIT": "off",
           "AI_RATE_LIMIT": "off", "WEB_CONCURRENCY": "2", "MAX_JOB_INFOS": "1000000", "LOG_LEVEL": "WARNING"}
    settings = Settings.from_env(env)
    settings = attrs.evolve(settings, buckets={name: None for name in settings.buckets})
    return engine, create_app(settings).test_client()


def run(name: str, database_url: str, records: int, calls: int, scratch: Path, only: set[str]) -> bool:
    postgres = database_url.startswith("postgresql")
    engine, client = in_process(database_url, scratch)
    started = time.perf_counter()
    small, big = User(client, engine, 10), User(client, engine, records)
    print(f"\n{name}: 10 and {records:,} questions and interviews behind one job (and other job infos) "
          f"(inserted in {time.perf_counter() - started:.1f} s); {calls} calls a round, median of {ROUNDS} "
          f"rounds; the ratio judged is {'wall-clock (the server works too)' if postgres else 'CPU time'}")
    print(f"  {'action':<18} {'10: ms':>8} {f'{records:,}: ms':>12} {'wall':>6} {'cpu':>6}")
    met = True
    small_calls, big_calls = small.calls(), big.calls()
    for action in small_calls:
        if only and action not in only:
            continue
        for call in (small_calls[action], big_calls[action]):
            call()  # warm: statements compiled, pages of the index read
        # the two sides in turn, several rounds, so that a busy moment of a
        # shared machine does not fall on one side only; the median round
        rounds = [(per_call(small_calls[action], calls), per_call(big_calls[action], calls))
                  for _ in range(ROUNDS)]
        few = [statistics.median(r[0][i] for r in rounds) for i in (0, 1)]
        many = [statistics.median(r[1][i] for r in rounds) for i in (0, 1)]
        wall, cpu = many[0] / few[0], many[1] / few[1]
        ratio = wall if postgres else cpu
        met = met and ratio <= TARGET
        print(f"  {action:<18} {few[0] * 1000:>8.2f} {many[0] * 1000:>12.2f} {wall:>6.2f} {cpu:>6.2f}"
              f"{'' if ratio <= TARGET else '  (over ' + str(TARGET) + ')'}")
    engine.dispose()
    return met


@contextmanager
def postgres_schema(url: str) -> Iterator[str | None]:
    from adapters.db.engine import make_engine

    server = make_url(url)
    admin = make_engine(url)
    schema = f"darasa_history_{uuid.uuid4().hex[:8]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - unreachable: left out with a note
        print(f"\nPostgreSQL at {url} left out: {error.__class__.__name__}")
        yield None
        return
    try:
        yield server.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--actions", default="", help="comma-separated: only these actions")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    only = {name for name in args.actions.split(",") if name}
    sys.path.insert(0, str(REPO))
    met = True
    with tempfile.TemporaryDirectory(prefix="darasa-history-") as scratch:
        root = Path(scratch)
        met = run("SQLite", f"sqlite:///{root / 'history.sqlite3'}", args.records, args.calls, root / "sqlite", only)
        if not args.sqlite_only:
            with postgres_schema(args.postgres_url) as url:
                if url is not None:
                    met = run("PostgreSQL", url, args.records, args.calls, root / "postgres", only) and met
    print(f"\ntarget: every ratio <= {TARGET}: {'met' if met else 'NOT met'}")
    print("(times on a shared machine: compare runs, not single figures)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
