"""Clerk's user object, as its webhooks deliver it and its Backend API
answers it, turned into darasa's ``Profile``: the primary email, a name from
the first and last names (else "User"), the image URL.

Also the Backend API client that reads a user on first use
(``GET /v1/users/{id}`` with the instance's secret key) and the verification
of Svix-signed webhook deliveries."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from core.user_sync import (
    DELIVERY_ID_MAX,
    USER_ID_MAX,
    Delivery,
    Profile,
    UserChanged,
    UserDeleted,
    display_name,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.clerk.com/v1"
EMAILS_MAX = 100
IMAGE_URL_MAX = 2048
RESPONSE_MAX = 1024 * 1024
SIGNATURE_HEADER_MAX = 4096
NO_PRIMARY_EMAIL = "No primary email found"


def profile_from_clerk(data: object) -> Profile | None:
    """The profile in a Clerk user object; None when it has no primary email
    or a part darasa cannot store."""
    if not isinstance(data, dict):
        return None
    user_id, emails, primary = (
        data.get("id"),
        data.get("email_addresses"),
        data.get("primary_email_address_id"),
    )
    if not isinstance(user_id, str) or not isinstance(emails, list) or not isinstance(primary, str):
        return None
    email = next(
        (e.get("email_address") for e in emails[:EMAILS_MAX] if isinstance(e, dict) and e.get("id") == primary),
        None,
    )
    if not isinstance(email, str):
        return None
    image = data.get("image_url")
    if not isinstance(image, str) or not image or len(image) > IMAGE_URL_MAX:
        image = None
    try:
        name = display_name(data.get("first_name"), data.get("last_name"))
        return Profile(id=user_id, email=email, name=name, image_url=image)
    except ValueError:
        return None


class BadDelivery(ValueError):
    """A delivery to refuse (400): unsigned, forged, stale or unusable."""


class ClerkWebhooks:
    """Verifies a delivery with the ``svix`` library (the signing secret,
    ``whsec_…``; five minutes of timestamp tolerance either way) and reads
    the user event in it."""

    def __init__(self, signing_secret: str) -> None:
        from svix.webhooks import Webhook  # imported on Clerk only, not at start-up

        self._webhook = Webhook(signing_secret)

    def delivery(self, body: bytes, headers: Mapping[str, str]) -> Delivery:
        """Raises ``BadDelivery`` with the reason."""
        from svix.webhooks import WebhookVerificationError

        lowered = {name.lower(): value for name, value in headers.items()}
        wanted = {name: lowered.get(name) or "" for name in ("svix-id", "svix-timestamp", "svix-signature")}
        if not all(wanted.values()):
            raise BadDelivery("Missing svix headers")
        if len(wanted["svix-id"]) > DELIVERY_ID_MAX or len(wanted["svix-signature"]) > SIGNATURE_HEADER_MAX:
            raise BadDelivery("Invalid svix headers")
        try:
            self._webhook.verify(body, wanted)
        except (WebhookVerificationError, ValueError, TypeError):
            # the library raises ValueError for a signature or a body it
            # cannot even decode
            raise BadDelivery("Invalid signature") from None
        try:
            event = json.loads(body)
        except (ValueError, RecursionError):
            raise BadDelivery("Body must be valid JSON") from None
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            raise BadDelivery("Not an event")
        return Delivery(wanted["svix-id"], _change(event.get("type"), event["data"]))


def _change(kind: object, data: dict[str, object]) -> UserChanged | UserDeleted | None:
    if kind in ("user.created", "user.updated"):
        profile = profile_from_clerk(data)
        if profile is None:
            raise BadDelivery(NO_PRIMARY_EMAIL)
        return UserChanged(profile)
    if kind == "user.deleted":
        user_id = data.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise BadDelivery("No user id")
        # an id longer than darasa's cannot name a user darasa has
        return UserDeleted(user_id) if len(user_id) <= USER_ID_MAX else None
    return None


class ClerkBackend:
    """Reads users from Clerk's Backend API with the instance's secret key."""

    def __init__(
        self,
        secret_key: str,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 5.0,
        http: httpx.Client | None = None,
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self._headers = {
            "Authorization": f"Bearer {secret_key}",
            "Accept": "application/json",
        }
        import httpx  # imported on Clerk only, not at start-up

        self._http = http if http is not None else httpx.Client(timeout=httpx.Timeout(timeout))

    def profile(self, user_id: str) -> Profile | None:
        import httpx

        url = f"{self._api_url}/users/{quote(user_id, safe='')}"
        try:
            with self._http.stream("GET", url, headers=self._headers) as response:
                if response.status_code != 200:
                    if response.status_code != 404:
                        log.warning(
                            "Clerk Backend API answered %s for a user",
                            response.status_code,
                        )
                    return None
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > RESPONSE_MAX:
                        log.warning("Clerk Backend API sent an oversized user")
                        return None
        except httpx.HTTPError as error:
            log.warning("Clerk Backend API unreachable: %s", error)
            return None
        try:
            return profile_from_clerk(json.loads(body))
        except (ValueError, RecursionError):
            return None
