"""Idempotency keys: a client that sends an ``Idempotency-Key`` with an action
gets, on every retry within ``REPLAY_SECONDS``, the first answer without the
action running again (Stripe's promise). The runner (``core.pipeline``) does
this for every action; this module holds the store's port, the request's
fingerprint and the failures the step answers.

A key belongs to the calling user; it is stored with a fingerprint of the
action's name and its validated command. Only a successful answer is kept: a
call that fails on purpose releases its key, so a retry runs again (its
writes were rolled back). A call still running answers CONFLICT to a
duplicate; a call whose process died is taken over once its lease
(``RUNNING_LEASE_SECONDS``) has passed. The lease is a fence, not a guess: a
call still alive when it was taken over finds at its commit that it no
longer holds the key, and rolls back (``TakenOver``).

That the call committed is written in the action's own transaction: while
the action runs the runner makes its key current (``holding``), and the unit
of work's first commit marks the key committed before COMMIT
(``core.unit_of_work``). A committed key is never taken over nor freed, so a
retry never runs a committed write again, even when its answer could not be
stored afterwards (it answers ``AnswerLost``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, Protocol, cast

import attrs

from core.errors import ActionFailed, ErrorCode, Invalid
from core.records import define, frozen

KEY_FIELD = "idempotency_key"
KEY_MAX_LENGTH = 255
REPLAY_SECONDS = 24 * 3600
"""How long a stored answer is replayed (and its key kept)."""
RUNNING_LEASE_SECONDS = 10 * 60
"""How long a call may hold its key without an answer before a retry may
take it over (its process is presumed dead)."""


@frozen
class Claim:
    """What the store answers when asked for a key.

    ``new``: the caller holds the key now (``token`` proves it) and runs the
    action; ``done``: ``response`` is the stored answer (JSON text);
    ``running``: another call holds it; ``mismatch``: the key was used with
    another request; ``lost``: a call under it committed but its answer was
    not stored."""

    state: Literal["new", "done", "running", "mismatch", "lost"]
    token: str = ""
    response: str = ""


class IdempotencyKeys(Protocol):
    """The stored keys, shared by every process. Each method is its own short
    transaction, apart from the action's unit of work."""

    def claim(self, user_id: str, key: str, fingerprint: str) -> Claim:
        """Take ``key`` for a call with ``fingerprint``, atomically with
        respect to every other caller: ``new`` when it was free (never used,
        or expired, or held past its lease by a call that did not commit),
        otherwise what it holds."""
        ...

    def finish(self, user_id: str, key: str, token: str, response: str) -> None:
        """Store the answer of the call holding ``key`` with ``token``. Never
        raises (the action has committed: its answer must not become a
        failure); an answer that could not be stored is logged, and a retry
        is answered ``lost`` if the call committed, else the key is free
        again once its lease has passed."""
        ...

    def release(self, user_id: str, key: str, token: str) -> None:
        """Free ``key`` if the call holding it with ``token`` still does and
        did not commit (a call may fail after a commit). Never raises (the
        call's own failure is the answer); a key that could not be freed is
        free once its lease has passed."""
        ...

    def purge(self, limit: int) -> int:
        """Delete at most ``limit`` keys past ``REPLAY_SECONDS``; how many."""
        ...


class StillRunning(ActionFailed):
    code = ErrorCode.CONFLICT


class TakenOver(ActionFailed):
    """A call ran past its lease and a retry took its key: its writes are
    rolled back, so that the retry's are the only ones."""

    code = ErrorCode.CONFLICT

    def __init__(self) -> None:
        super().__init__(
            "This request took so long that a retry with its idempotency key took its place; "
            "nothing of it was saved"
        )


class AnswerLost(ActionFailed):
    code = ErrorCode.CONFLICT

    def __init__(self) -> None:
        super().__init__(
            "A request with this idempotency key was done, but its answer was lost: "
            "read the current state instead of retrying"
        )


@define
class HeldKey:
    """The key a running call holds; ``committed`` once a commit marked it."""

    user_id: str
    key: str
    token: str
    committed: bool = False


_held: ContextVar[HeldKey | None] = ContextVar("idempotency_key_held", default=None)


@contextmanager
def holding(held: HeldKey) -> Iterator[None]:
    """Make ``held`` the current call's key while the action runs."""
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)


def held_key() -> HeldKey | None:
    """The key of the call running in this context, if it has one."""
    return _held.get()


def checked_key(key: str) -> str:
    """``key`` if a client may use it (1 to 255 visible ASCII characters), else
    ``Invalid`` naming the header's field."""
    if not 0 < len(key) <= KEY_MAX_LENGTH or not all("!" <= ch <= "~" for ch in key):
        raise Invalid({KEY_FIELD: [f"Must be 1 to {KEY_MAX_LENGTH} visible ASCII characters"]})
    return key


def mismatch() -> Invalid:
    return Invalid({KEY_FIELD: ["This key was already used with another request"]})


def fingerprint(action: str, command: object) -> str:
    """A digest of the action's name and its validated command: equal for a
    retry of the same request, different for any other."""
    digest = hashlib.sha256(action.encode())
    _feed(digest, command)
    return digest.hexdigest()


def _feed(digest: hashlib._Hash, value: object) -> None:
    # Commands are attrs classes of bounded depth (validated), so recursion is bounded.
    if attrs.has(type(value)):
        digest.update(b"(" + type(value).__name__.encode())
        for item in attrs.fields(cast(Any, type(value))):
            digest.update(b"|" + item.name.encode() + b"=")
            _feed(digest, getattr(value, item.name))
        digest.update(b")")
    elif isinstance(value, bytes):
        digest.update(b"b%d:" % len(value) + value)
    elif isinstance(value, str):
        encoded = value.encode("utf-8", "surrogatepass")
        digest.update(b"s%d:" % len(encoded) + encoded)
    elif isinstance(value, list | tuple):
        digest.update(b"[%d" % len(value))
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(b"{%d" % len(value))
        for name in sorted(value, key=repr):
            _feed(digest, name)
            _feed(digest, value[name])
        digest.update(b"}")
    else:  # None, booleans, numbers, enums, datetimes: their repr is exact
        digest.update(b"r" + repr(value).encode())
