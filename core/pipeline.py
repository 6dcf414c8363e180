"""The action pipeline: one registry of named actions and the runner that
takes each call through authenticate -> validate -> (the use case:
authorize -> rate limit -> write -> invalidate) -> result.

The runner knows nothing of HTTP or of how payloads are parsed: the edge gives
it a ``parse`` function that structures an untrusted payload into a command
or raises ``Invalid``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from attrs import frozen

from core.domain import Actor
from core.errors import ActionFailed, Failure, Invalid, NotAuthenticated, UnknownAction

C = TypeVar("C")
R = TypeVar("R")

Parse = Callable[[type[C], object], C]


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


@frozen
class Action(Generic[C, R]):
    """A named use case as clients call it."""

    name: str
    command: type[C]
    result: type[R] | None
    handler: Callable[[Actor, C], R]
    invalid_message: str = "Invalid input"
    summary: str = ""


class Actions:
    """The registry of actions and the pipeline that runs them."""

    def __init__(self, actions: Iterable[Action[Any, Any]], parse: Parse[Any]) -> None:
        self._actions: dict[str, Action[Any, Any]] = {}
        for action in actions:
            if action.name in self._actions:
                raise ValueError(f"action {action.name!r} registered twice")
            self._actions[action.name] = action
        self._parse = parse

    @property
    def registry(self) -> Mapping[str, Action[Any, Any]]:
        return dict(self._actions)

    def parse(self, name: str, actor: Actor | None, payload: object) -> tuple[Action[Any, Any], Any]:
        """Steps 1 and 2: find the action, authenticate, validate."""
        action = self._actions.get(name)
        if action is None:
            raise UnknownAction("Unknown action")
        if actor is None:
            raise NotAuthenticated()
        try:
            command = self._parse(action.command, payload)
        except Invalid as invalid:
            raise Invalid(invalid.field_errors, action.invalid_message) from None
        return action, command

    def start(self, name: str, actor: Actor | None, payload: object) -> Result | Streaming[Any]:
        """Run one action up to its answer: a result, or, for an action whose
        answer is streamed, a ``Streaming`` that every check has passed.
        Failures on purpose never raise."""
        try:
            action, command = self.parse(name, actor, payload)
            assert actor is not None
            outcome = action.handler(actor, command)
        except ActionFailed as failed:
            return failed.failure()
        return outcome if isinstance(outcome, Streaming) else Success(outcome)

    def run(self, name: str, actor: Actor | None, payload: object) -> Result:
        """Run one action to its result, draining a streamed answer."""
        outcome = self.start(name, actor, payload)
        return outcome.complete() if isinstance(outcome, Streaming) else outcome
