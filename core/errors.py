"""Why an action can fail: the error codes of the design and the exceptions
use cases raise to stop the pipeline.

A use case raises one of these; the pipeline turns it into a ``Failure``.
Anything else escaping a use case is a bug and becomes INTERNAL at the edge.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping

from core.records import frozen


class ErrorCode(enum.Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION = "VALIDATION"
    PLAN_LIMIT = "PLAN_LIMIT"
    RATE_LIMIT = "RATE_LIMIT"
    NOT_COMPLETED = "NOT_COMPLETED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA = "UNSUPPORTED_MEDIA"
    AI_FAILED = "AI_FAILED"
    UNAVAILABLE = "UNAVAILABLE"
    CONFLICT = "CONFLICT"
    INTERNAL = "INTERNAL"


DEFAULT_MESSAGES: Mapping[ErrorCode, str] = {
    ErrorCode.UNAUTHENTICATED: "You are not logged in",
    ErrorCode.FORBIDDEN: "You don't have permission to do this",
    ErrorCode.NOT_FOUND: "Not found",
    ErrorCode.VALIDATION: "Invalid input",
    ErrorCode.PLAN_LIMIT: "PLAN_LIMIT",
    ErrorCode.RATE_LIMIT: "RATE_LIMIT",
    ErrorCode.NOT_COMPLETED: "Interview has not been completed yet",
    ErrorCode.PAYLOAD_TOO_LARGE: "File size exceeds 10MB limit",
    ErrorCode.UNSUPPORTED_MEDIA: "Please upload a PDF, Word document, or text file",
    ErrorCode.AI_FAILED: "Failed to generate feedback",
    ErrorCode.UNAVAILABLE: "The service is temporarily unavailable",
    ErrorCode.CONFLICT: "A request with this idempotency key is still running",
    ErrorCode.INTERNAL: "Something went wrong",
}

FieldErrors = Mapping[str, list[str]]
"""Messages by field, keyed by the command's attribute names (``job_info_id``;
``$`` for the payload as a whole): the web edge renames them for the wire."""


@frozen
class Failure:
    """A refused or failed action, as the client will see it. The fields
    beyond ``code`` and ``message`` are set only by the failures they belong
    to; the edge renders them in its own vocabulary (``fieldErrors``,
    ``upgradeUrl``, ``retryAfter`` on the wire)."""

    code: ErrorCode
    message: str
    field_errors: FieldErrors | None = None
    upgrade_url: str | None = None
    retry_after: int | None = None
    """Whole seconds, at least 1."""


class ActionFailed(Exception):
    """Base of every failure a use case reports on purpose."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str | None = None) -> None:
        self.message = message or DEFAULT_MESSAGES[self.code]
        super().__init__(self.message)

    def failure(self) -> Failure:
        return Failure(self.code, self.message)


class NotAuthenticated(ActionFailed):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(ActionFailed):
    """Not yours, or does not exist: the two must look the same."""

    code = ErrorCode.FORBIDDEN


class UnknownAction(ActionFailed):
    code = ErrorCode.NOT_FOUND


class Invalid(ActionFailed):
    """The payload does not describe a valid command."""

    code = ErrorCode.VALIDATION

    def __init__(self, field_errors: FieldErrors, message: str | None = None) -> None:
        super().__init__(message)
        self.field_errors = dict(field_errors)

    def failure(self) -> Failure:
        return Failure(self.code, self.message, field_errors=self.field_errors)


class PlanLimitReached(ActionFailed):
    code = ErrorCode.PLAN_LIMIT

    def __init__(self, upgrade_url: str = "/app/upgrade") -> None:
        super().__init__(None)
        self.upgrade_url = upgrade_url

    def failure(self) -> Failure:
        return Failure(self.code, self.message, upgrade_url=self.upgrade_url)


class RateLimited(ActionFailed):
    code = ErrorCode.RATE_LIMIT

    def __init__(self, retry_after: float) -> None:
        # Whole seconds, rounded up; "never" (more than the capacity) is capped.
        seconds = max(1, math.ceil(min(retry_after, 365 * 86_400)))
        super().__init__(None)
        self.retry_after = seconds

    def failure(self) -> Failure:
        return Failure(self.code, self.message, retry_after=self.retry_after)


class NotCompleted(ActionFailed):
    code = ErrorCode.NOT_COMPLETED


class PayloadTooLarge(ActionFailed):
    code = ErrorCode.PAYLOAD_TOO_LARGE


class UnsupportedMedia(ActionFailed):
    code = ErrorCode.UNSUPPORTED_MEDIA


class AiFailed(ActionFailed):
    code = ErrorCode.AI_FAILED


class Unavailable(ActionFailed):
    code = ErrorCode.UNAVAILABLE


class OwnerMissing(Exception):
    """Raised by ``JobInfos.add`` when the user it names does not exist (the
    foreign key decides): an account deleted under a live session."""


class EmailAlreadyRegistered(Exception):
    """Raised by ``Users.add`` when the email (case-insensitively) is taken;
    a storage conflict, not an answer: the use case decides what to say."""
