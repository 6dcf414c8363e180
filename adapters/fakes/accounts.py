"""The fake users and sessions repositories (accounts, plans, allowance
counters and holds), on the fake storage's tables."""

from __future__ import annotations

from datetime import datetime

from attrs import evolve

from adapters.fakes.tables import Tables, delete_cascading
from core.cache_tags import session_tag, user_tags
from core.domain import Credentials, Hold, Session, Usage, UsageKind, User
from core.errors import EmailAlreadyRegistered
from core.unit_of_work import Wrote


class FakeUsers:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, user: User, password_hash: str | None = None) -> None:
        if self.get_by_email(user.email) is not None:
            raise EmailAlreadyRegistered(user.email)
        self._t.users[user.id] = evolve(user, email=user.email.lower())  # as SQL stores it
        if password_hash is not None:
            self._t.password_hashes[user.id] = password_hash
        self._wrote(user_tags(user.id))

    def upsert(self, user: User) -> None:
        existing = self._t.users.get(user.id)
        if existing is None:
            self.add(user)
            return
        self._check_email_free(user)
        self._t.users[user.id] = evolve(
            existing,
            name=user.name,
            email=user.email.lower(),
            image_url=user.image_url,
            updated_at=user.updated_at,
        )
        self._wrote(user_tags(user.id))

    def add_if_absent(self, user: User) -> None:
        if user.id in self._t.users:
            return
        self.add(user)

    def _check_email_free(self, user: User) -> None:
        holder = self.get_by_email(user.email)
        if holder is not None and holder.id != user.id:
            raise EmailAlreadyRegistered(user.email)

    def get(self, user_id: str) -> User | None:
        return self._t.users.get(user_id)

    def get_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        return next((u for u in self._t.users.values() if u.email.lower() == wanted), None)

    def credentials(self, email: str) -> Credentials | None:
        user = self.get_by_email(email)
        if user is None or user.id not in self._t.password_hashes:
            return None
        return Credentials(user.id, self._t.password_hashes[user.id])

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._t.password_hashes[user_id] = password_hash
        self._wrote(user_tags(user_id))

    def delete(self, user_id: str) -> None:
        delete_cascading(self._t, "users", user_id)
        self._wrote(user_tags(user_id))

    def plan(self, user_id: str) -> str | None:
        if user_id not in self._t.users:
            return None
        return self._t.plans.get(user_id, "free")

    def set_plan(self, user_id: str, plan: str) -> None:
        if user_id in self._t.users:
            self._t.plans[user_id] = plan
            self._wrote(user_tags(user_id))

    def usage(self, user_id: str) -> Usage | None:
        if user_id not in self._t.users:
            return None
        return self._t.usage.get(user_id, Usage())

    def lock_usage(self, user_id: str) -> Usage | None:
        """Write units of work already run one at a time, holding the lock
        from before their snapshot until they end."""
        return self.usage(user_id)

    def count_created(self, user_id: str, kind: UsageKind, delta: int = 1) -> None:
        usage = self.usage(user_id)
        if usage is None:
            return
        if kind == "interviews":
            usage = evolve(usage, interviews_created=usage.interviews_created + delta)
        else:
            usage = evolve(usage, questions_created=usage.questions_created + delta)
        self._t.usage[user_id] = usage

    def hold(self, hold: Hold, now: datetime) -> None:
        for lapsed in [h.id for h in self._t.holds.values() if h.user_id == hold.user_id and h.expires_at <= now]:
            del self._t.holds[lapsed]
        self._t.holds[hold.id] = hold

    def holds(self, user_id: str, kind: UsageKind, now: datetime) -> int:
        return sum(h.user_id == user_id and h.kind == kind and h.expires_at > now for h in self._t.holds.values())

    def release_hold(self, hold_id: str) -> None:
        self._t.holds.pop(hold_id, None)


class FakeSessions:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, session: Session) -> None:
        self._t.sessions[session.id] = session
        self._wrote([session_tag(session.token_digest)])

    def get(self, session_id: str) -> Session | None:
        return self._t.sessions.get(session_id)

    def by_digest(self, token_digest: str) -> Session | None:
        return next((s for s in self._t.sessions.values() if s.token_digest == token_digest), None)

    def opened_from(self, user_id: str, address_digest: str) -> bool:
        return any(s.user_id == user_id and s.address_digest == address_digest for s in self._t.sessions.values())

    def live_by_digest(self, token_digest: str) -> Session | None:
        session = self.by_digest(token_digest)
        if session is None or session.revoked_at is not None or session.user_id not in self._t.users:
            return None
        return session

    def revoke(self, session_id: str, at: datetime) -> None:
        session = self._t.sessions.get(session_id)
        if session is not None and session.revoked_at is None:
            self._t.sessions[session_id] = evolve(session, revoked_at=at)
            self._wrote([session_tag(session.token_digest)])
