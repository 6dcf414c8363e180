"""``darasa purge`` and the periodic purge on SQLite and PostgreSQL: expired
sessions, lapsed idempotency keys and idle rate-limit rows go, in bounded
batches; everything still in use stays."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from adapters.db.engine import make_engine
from adapters.db.idempotency import SqlIdempotencyKeys
from adapters.db.migrate import upgrade
from adapters.db.purge import IDLE_LIMITS, Purged, purge, start_periodic_purge
from adapters.db.tables import rate_limit_buckets, rate_limit_windows, sessions, users
from adapters.fakes import FakeClock
from core.idempotency import REPLAY_SECONDS
from entrypoints.cli import main

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "postgres_engine")


def test_purge_deletes_only_what_is_no_longer_needed_in_batches(engine: Engine) -> None:
    clock = FakeClock(NOW)
    user = str(uuid.uuid4())
    tag = uuid.uuid4().hex[:8]
    with engine.begin() as c:
        c.execute(users.insert().values(id=user, name="u", email=f"{user}@example.com",
                                        created_at=NOW, updated_at=NOW))
        for name, expires, revoked in [("expired", NOW - timedelta(hours=1), None),
                                       ("revoked", NOW + timedelta(days=9), NOW - timedelta(days=2)),
                                       ("live", NOW + timedelta(days=9), None),
                                       ("just-revoked", NOW + timedelta(days=9), NOW - timedelta(hours=1))]:
            for n in range(3):
                c.execute(sessions.insert().values(
                    id=str(uuid.uuid4()), user_id=user, token_digest=f"{tag}-{name}-{n}",
                    created_at=NOW - timedelta(days=30), expires_at=expires, revoked_at=revoked))
        idle, fresh = (NOW - IDLE_LIMITS - timedelta(hours=1)).timestamp(), NOW.timestamp()
        for n in range(5):
            c.execute(rate_limit_buckets.insert().values(key=f"{tag}:idle:{n}", tokens=1, updated_at=idle))
            c.execute(rate_limit_windows.insert().values(key=f"{tag}:idle:{n}", window_start=idle,
                                                         current=1, previous=0))
        c.execute(rate_limit_buckets.insert().values(key=f"{tag}:fresh", tokens=1, updated_at=fresh))
        c.execute(rate_limit_windows.insert().values(key=f"{tag}:fresh", window_start=fresh,
                                                     current=1, previous=0))
    keys = SqlIdempotencyKeys(engine, FakeClock(NOW - timedelta(seconds=REPLAY_SECONDS + 60)))
    for n in range(3):
        keys.claim(user, f"old-{n}", "f")
    SqlIdempotencyKeys(engine, clock).claim(user, "fresh", "f")

    purged = purge(engine, clock, batch=2, max_batches=50)  # (other tests' rows may go too)
    assert purged.sessions >= 6 and purged.idempotency_keys >= 3 and purged.rate_limit_rows >= 10
    assert purge(engine, clock, batch=2, max_batches=50) == Purged(0, 0, 0)

    with engine.connect() as c:
        left_sessions = sorted(c.execute(select(sessions.c.token_digest).where(
            sessions.c.user_id == user)).scalars())
        buckets = sorted(c.execute(select(rate_limit_buckets.c.key).where(
            rate_limit_buckets.c.key.like(f"{tag}:%"))).scalars())
        windows = sorted(c.execute(select(rate_limit_windows.c.key).where(
            rate_limit_windows.c.key.like(f"{tag}:%"))).scalars())
    assert left_sessions == sorted(f"{tag}-{name}-{n}" for name in ("live", "just-revoked") for n in range(3))
    assert buckets == windows == [f"{tag}:fresh"]
    assert keys.claim(user, "old-0", "other").state == "new"  # it was gone
    assert SqlIdempotencyKeys(engine, clock).claim(user, "fresh", "f").state == "running"


def test_a_batch_never_deletes_more_than_its_size(engine: Engine) -> None:
    clock = FakeClock(NOW)
    tag = uuid.uuid4().hex[:8]
    idle = (NOW - IDLE_LIMITS - timedelta(hours=1)).timestamp()
    with engine.begin() as c:
        for n in range(7):
            c.execute(rate_limit_buckets.insert().values(key=f"{tag}:{n}", tokens=1, updated_at=idle))
    first = purge(engine, clock, batch=3, max_batches=1).rate_limit_rows
    assert 0 < first <= 3 + 3  # one batch of each rate-limit table at most


def test_darasa_purge_runs_on_the_configured_database(tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'darasa.sqlite3'}"
    monkeypatch.setenv("DARASA_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(rate_limit_buckets.insert().values(key="old", tokens=1, updated_at=0.0))
    assert main(["purge"]) == 0
    assert "1 rate-limit rows" in capsys.readouterr().out
    with engine.connect() as c:
        assert c.execute(select(rate_limit_buckets.c.key)).all() == []
    engine.dispose()


def test_the_periodic_purge_runs_again_after_a_failure() -> None:
    runs: list[int] = []
    stop = threading.Event()
    done = threading.Event()

    def run() -> None:
        runs.append(1)
        if len(runs) == 1:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("purge", {}, Exception("database down"))
        done.set()

    thread = start_periodic_purge(run, period=0.01, stop=stop)
    assert done.wait(10)
    stop.set()
    thread.join(5)
    assert len(runs) >= 2 and not thread.is_alive()
