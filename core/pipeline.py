"""The action pipeline: what an action is, what every use case is called
with, and the runner that takes each call through authenticate -> validate
-> the use case (authorize -> rate limit -> write, whose unit of work
invalidates the cache tags of what it wrote) -> result.

A feature declares its actions as a plain list of ``Action`` values, each
naming its use case *class*; the composition root (``entrypoints.bootstrap``)
builds every use case once, handing its keyword-only constructor the ports
it names, and gives the runner the resulting handlers. Every handler is
called the same way, ``handler(context, command)``.

The runner knows nothing of HTTP or of how payloads are parsed: the edge gives
it a ``parse`` function that structures an untrusted payload into a command
or raises ``Invalid``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from attrs import field, frozen

from core.domain import Actor
from core.errors import DEFAULT_MESSAGES, ActionFailed, ErrorCode, Failure, Invalid, NotAuthenticated, UnknownAction

C = TypeVar("C")
R = TypeVar("R")

Parse = Callable[[type[C], object], C]


@frozen
class Context:
    """What a call knows besides its command: who is calling (``None`` for
    nobody: public actions, the CLI) and from which address (``None`` when
    there is no client, as from the CLI)."""

    actor: Actor | None = None
    client_ip: str | None = None

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

    def __init__(self, handlers: Iterable[tuple[Action[Any, Any], Handler]], parse: Parse[Any]) -> None:
        self._actions: dict[str, tuple[Action[Any, Any], Handler]] = {}
        for action, handler in handlers:
            if action.name in self._actions:
                raise ValueError(f"action {action.name!r} registered twice")
            self._actions[action.name] = (action, handler)
        self._parse = parse

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
            _, handler, command = self.parse(name, context, payload)
            outcome = handler(context, command)
        except ActionFailed as failed:
            return failed.failure()
        return outcome if isinstance(outcome, Streaming) else Success(outcome)

    def run(self, name: str, context: Context, payload: object) -> Result:
        """Run one action to its result, draining a streamed answer."""
        outcome = self.start(name, context, payload)
        return outcome.complete() if isinstance(outcome, Streaming) else outcome
