"""getProgress's cost against the history behind it: one user with 10 rated
answers and 10 interviews, others with more (100,000 by default) on one job
and spread across jobs (100 answers a job), inserted in bulk with SQL; every
other interview has feedback, and there is a resume analysis for every 10
answers, but every user's newest ``FULL`` interviews have feedback and each
has at least ``FULL`` analyses (the user with 10: 10 and 10). Each user's
getProgress runs through the action registry (``POST /actions/getProgress``,
as the page does), in turns, several rounds; the script prints each one's
time and its ratio to the first size's (issue 10's target: at most 1.2).
The ratio judged is CPU time on SQLite (all the work is in this process),
wall clock on PostgreSQL.

getProgress reads a few rows of running totals (kept on write; the bulk
users are counted by ``adapters.db.practice_totals.backfill`` and
``backfill_analyses``), the overall rating of the newest 10 interviews with
feedback and the scores of the newest 10 analyses (``RECENT_SHOWN``): a page
of each, as full for the user with 10 as for the others (the same answer
size, as ``history.py``'s lists read a page of 10 on both sides), so the
ratio is what the history behind the pages costs.

    .venv/bin/python benchmarks/progress_history.py [--sizes 10,100000] [--calls 20]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, update

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from history import DEFAULT_POSTGRES_URL, in_process, per_call, postgres_schema  # noqa: E402

TARGET = 1.2
ROUNDS = 5
BATCH = 5_000
ROWS_A_STATEMENT = 2_000
PER_JOB = 100
PER_QUESTION = 10
ANALYSES_EVERY = 10
FULL = 10
"""Interviews with feedback (the newest) and analyses every user has at
least: getProgress's lists are full pages for every size."""
FEEDBACK = "## Communication: 7/10\n\nClear.\n\n## Technical Knowledge (Rating: 6/10)\n\n## Overall Rating: 7/10\n"
ANALYSIS = ('{"overallScore": 7, "ats": {"score": 7, "summary": "s", "feedback": []}, '
            '"jobMatch": {"score": 7, "summary": "s", "feedback": []}, '
            '"writingAndFormatting": {"score": 7, "summary": "s", "feedback": []}, '
            '"keywordCoverage": {"score": 7, "summary": "s", "feedback": []}, '
            '"other": {"score": 7, "summary": "s", "feedback": []}}')


def _bulk(engine: Engine, user_id: str, job_ids: list[str], records: int) -> None:
    """``records`` rated answers (10 a question) and interviews on the jobs,
    ``PER_JOB`` of each a job (or all on the one job), then counted in the
    user's practice totals as migrations 0012 and 0014 count what was there
    before."""
    from adapters.db import practice_totals
    from adapters.db import tables as t

    owner = {"user_id": user_id} if "user_id" in t.answers.c else {}
    scores = {name: 7 for name in getattr(t, "RESUME_SCORES", ())}  # migration 0013 on
    start = datetime(2020, 1, 1, tzinfo=UTC)
    per_job = max(1, -(-records // len(job_ids)))
    with engine.begin() as connection:
        analyses = max(FULL, records // ANALYSES_EVERY)
        connection.execute(insert(t.resume_analyses), [
            {"id": str(uuid.uuid4()), "job_info_id": job_ids[k * len(job_ids) // analyses], "analysis": ANALYSIS,
             "created_at": start + timedelta(seconds=k), **owner, **scores} for k in range(analyses)])
        for first in range(0, records, BATCH):
            stamps = [(i, start + timedelta(seconds=i)) for i in range(first, min(records, first + BATCH))]
            questions = {n: str(uuid.uuid4()) for n in sorted({i // PER_QUESTION for i, _ in stamps})}
            connection.execute(insert(t.questions), [
                {"id": qid, "job_info_id": job_ids[min(len(job_ids) - 1, n * PER_QUESTION // per_job)],
                 "text": f"Question {n}?", "difficulty": ("easy", "medium", "hard")[n % 3],
                 "topic": f"Topic {n % 20}", "created_at": start, "updated_at": start}
                for n, qid in questions.items()])
            connection.execute(insert(t.answers), [
                {"id": str(uuid.uuid4()), "question_id": questions[i // PER_QUESTION], "text": "An answer.",
                 "feedback": "Fine.", "rating": 1 + i % 10, "created_at": at, **owner} for i, at in stamps])
            interviews = [
                {"id": str(uuid.uuid4()), "job_info_id": job_ids[min(len(job_ids) - 1, i // per_job)],
                 "duration": "00:10:00", "feedback": FEEDBACK if i % 2 or i >= records - FULL else None,
                 "created_at": at, "updated_at": at, **owner} for i, at in stamps]
            # statements of many rows, so that the count's trigger (migration
            # 0017) runs once for each, within SQLite's 32,766 values a statement
            for first in range(0, len(interviews), ROWS_A_STATEMENT):
                connection.execute(insert(t.interviews).values(interviews[first:first + ROWS_A_STATEMENT]))
        practice_totals.backfill(connection, user_id)
        if hasattr(practice_totals, "backfill_analyses"):  # migration 0014 on
            practice_totals.backfill_analyses(connection, user_id)


class User:
    def __init__(self, client: Any, engine: Engine, records: int, spread: bool) -> None:
        from adapters.db import tables as t

        self.client = client
        answer = client.post("/auth/sign-up", json={
            "email": f"progress-{uuid.uuid4().hex[:12]}@example.com",
            "password": uuid.uuid4().hex, "name": "Progress"}).get_json()
        self.headers = {"Authorization": f"Bearer {answer['token']}"}
        user_id = answer["user"]["id"]
        jobs = max(1, records // PER_JOB) if spread else 1
        at = datetime(2020, 1, 1, tzinfo=UTC)
        job_ids = [str(uuid.uuid4()) for _ in range(jobs)]
        with engine.begin() as connection:
            connection.execute(update(t.users).where(t.users.c.id == user_id).values(plan="pro"))
            connection.execute(insert(t.job_infos), [
                {"id": job_id, "user_id": user_id, "name": f"Job {n}", "experience_level": "senior",
                 "description": "Python", "created_at": at, "updated_at": at} for n, job_id in enumerate(job_ids)])
        _bulk(engine, user_id, job_ids, records)

    def __call__(self) -> None:
        answer = self.client.post("/actions/getProgress", json={}, headers=self.headers).get_json()
        if answer.get("error"):
            raise SystemExit(f"getProgress: {answer}")


def run(name: str, database_url: str, sizes: list[int], calls: int, scratch: Path) -> bool:
    postgres = database_url.startswith("postgresql")
    engine, client = in_process(database_url, scratch)
    started = time.perf_counter()
    users = {f"{sizes[0]:,}": User(client, engine, sizes[0], spread=False)}
    for size in sizes[1:]:
        users[f"{size:,} on one job"] = User(client, engine, size, spread=False)
        users[f"{size:,} on {max(1, size // PER_JOB):,} jobs"] = User(client, engine, size, spread=True)
    print(f"\n{name}: getProgress, answers and interviews behind a user (inserted in "
          f"{time.perf_counter() - started:.0f} s); {calls} calls a round, median of {ROUNDS} rounds; "
          f"the ratio judged is {'wall-clock' if postgres else 'CPU time'}")
    for user in users.values():
        user()  # warm
    rounds = [{label: per_call(user, calls) for label, user in users.items()} for _ in range(ROUNDS)]
    base = [statistics.median(r[f"{sizes[0]:,}"][i] for r in rounds) for i in (0, 1)]
    print(f"  {'history':<24} {'ms':>8} {'wall':>6} {'cpu':>6}")
    met = True
    for label in users:
        times = [statistics.median(r[label][i] for r in rounds) for i in (0, 1)]
        wall, cpu = times[0] / base[0], times[1] / base[1]
        ratio = wall if postgres else cpu
        met = met and ratio <= TARGET
        print(f"  {label:<24} {times[0] * 1000:>8.2f} {wall:>6.2f} {cpu:>6.2f}"
              f"{'' if ratio <= TARGET else '  (over ' + str(TARGET) + ')'}")
    engine.dispose()
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100000", help="comma-separated; the first is the baseline")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    met = True
    with tempfile.TemporaryDirectory(prefix="darasa-progress-") as scratch:
        root = Path(scratch)
        met = run("SQLite", f"sqlite:///{root / 'progress.sqlite3'}", sizes, args.calls, root / "sqlite")
        if not args.sqlite_only:
            with postgres_schema(args.postgres_url) as url:
                if url is not None:
                    met = run("PostgreSQL", url, sizes, args.calls, root / "postgres") and met
    print(f"\ntarget: every ratio <= {TARGET}: {'met' if met else 'NOT met'}")
    print("(times on a shared machine: compare runs, not single figures)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
