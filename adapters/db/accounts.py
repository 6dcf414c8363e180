"""The users and sessions repositories on SQLAlchemy Core: accounts,
credentials, plans and allowance counters (through ``SqlUserPlans``), and the
sessions a sign-in opens, read with their user in one joined select."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.db import tables as t
from adapters.db.prebuilt import Prebuilt
from adapters.db.user_plans import SqlUserPlans
from core.cache_tags import session_tag, user_tags
from core.domain import Credentials, Session, User
from core.errors import EmailAlreadyRegistered
from core.unit_of_work import Wrote


def _user(row: Row[Any]) -> User:
    return User(
        id=row.id,
        name=row.name,
        email=row.email,
        image_url=row.image_url,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _session(row: Row[Any]) -> Session:
    return Session(
        id=row.id,
        user_id=row.user_id,
        token_digest=row.token_digest,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        address_digest=row.address_digest,
    )


class SqlUsers(SqlUserPlans):
    """Emails are stored lower-cased, so the unique constraint on them is
    case-insensitive. Plans and usage counters: ``SqlUserPlans``."""

    def __init__(self, connection: Connection, wrote: Wrote, plans: dict[str, str]) -> None:
        self._c = connection
        self._wrote = wrote
        self._plans = plans

    def add(self, user: User, password_hash: str | None = None) -> None:
        statement = insert(t.users).values(
            id=user.id,
            name=user.name,
            email=user.email.lower(),
            image_url=user.image_url,
            password_hash=password_hash,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )
        try:
            # The unique constraint decides, even against a concurrent writer;
            # the savepoint keeps the transaction usable after a violation
            # (PostgreSQL would abort it).
            with self._c.begin_nested():
                self._c.execute(statement)
        except IntegrityError:
            if self.get_by_email(user.email) is None:
                raise
            raise EmailAlreadyRegistered(user.email) from None
        self._wrote(user_tags(user.id))

    def upsert(self, user: User) -> None:
        self._insert_on_id_conflict(user, update=True)

    def add_if_absent(self, user: User) -> None:
        self._insert_on_id_conflict(user, update=False)

    def _insert_on_id_conflict(self, user: User, *, update: bool) -> None:
        """One statement (INSERT ... ON CONFLICT (id)), so a concurrent
        writer of the same id cannot make it fail; a conflict on the email
        is another user's."""
        # SQLAlchemy's dialect of this database, imported when first used
        name = "postgresql" if self._c.dialect.name == "postgresql" else "sqlite"
        dialect = import_module(f"sqlalchemy.dialects.{name}")
        statement = dialect.insert(t.users).values(
            id=user.id,
            name=user.name,
            email=user.email.lower(),
            image_url=user.image_url,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )
        if update:
            changed = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=[t.users.c.id],
                set_={
                    "name": changed.name,
                    "email": changed.email,
                    "image_url": changed.image_url,
                    "updated_at": changed.updated_at,
                },
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=[t.users.c.id])
        for last_try in (False, True):
            try:
                with self._c.begin_nested():
                    self._c.execute(statement)
                break
            except IntegrityError:
                # PostgreSQL checks ON CONFLICT's index (id) only: a racing
                # insert of this same user, in flight when this one ran, fails
                # it on the email's index once it commits. Run once more, and
                # the id conflicts as it should; a second failure is another
                # user's email.
                if last_try:
                    raise EmailAlreadyRegistered(user.email) from None
        self._wrote(user_tags(user.id))

    def get(self, user_id: str) -> User | None:
        row = self._c.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return None if row is None else _user(row)

    def get_by_email(self, email: str) -> User | None:
        row = self._c.execute(select(t.users).where(t.users.c.email == email.lower())).first()
        return None if row is None else _user(row)

    def credentials(self, email: str) -> Credentials | None:
        row = self._c.execute(
            select(t.users.c.id, t.users.c.password_hash).where(t.users.c.email == email.lower())
        ).first()
        if row is None or row.password_hash is None:
            return None
        return Credentials(row.id, row.password_hash)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._c.execute(
            update(t.users).where(t.users.c.id == user_id).values(password_hash=password_hash)
        )
        self._wrote(user_tags(user_id))

    def delete(self, user_id: str) -> None:
        self._c.execute(delete(t.users).where(t.users.c.id == user_id))
        self._plans.pop(user_id, None)
        self._wrote(user_tags(user_id))


# On every authenticated request: the session and its user's existence in
# one statement, built once.
_LIVE_SESSION = Prebuilt(
    select(t.sessions)
    .join(t.users, t.users.c.id == t.sessions.c.user_id)
    .where(t.sessions.c.token_digest == bindparam("digest"), t.sessions.c.revoked_at.is_(None))
)


class SqlSessions:
    def __init__(self, connection: Connection, wrote: Wrote) -> None:
        self._c = connection
        self._wrote = wrote

    def add(self, session: Session) -> None:
        self._c.execute(
            insert(t.sessions).values(
                id=session.id,
                user_id=session.user_id,
                token_digest=session.token_digest,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
                address_digest=session.address_digest,
            )
        )
        self._wrote([session_tag(session.token_digest)])

    def get(self, session_id: str) -> Session | None:
        row = self._c.execute(select(t.sessions).where(t.sessions.c.id == session_id)).first()
        return None if row is None else _session(row)

    def by_digest(self, token_digest: str) -> Session | None:
        row = self._c.execute(
            select(t.sessions).where(t.sessions.c.token_digest == token_digest)
        ).first()
        return None if row is None else _session(row)

    def opened_from(self, user_id: str, address_digest: str) -> bool:
        sessions = t.sessions
        return self._c.execute(
            select(sessions.c.id).where(sessions.c.user_id == user_id, sessions.c.address_digest == address_digest)
            .limit(1)
        ).first() is not None

    def live_by_digest(self, token_digest: str) -> Session | None:
        row = _LIVE_SESSION(self._c, {"digest": token_digest}).first()
        return None if row is None else _session(row)

    def revoke(self, session_id: str, at: datetime) -> None:
        revoked = self._c.execute(
            update(t.sessions)
            .where(t.sessions.c.id == session_id, t.sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(t.sessions.c.token_digest)
        ).scalars()
        self._wrote([session_tag(digest) for digest in revoked])
