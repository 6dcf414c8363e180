"""The action pipeline: what an action is, what every use case is called
with, and the runner that takes each call through authenticate -> validate
-> (idempotency key) -> the use case (authorize -> rate limit -> write,
whose unit of work invalidates the cache tags of what it wrote) -> result.

A feature declares its actions as a plain list of ``Action`` values, each
naming its use case *class*; the composition root (``entrypoints.bootstrap``)
builds every use case once, handing its keyword-only constructor the ports
it names, and gives the runner the resulting handlers. Every handler is
called the same way, ``handler(context, command)``.

The runner knows nothing of HTTP or of how payloads are parsed: the edge gives
it a ``parse`` function that structures an untrusted payload into a command
or raises ``Invalid``, and an ``encode``/``decode`` pair that turns a result
into stored text and back, for the answers kept under idempotency keys
(``core.idempotency``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from attrs import field

from core.domain import Actor
from core.errors import DEFAULT_MESSAGES, ActionFailed, ErrorCode, Failure, Invalid, NotAuthenticated, UnknownAction
from core.idempotency import (
    AnswerLost,
    HeldKey,
    IdempotencyKeys,
    StillRunning,
    checked_key,
    fingerprint,
    holding,
    mismatch,
)
from core.records import frozen

C = TypeVar("C")
R = TypeVar("R")

Parse = Callable[[type[C], object], C]
Encode = Callable[[object], str]
Decode = Callable[[Any, str], object]


@frozen
class Context:
    """What a call knows besides its command: who is calling (``None`` for
    nobody: public actions, the CLI), from which address (``None`` when
    there is no client, as from the CLI), and the idempotency key the client
    sent, if any (honoured for calls with an actor: keys are per user)."""

    actor: Actor | None = None
    client_ip: str | None = None
    idempotency_key: str | None = None

    @property
    def caller(self) -> Actor:
        """The actor; ``NotAuthenticated`` when there is none. The runner
        only calls an action that is not public with an actor."""
        if self.actor is None:
            raise NotAuthenticated()
        return self.actor


@frozen
class Success(Generic[R]):
    data: R


Result = Success[Any] | Failure


@frozen
class Streaming(Generic[R]):
    """What a use case returns when its answer is text produced piece by
    piece (the AI coach): every check has already passed, ``chunks`` yields
    the text as it comes, and ``finish`` takes the whole text, stores what it
    must and returns the result. A failure while producing raises
    ``ActionFailed`` and stores nothing."""

    chunks: Iterable[str]
    finish: Callable[[str], R]

    def complete(self) -> Result:
        """Drain the stream: the answer for a client that does not stream."""
        try:
            return Success(self.finish("".join(self.chunks)))
        except ActionFailed as failed:
            return failed.failure()


Handler = Callable[[Context, Any], Any]
"""A built use case: ``handler(context, command)`` returns the result (or a
``Streaming`` of it) or raises ``ActionFailed``."""


@frozen
class Action(Generic[C, R]):
    """A named use case as clients call it.

    ``use_case`` is the class; its keyword-only constructor names the ports
    it needs (``storage``, ``clock``, ``coach``, ...), and the composition
    root passes each by that name. A constructor parameter named ``limiter``
    gets an ``ActionLimiter`` bound to this action's name and ``buckets``:
    ``{purpose: bucket name}``, the names of the buckets the settings define
    (``{"user": "ai"}``: one bucket per user, the AI actions' one). A
    ``public`` action is run without an actor (signing up, in and out)."""

    name: str
    command: type[C]
    result: type[R] | None
    use_case: Callable[..., Handler]
    summary: str = ""
    invalid_message: str = DEFAULT_MESSAGES[ErrorCode.VALIDATION]
    public: bool = False
    buckets: Mapping[str, str] = field(factory=dict)


class Actions:
    """The registry of built actions and the pipeline that runs them."""

    def __init__(
        self,
        handlers: Iterable[tuple[Action[Any, Any], Handler]],
        parse: Parse[Any],
        *,
        keys: IdempotencyKeys | None = None,
        encode: Encode | None = None,
        decode: Decode | None = None,
    ) -> None:
        self._actions: dict[str, tuple[Action[Any, Any], Handler]] = {}
        for action, handler in handlers:
            if action.name in self._actions:
                raise ValueError(f"action {action.name!r} registered twice")
            self._actions[action.name] = (action, handler)
        self._parse = parse
        if keys is not None and (encode is None or decode is None):
            raise ValueError("idempotency keys need an encode and a decode for the answers they keep")
        self._keys = keys
        self._encode = encode
        self._decode = decode

    @property
    def registry(self) -> Mapping[str, Action[Any, Any]]:
        return {name: action for name, (action, _) in self._actions.items()}

    def parse(self, name: str, context: Context, payload: object) -> tuple[Action[Any, Any], Handler, Any]:
        """Steps 1 and 2: find the action, authenticate, validate."""
        found = self._actions.get(name)
        if found is None:
            raise UnknownAction("Unknown action")
        action, handler = found
        if context.actor is None and not action.public:
            raise NotAuthenticated()
        try:
            command = self._parse(action.command, payload)
        except Invalid as invalid:
            raise Invalid(invalid.field_errors, action.invalid_message) from None
        return action, handler, command

    def start(self, name: str, context: Context, payload: object) -> Result | Streaming[Any]:
        """Run one action up to its answer: a result, or, for an action whose
        answer is streamed, a ``Streaming`` that every check has passed.
        Failures on purpose never raise."""
        try:
            action, handler, command = self.parse(name, context, payload)
            if context.idempotency_key is not None and context.actor is not None and self._keys:
                return self._once(self._keys, action, handler, context, command)
            outcome = handler(context, command)
        except ActionFailed as failed:
            return failed.failure()
        return outcome if isinstance(outcome, Streaming) else Success(outcome)

    def _once(
        self, keys: IdempotencyKeys, action: Action[Any, Any], handler: Handler, context: Context, command: Any
    ) -> Success[Any] | Streaming[Any]:
        """Run under the caller's idempotency key: replay the stored answer,
        refuse a duplicate still running, another request under the same key
        or one whose call committed but lost its answer, or run and keep a
        successful answer (a streamed one once finished). While the handler
        (and a stream's ``finish``) runs, the key is current, so that the
        action's first commit marks it committed. A failure frees the key,
        unless the call committed, so that a retry runs again."""
        assert context.actor is not None and context.idempotency_key is not None
        encode, decode = self._encode, self._decode
        assert encode is not None and decode is not None
        user_id, key = context.actor.user_id, checked_key(context.idempotency_key)
        claim = keys.claim(user_id, key, fingerprint(action.name, command))
        if claim.state == "done":
            return Success(decode(action.result, claim.response))
        if claim.state == "running":
            raise StillRunning()
        if claim.state == "mismatch":
            raise mismatch()
        if claim.state == "lost":
            raise AnswerLost()
        held = HeldKey(user_id, key, claim.token)
        try:
            with holding(held):
                outcome = handler(context, command)
        except BaseException:
            keys.release(user_id, key, claim.token)
            raise
        if not isinstance(outcome, Streaming):
            keys.finish(user_id, key, claim.token, encode(outcome))
            return Success(outcome)

        def chunks() -> Iterable[str]:
            try:
                yield from outcome.chunks
            except BaseException:
                keys.release(user_id, key, claim.token)
                raise

        def finish(text: str) -> Any:
            try:
                with holding(held):
                    result = outcome.finish(text)
            except BaseException:
                keys.release(user_id, key, claim.token)
                raise
            keys.finish(user_id, key, claim.token, encode(result))
            return result

        return Streaming(chunks(), finish)

    def run(self, name: str, context: Context, payload: object) -> Result:
        """Run one action to its result, draining a streamed answer."""
        outcome = self.start(name, context, payload)
        return outcome.complete() if isinstance(outcome, Streaming) else outcome
