"""A stand-in for a Clerk instance in tests: an RSA key pair made here, its
PEM and JWKS forms, session tokens signed with it, and Clerk user objects
and webhook deliveries signed with the ``svix`` library's own helper."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from svix.webhooks import Webhook

WEBHOOK_SECRET = (
    "whsec_" + base64.b64encode(b"darasa-test-webhook-secret-32byt").decode()
)


class Issuer:
    """Signs session tokens as a Clerk instance would, under key id ``kid``."""

    def __init__(self, kid: str = "ins_key_1") -> None:
        self.kid = kid
        self.private_key = rsa.generate_private_key(
            public_exponent=65537, key_size=2048
        )
        public = self.private_key.public_key()
        self.public_pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        self.jwk = {
            **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public)),
            "kid": kid,
            "use": "sig",
            "alg": "RS256",
        }

    def claims(self, sub: str, **claims: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {
            "sub": sub,
            "iat": now,
            "nbf": now - 10,
            "exp": now + 60,
            "iss": "https://clerk.example.test",
            "sid": f"sess_{uuid.uuid4().hex[:20]}",
            "azp": "http://127.0.0.1",
            "v": 2,
            "sts": "active",
        }
        base.update(claims)
        return {k: v for k, v in base.items() if v is not None}

    def token(self, sub: str = "user_2abc", **claims: Any) -> str:
        """A session token; a claim given as None is left out."""
        return jwt.encode(
            self.claims(sub, **claims),
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )


def clerk_user(
    user_id: str,
    email: str,
    first: str | None = "Amina",
    last: str | None = "Njeri",
    image_url: str | None = "https://img.clerk.com/amina.png",
) -> dict[str, Any]:
    """A Clerk user object, as webhooks and the Backend API carry it."""
    return {
        "id": user_id,
        "object": "user",
        "first_name": first,
        "last_name": last,
        "image_url": image_url,
        "primary_email_address_id": "idn_primary",
        "email_addresses": [
            {"id": "idn_other", "email_address": f"other-{email}"},
            {"id": "idn_primary", "email_address": email},
        ],
        "created_at": 1_700_000_000_000,
        "updated_at": 1_700_000_000_000,
    }


def signed_delivery(
    event: dict[str, Any],
    *,
    msg_id: str | None = None,
    at: datetime | None = None,
    secret: str = WEBHOOK_SECRET,
) -> tuple[bytes, dict[str, str]]:
    """The body and svix headers of a delivery, signed with the svix library."""
    body = json.dumps(event)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    headers = {
        "svix-id": msg_id,
        "svix-timestamp": str(int(at.timestamp())),
        "svix-signature": Webhook(secret).sign(msg_id, at, body),
    }
    return body.encode(), headers
