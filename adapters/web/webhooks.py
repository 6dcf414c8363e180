"""``POST /api/webhooks/clerk``: Clerk's user events, Svix-signed.

Outside the action pipeline: nobody signs in to send it, no Origin is
checked and the per-IP limit exempts it; the signature on the raw body
(read up to ``BODY_LIMIT``) is what lets it in. A bad delivery answers 400
and writes nothing; a repeated one answers 200 and changes nothing. Without
a signing secret configured the route answers 404.
"""

from __future__ import annotations

import logging

from dependency_injector.wiring import Provide, inject
from flask import Blueprint, Response, request

from adapters.identity.clerk_users import BadDelivery, ClerkWebhooks
from adapters.web.envelope import refuse, success
from adapters.web.uploads import discard_rest
from core.errors import ErrorCode
from core.user_sync import ApplyUserEvent, EmailTaken

blueprint = Blueprint("webhooks", __name__)
log = logging.getLogger(__name__)

BODY_LIMIT = 256 * 1024
"""Clerk's user events are a few kilobytes."""


def _bad(reason: str) -> Response:
    response = refuse(ErrorCode.VALIDATION, reason)
    response.status_code = 400
    return response


@blueprint.post("/api/webhooks/clerk")
@inject
def clerk(
    webhooks: ClerkWebhooks | None = Provide["clerk_webhooks"],
    apply: ApplyUserEvent = Provide["apply_user_event"],
) -> Response:
    if webhooks is None:
        return refuse(ErrorCode.NOT_FOUND, "Unknown route")
    too_long = request.content_length is not None and request.content_length > BODY_LIMIT
    body = b"" if too_long else request.stream.read(BODY_LIMIT + 1)
    if too_long or len(body) > BODY_LIMIT:
        discard_rest(request)
        return refuse(ErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds 256KB limit")
    try:
        delivery = webhooks.delivery(body, dict(request.headers))
    except BadDelivery as bad:
        log.warning("Clerk webhook refused: %s", bad)
        return _bad(str(bad))
    try:
        apply(delivery)
    except EmailTaken:
        # another user still has the email: Svix retries, by when the
        # deletion that frees it has arrived
        return refuse(ErrorCode.CONFLICT, "Another user has this email")
    return success()
