"""Idempotency keys in a dict behind a lock, with the SQL store's rules. A
call's commit marks its key in ``storage`` (the fake unit of work's
transaction), read here as the SQL store reads its ``committed`` column; the
key's current holder is kept there too, so that a call taken over cannot
mark it."""

from __future__ import annotations

import threading
from contextlib import nullcontext
from datetime import datetime, timedelta

from adapters.fakes.storage import FakeStorage
from core.idempotency import REPLAY_SECONDS, RUNNING_LEASE_SECONDS, Claim
from core.ports import Clock
from core.records import define


@define
class _Row:
    fingerprint: str
    token: str
    created_at: datetime
    response: str | None = None


class FakeIdempotencyKeys:
    def __init__(self, clock: Clock, storage: FakeStorage | None = None) -> None:
        self._clock = clock
        self._storage = storage
        self._rows: dict[tuple[str, str], _Row] = {}
        self._tokens = 0
        self._lock = threading.Lock()

    def claim(self, user_id: str, key: str, fingerprint: str) -> Claim:
        now = self._clock.now()
        # As the SQL store's row lock does, a claim waits for a unit of work
        # that may be marking the key (it holds the storage's write lock).
        with self._storage.write_lock if self._storage is not None else nullcontext(), self._lock:
            row = self._rows.get((user_id, key))
            committed = row is not None and self._committed(user_id, key, row.token)
            free = row is None or row.created_at < now - timedelta(seconds=REPLAY_SECONDS) or (
                row.response is None and not committed
                and row.created_at < now - timedelta(seconds=RUNNING_LEASE_SECONDS)
            )
            if free:
                self._tokens += 1
                self._rows[(user_id, key)] = _Row(fingerprint, str(self._tokens), now)
                if self._storage is not None:
                    self._storage.hold(user_id, key, str(self._tokens))
                return Claim("new", token=str(self._tokens))
            assert row is not None
            if row.fingerprint != fingerprint:
                return Claim("mismatch")
            if row.response is None:
                return Claim("lost" if committed else "running")
            return Claim("done", response=row.response)

    def finish(self, user_id: str, key: str, token: str, response: str) -> None:
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is not None and row.token == token:
                row.response = response

    def release(self, user_id: str, key: str, token: str) -> None:
        with self._lock:
            row = self._rows.get((user_id, key))
            if row is not None and row.token == token and row.response is None:
                if not self._committed(user_id, key, token):
                    del self._rows[(user_id, key)]

    def _committed(self, user_id: str, key: str, token: str) -> bool:
        return self._storage is not None and self._storage.committed_token(user_id, key) == token

    def purge(self, limit: int) -> int:
        cutoff = self._clock.now() - timedelta(seconds=REPLAY_SECONDS)
        with self._lock:
            expired = [k for k, row in self._rows.items() if row.created_at < cutoff][:limit]
            for k in expired:
                del self._rows[k]
            return len(expired)
