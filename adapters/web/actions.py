"""``POST /actions/<name>``: the one endpoint behind which every action lives.

Parse the body (JSON, or multipart/form-data for files), find the caller,
hand both to the pipeline, render the result. Adding an action never means
writing another view. The actions that open or end a session are served at
their own routes (``adapters.web.routes``), not here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from dependency_injector.wiring import Provider, inject
from flask import Blueprint, Request, Response
from werkzeug.exceptions import ClientDisconnected

from adapters.web.converter import Unreadable
from adapters.web.credentials import presented, same_origin
from adapters.web.current import current_request
from adapters.web.envelope import refuse, render
from adapters.web.routes import SESSION_ROUTES
from adapters.web.streaming import event_stream, wants_events
from adapters.web.uploads import UploadTooLarge, discard_rest, is_multipart, read_form_body
from core.errors import ErrorCode
from core.pipeline import Actions, Context, Streaming
from core.ports import Identity

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

JSON_BODY_LIMIT = 1024 * 1024


def read_json_body(request: Request) -> object:
    """The request body as JSON, or ``Unreadable`` with a reason a person can
    read (the pipeline reports it as VALIDATION, after authentication)."""
    raw = _declared_body(request.environ)
    too_long = False
    if raw is None:
        length = request.content_length
        too_long = length is not None and length > JSON_BODY_LIMIT
        raw = b"" if too_long else request.stream.read(JSON_BODY_LIMIT + 1)
    if too_long or len(raw) > JSON_BODY_LIMIT:
        discard_rest(request)
        raise OverflowError
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return Unreadable("Body must be valid JSON")


def _declared_body(environ: WSGIEnvironment) -> bytes | None:
    """What ``request.stream.read(JSON_BODY_LIMIT + 1)`` reads from a request
    with a plain ``Content-Length`` within the limit and no
    ``Transfer-Encoding`` (the usual one), read as Werkzeug's
    ``get_input_stream`` and ``LimitedStream`` would, without building them
    (about 40 calls a request); None for any other request, which takes
    that path. The app's ``MAX_CONTENT_LENGTH`` is above the limit
    (``tests/unit/test_request_body.py``): its 413 cannot apply here."""
    declared = environ.get("CONTENT_LENGTH")
    if declared is None or not declared.isascii() or not declared.isdigit() or "HTTP_TRANSFER_ENCODING" in environ:
        return None
    length = int(declared)
    if length > JSON_BODY_LIMIT:
        return None
    terminated = "wsgi.input_terminated" in environ  # the server ends the stream (Werkzeug's own test)
    size = JSON_BODY_LIMIT + 1 if terminated else length
    if size == 0:
        return b""
    try:
        raw: bytes = environ["wsgi.input"].read(size)
    except (OSError, ValueError) as error:
        raise ClientDisconnected from error
    if not raw and not terminated:  # the client stopped short of its length
        raise ClientDisconnected
    return raw


@inject
def blueprint(
    make_actions: Callable[[], Actions] = Provider["actions"],
    make_identity: Callable[[], Identity] = Provider["identity"],
) -> Blueprint:
    """The endpoint, given the container's providers of the actions and the
    identity once, when the app registers it. ``@inject`` on the view would
    resolve them again on every request (about 2% of an action's
    instructions); here they are built on the first action, not at start-up,
    which loads neither (``tests/integration/test_startup_imports.py``)."""
    endpoint = Blueprint("actions", __name__)

    @cache
    def collaborators() -> tuple[Actions, Identity]:
        return make_actions(), make_identity()

    @endpoint.post("/actions/<name>")
    def run_action(name: str) -> Response:
        if name in SESSION_ROUTES:
            return refuse(ErrorCode.NOT_FOUND, "Unknown action")
        actions, identity = collaborators()
        request = current_request()
        credentials = presented(request)
        if credentials.via_cookie and not same_origin(request):
            return refuse(ErrorCode.FORBIDDEN)
        actor = identity.authenticate(credentials.token) if credentials.token else None
        try:
            if not is_multipart(request):
                payload = read_json_body(request)
            else:  # nobody's upload is read: the pipeline refuses them first
                payload = read_form_body(request) if actor is not None else {}
        except OverflowError:
            return refuse(ErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds 1MB limit")
        except UploadTooLarge:
            return refuse(ErrorCode.PAYLOAD_TOO_LARGE)
        key = request.headers.get("Idempotency-Key")
        outcome = actions.start(name, Context(actor, request.remote_addr, key), payload)
        if isinstance(outcome, Streaming):
            if wants_events(request):
                return event_stream(outcome)
            outcome = outcome.complete()
        return render(outcome)

    return endpoint
