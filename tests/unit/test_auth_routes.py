"""The auth routes through the real Flask app, its container's storage,
clock, ids, hasher and limiter replaced by the in-memory fakes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.web.credentials import SESSION_COOKIE
from core.accounts import SIGN_IN_PER_EMAIL_IP
from tests.unit.web_on_fakes import web_app_on_fakes

PASSWORD = "correct horse battery"
ADA = {"email": "ada@example.com", "password": PASSWORD, "name": "Ada Lovelace"}
SAME_ORIGIN = {"Origin": "http://localhost"}
FOREIGN_ORIGIN = {"Origin": "https://evil.example"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    with web_app_on_fakes(tmp_path) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def session_cookie(response) -> str:  # noqa: ANN001 - a werkzeug test response
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE)]
    return header


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def list_job_infos(client: FlaskClient, headers: dict[str, str]):  # noqa: ANN201
    return client.post("/actions/listJobInfos", json={}, headers=headers)


# --- signing up and in ------------------------------------------------------


def test_sign_up_answers_the_user_and_a_token_and_sets_a_safe_cookie(client: FlaskClient) -> None:
    response = client.post("/auth/sign-up", json=ADA)

    assert response.status_code == 200
    body = response.get_json()
    assert body["error"] is False
    assert set(body) == {"error", "user", "token"}
    assert set(body["user"]) == {"id", "name", "email", "imageUrl", "createdAt", "updatedAt"}
    assert (body["user"]["email"], body["user"]["name"]) == ("ada@example.com", "Ada Lovelace")
    cookie = session_cookie(response)
    assert cookie.startswith(f"{SESSION_COOKIE}={body['token']};")
    for flag in ("HttpOnly", "SameSite=Lax", "Path=/", f"Max-Age={30 * 24 * 3600}"):
        assert flag in cookie
    assert "Secure" not in cookie


def test_answers_carrying_or_ending_a_session_are_never_cached(client: FlaskClient) -> None:
    signed_up = client.post("/auth/sign-up", json=ADA)
    signed_in = client.post("/auth/sign-in", json={"email": ADA["email"], "password": ADA["password"]})
    refused = client.post("/auth/sign-in", json={"email": ADA["email"], "password": "wrong password"})
    signed_out = client.post("/auth/sign-out", headers=bearer(signed_in.get_json()["token"]))
    for response in (signed_up, signed_in, refused, signed_out):
        assert response.headers["Cache-Control"] == "no-store"


def test_the_cookie_is_secure_over_https(client: FlaskClient) -> None:
    response = client.post("/auth/sign-up", json=ADA, base_url="https://localhost")

    assert response.status_code == 200
    assert "Secure" in session_cookie(response)


def test_the_bearer_token_of_a_sign_in_calls_actions(client: FlaskClient) -> None:
    client.post("/auth/sign-up", json=ADA)
    client.delete_cookie(SESSION_COOKIE)
    signed_in = client.post("/auth/sign-in", json={"email": "ADA@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200
    client.delete_cookie(SESSION_COOKIE)

    response = list_job_infos(client, bearer(signed_in.get_json()["token"]))

    assert response.status_code == 200
    assert response.get_json() == {"error": False, "jobInfos": [], "nextCursor": None}


def test_the_session_cookie_calls_actions_from_our_own_origin(client: FlaskClient) -> None:
    client.post("/auth/sign-up", json=ADA)

    assert list_job_infos(client, SAME_ORIGIN).status_code == 200
    assert list_job_infos(client, FOREIGN_ORIGIN).status_code == 403


def test_wrong_password_and_unknown_email_get_the_same_answer(client: FlaskClient) -> None:
    client.post("/auth/sign-up", json=ADA)

    wrong = client.post("/auth/sign-in", json={"email": ADA["email"], "password": "wrong password"})
    unknown = client.post("/auth/sign-in", json={"email": "no@example.com", "password": PASSWORD})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json() == {
        "error": True,
        "code": "UNAUTHENTICATED",
        "message": "Invalid email or password",
    }
    assert not [h for h in wrong.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE)]


def test_a_taken_email_is_a_validation_error_on_the_email_field(client: FlaskClient) -> None:
    client.post("/auth/sign-up", json=ADA)

    response = client.post("/auth/sign-up", json=ADA | {"email": " Ada@Example.com"})

    assert response.status_code == 422
    assert response.get_json() == {
        "error": True,
        "code": "VALIDATION",
        "message": "Invalid input",
        "fieldErrors": {"email": ["An account with this email already exists"]},
    }


def test_repeated_sign_in_failures_are_rate_limited(client: FlaskClient) -> None:
    client.post("/auth/sign-up", json=ADA)
    wrong = {"email": ADA["email"], "password": "wrong password"}
    for _ in range(int(SIGN_IN_PER_EMAIL_IP.capacity)):
        assert client.post("/auth/sign-in", json=wrong).status_code == 401

    response = client.post("/auth/sign-in", json={"email": ADA["email"], "password": PASSWORD})

    assert response.status_code == 429
    body = response.get_json()
    assert body["code"] == "RATE_LIMIT"
    assert body["retryAfter"] >= 1
    assert response.headers["Retry-After"] == str(body["retryAfter"])


def test_another_site_cannot_sign_its_visitor_in(client: FlaskClient) -> None:
    client.post("/auth/sign-up", json=ADA)
    client.delete_cookie(SESSION_COOKIE)

    response = client.post(
        "/auth/sign-in", json={"email": ADA["email"], "password": PASSWORD}, headers=FOREIGN_ORIGIN
    )

    assert response.status_code == 403
    assert response.get_json()["code"] == "FORBIDDEN"
    assert client.get_cookie(SESSION_COOKIE) is None


@pytest.mark.parametrize(
    ("body", "content_type", "field_errors"),
    [
        (b"{not json", "application/json", {"$": ["Body must be valid JSON"]}),
        (b'["a", "list"]', "application/json", {"$": ["Must be a JSON object"]}),
        (b"", "application/json", {"email": ["Required"], "password": ["Required"], "name": ["Required"]}),
        (
            b'{"email": 5, "password": true, "name": null, "admin": true}',
            "application/json",
            {
                "admin": ["Unknown field"],
                "email": ["Must be a string"],
                "password": ["Must be a string"],
                "name": ["Must be a string"],
            },
        ),
        (b"email=a@example.com", "application/x-www-form-urlencoded", {"$": ["Body must be valid JSON"]}),
    ],
)
def test_malformed_bodies_get_the_validation_envelope(
    client: FlaskClient, body: bytes, content_type: str, field_errors: dict[str, list[str]]
) -> None:
    response = client.post("/auth/sign-up", data=body, content_type=content_type)

    assert response.status_code == 422
    assert response.get_json() == {
        "error": True,
        "code": "VALIDATION",
        "message": "Invalid input",
        "fieldErrors": field_errors,
    }


# --- signing out ------------------------------------------------------------


def test_sign_out_with_the_bearer_token_revokes_it(client: FlaskClient) -> None:
    token = client.post("/auth/sign-up", json=ADA).get_json()["token"]
    client.delete_cookie(SESSION_COOKIE)

    response = client.post("/auth/sign-out", headers=bearer(token))

    assert response.status_code == 200
    assert response.get_json() == {"error": False}
    refused = list_job_infos(client, bearer(token))
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "UNAUTHENTICATED"


def test_sign_out_with_the_cookie_revokes_it_and_clears_the_cookie(client: FlaskClient) -> None:
    token = client.post("/auth/sign-up", json=ADA).get_json()["token"]

    response = client.post("/auth/sign-out", headers=SAME_ORIGIN)

    assert response.status_code == 200
    cleared = session_cookie(response)
    assert cleared.startswith(f"{SESSION_COOKIE}=;")
    assert "Max-Age=0" in cleared
    assert client.get_cookie(SESSION_COOKIE) is None
    assert list_job_infos(client, bearer(token)).status_code == 401


def test_a_cookie_sign_out_from_another_site_is_forbidden(client: FlaskClient) -> None:
    token = client.post("/auth/sign-up", json=ADA).get_json()["token"]

    response = client.post("/auth/sign-out", headers=FOREIGN_ORIGIN)

    assert response.status_code == 403
    assert response.get_json()["code"] == "FORBIDDEN"
    assert list_job_infos(client, bearer(token)).status_code == 200


def test_signing_out_without_a_session_is_harmless(client: FlaskClient) -> None:
    assert client.post("/auth/sign-out").get_json() == {"error": False}
    assert client.post("/auth/sign-out", headers=bearer("garbage" * 100)).status_code == 200
