"""The HTTP API end to end against a real server process: accounts, the
job-info round trip, both ways of authenticating, privacy between users, and
malformed input of every kind answered with the JSON envelope."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Account, Server, sign_up

JOB = {"name": "Backend engineer", "title": "Senior Go developer", "experienceLevel": "senior",
       "description": "Distributed systems, Postgres, Kubernetes"}


def envelope(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the JSON envelope with this status (and error code)."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers.get("X-Request-Id")
    body = response.json()
    assert isinstance(body, dict)
    if code is None:
        assert body["error"] is False
    else:
        assert body["error"] is True and body["code"] == code
        assert isinstance(body["message"], str) and body["message"]
    return body


def act(client: httpx.Client, account: Account, name: str, payload: object = None, **headers: str) -> httpx.Response:
    return client.post(f"/actions/{name}", json={} if payload is None else payload,
                       headers={**account.bearer, **headers})


@pytest.fixture(scope="module")
def alice(server: Server) -> Account:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return sign_up(http, "Alice")


@pytest.fixture(scope="module")
def bob(server: Server) -> Account:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return sign_up(http, "Bob")


def test_health_check_and_openapi_document(client: httpx.Client) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers.get("X-Request-Id")
    document = client.get("/openapi.json")
    assert document.status_code == 200
    assert "/actions/createJobInfo" in document.json()["paths"]


def test_sign_up_answers_the_user_and_a_token_and_sets_the_session_cookie(client: httpx.Client) -> None:
    email = f"Grace-{uuid.uuid4().hex[:8]}@Example.com"
    response = client.post("/auth/sign-up", json={"email": email, "password": "correct horse", "name": "Grace"})
    body = envelope(response, 200)
    assert body["user"]["email"] == email.lower() and body["user"]["name"] == "Grace"
    assert body["token"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"darasa_session={body['token']}")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    again = client.post("/auth/sign-up", json={"email": email, "password": "correct horse", "name": "Grace"})
    assert "email" in envelope(again, 422, "VALIDATION")["fieldErrors"]
    wrong = client.post("/auth/sign-in", json={"email": email, "password": "wrong horse"})
    unknown = client.post("/auth/sign-in", json={"email": f"x{email}", "password": "wrong horse"})
    assert envelope(wrong, 401, "UNAUTHENTICATED") == envelope(unknown, 401, "UNAUTHENTICATED")


def test_job_info_round_trip(client: httpx.Client, alice: Account) -> None:
    created = envelope(act(client, alice, "createJobInfo", JOB), 200)
    first = created["id"]
    assert created["redirectTo"] == f"/app/job-infos/{first}"

    found = envelope(act(client, alice, "getJobInfo", {"id": first}), 200)["jobInfo"]
    assert {key: found[key] for key in JOB} == JOB
    assert found["userId"] == alice.user["id"] and found["createdAt"] == found["updatedAt"]

    second = envelope(act(client, alice, "createJobInfo", {**JOB, "name": "Data analyst", "title": None,
                                                           "description": "SQL and dashboards"}), 200)["id"]
    listed = envelope(act(client, alice, "listJobInfos"), 200)["jobInfos"]
    assert [job["id"] for job in listed] == [second, first]

    updated = envelope(act(client, alice, "updateJobInfo", {**JOB, "id": first, "experienceLevel": "mid-level"}), 200)
    assert updated == {"error": False, "id": first, "redirectTo": f"/app/job-infos/{first}"}
    listed = envelope(act(client, alice, "listJobInfos", {"query": None}), 200)["jobInfos"]
    assert [job["id"] for job in listed] == [first, second]
    assert listed[0]["experienceLevel"] == "mid-level"
    assert envelope(act(client, alice, "getJobInfo", {"id": first}), 200)["jobInfo"]["experienceLevel"] == "mid-level"

    for query, expected in [("dashboards", [second]), ("KUBERNETES", [first]), ("analyst", [second]),
                            ("nothing like it", [])]:
        listed = envelope(act(client, alice, "listJobInfos", {"query": query}), 200)["jobInfos"]
        assert [job["id"] for job in listed] == expected, query

    assert envelope(act(client, alice, "deleteJobInfo", {"id": first}), 200) == {"error": False, "redirectTo": "/app"}
    envelope(act(client, alice, "getJobInfo", {"id": first}), 403, "FORBIDDEN")
    assert envelope(act(client, alice, "deleteJobInfo", {"id": second}), 200)["redirectTo"] == "/app/job-infos/new"
    assert envelope(act(client, alice, "listJobInfos"), 200)["jobInfos"] == []


def test_cookie_calls_need_an_origin_or_referer_of_this_host(client: httpx.Client, server: Server, alice: Account) -> None:
    cookie = {"Cookie": f"darasa_session={alice.token}"}

    def call(**headers: str) -> httpx.Response:
        return client.post("/actions/listJobInfos", json={}, headers={**cookie, **headers})

    envelope(call(Origin=server.url), 200)
    envelope(call(Referer=f"{server.url}/app/job-infos/new"), 200)
    envelope(call(Origin="https://evil.example"), 403, "FORBIDDEN")
    envelope(call(Origin="null"), 403, "FORBIDDEN")
    envelope(call(Referer="https://evil.example/page"), 403, "FORBIDDEN")
    envelope(call(), 403, "FORBIDDEN")
    envelope(act(client, alice, "listJobInfos", Origin="https://evil.example"), 200)  # a bearer is not a cookie


def test_sign_out_revokes_that_session_only(client: httpx.Client, alice: Account) -> None:
    signed_in = envelope(client.post("/auth/sign-in", json={"email": alice.email, "password": alice.password}), 200)
    session = Account(signed_in["user"], signed_in["token"], alice.email, alice.password)
    envelope(act(client, session, "listJobInfos"), 200)

    out = client.post("/auth/sign-out", headers=session.bearer)
    envelope(out, 200)
    assert 'darasa_session=""' in out.headers["Set-Cookie"] or "Max-Age=0" in out.headers["Set-Cookie"]
    envelope(act(client, session, "listJobInfos"), 401, "UNAUTHENTICATED")
    envelope(act(client, alice, "listJobInfos"), 200)


def test_a_foreign_job_info_answers_exactly_as_one_that_does_not_exist(
    client: httpx.Client, alice: Account, bob: Account
) -> None:
    bobs = envelope(act(client, bob, "createJobInfo", JOB), 200)["id"]
    nobodys = str(uuid.uuid4())
    attempts = [
        ("getJobInfo", {}),
        ("updateJobInfo", {**JOB, "name": "Taken over"}),
        ("deleteJobInfo", {}),
    ]
    for name, payload in attempts:
        foreign = act(client, alice, name, {**payload, "id": bobs})
        missing = act(client, alice, name, {**payload, "id": nobodys})
        assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json()), name
        envelope(foreign, 403, "FORBIDDEN")
    assert envelope(act(client, bob, "getJobInfo", {"id": bobs}), 200)["jobInfo"]["name"] == JOB["name"]
    assert bobs not in [job["id"] for job in envelope(act(client, alice, "listJobInfos"), 200)["jobInfos"]]


def raw(client: httpx.Client, account: Account, content: bytes, action: str = "createJobInfo") -> httpx.Response:
    return client.post(f"/actions/{action}", content=content,
                       headers={**account.bearer, "Content-Type": "application/json"})


MALFORMED_BODIES = {
    "not JSON": b"name=Backend&description=x",
    "a JSON array": b'[{"name": "Backend"}]',
    "a JSON string": b'"createJobInfo"',
    "a JSON number": b"42",
    "JSON null": b"null",
    "truncated JSON": b'{"name": "Backend", ',
    "invalid UTF-8": b'{"name": "\xff\xfe\xfd", "experienceLevel": "junior", "description": "x"}',
    "a lone surrogate": b'{"name": "\\ud800", "experienceLevel": "junior", "description": "x"}',
    "deeply nested arrays": b"[" * 100_000,
    "deeply nested objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "NaN": b'{"name": NaN, "experienceLevel": "junior", "description": "x"}',
    "Infinity at the top": b"Infinity",
    "wrong types": json.dumps({"name": 5, "title": False, "experienceLevel": ["senior"],
                               "description": {"text": "x"}}).encode(),
    "a 10k-character name": json.dumps({**JOB, "name": "n" * 10_000}).encode(),
    "an unknown field": json.dumps({**JOB, "userId": "someone-else"}).encode(),
    "an unknown level": json.dumps({**JOB, "experienceLevel": "principal"}).encode(),
    "blank required fields": json.dumps({**JOB, "name": "   ", "description": ""}).encode(),
    "nothing at all": b"",
}


@pytest.mark.parametrize("content", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_a_malformed_body_is_a_validation_error(client: httpx.Client, alice: Account, content: bytes) -> None:
    body = envelope(raw(client, alice, content), 422, "VALIDATION")
    assert body["fieldErrors"] and all(isinstance(messages, list) for messages in body["fieldErrors"].values())


def test_field_errors_name_each_wire_field(client: httpx.Client, alice: Account) -> None:
    body = envelope(raw(client, alice, MALFORMED_BODIES["wrong types"]), 422, "VALIDATION")
    assert set(body["fieldErrors"]) == {"name", "title", "experienceLevel", "description"}
    assert body["message"] == "Invalid job data"
    body = envelope(raw(client, alice, MALFORMED_BODIES["an unknown field"]), 422, "VALIDATION")
    assert set(body["fieldErrors"]) == {"userId"}
    body = envelope(raw(client, alice, MALFORMED_BODIES["a 10k-character name"]), 422, "VALIDATION")
    assert set(body["fieldErrors"]) == {"name"}


def test_a_body_over_one_megabyte_is_refused_as_too_large(server: Server, alice: Account) -> None:
    # On one kept-alive connection: the server reads and drops the rest of a
    # refused body, so the client gets the answer and the connection goes on.
    headers = {**alice.bearer, "Content-Type": "application/json"}
    with httpx.Client(base_url=server.url, timeout=30) as connection:
        for content in (
            json.dumps({**JOB, "description": "d" * (1024 * 1024 + 1)}).encode(),
            b"[" * (2 * 1024 * 1024),
        ):
            envelope(connection.post("/actions/createJobInfo", content=content, headers=headers),
                     413, "PAYLOAD_TOO_LARGE")
            envelope(connection.post("/actions/listJobInfos", json={}, headers=alice.bearer), 200)


def test_refusals_before_the_payload_is_read(client: httpx.Client, alice: Account) -> None:
    envelope(client.post("/actions/createJobInfo", json=JOB), 401, "UNAUTHENTICATED")
    envelope(client.post("/actions/createJobInfo", content=b"[" * 100_000), 401, "UNAUTHENTICATED")
    envelope(client.post("/actions/createJobInfo", json=JOB, headers={"Authorization": "Bearer not-a-token"}),
             401, "UNAUTHENTICATED")
    envelope(client.post("/actions/createJobInfo", json=JOB, headers={"Authorization": f"Basic {alice.token}"}),
             401, "UNAUTHENTICATED")
    envelope(act(client, alice, "launchRockets", JOB), 404, "NOT_FOUND")
    envelope(client.post("/actions/launchRockets", json=JOB), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/actions/createJobInfo", 405),
        ("PUT", "/actions/createJobInfo", 405),
        ("DELETE", "/actions/getJobInfo", 405),
        ("GET", "/auth/sign-in", 405),
        ("POST", "/healthz", 405),
        ("GET", "/api/no/such/thing", 404),
        ("GET", "/actions", 404),
        ("POST", "/actions/", 404),
    ],
)
def test_wrong_routes_and_methods_answer_with_the_envelope(
    client: httpx.Client, alice: Account, method: str, path: str, status: int
) -> None:
    response = client.request(method, path, headers=alice.bearer)
    assert response.status_code == status
    assert "<html" not in response.text.lower()
    assert response.json()["error"] is True
    assert response.headers.get("X-Request-Id")


def test_a_malformed_auth_request_is_a_validation_error(client: httpx.Client) -> None:
    for content in (b"not json", b"[]", b'"me"', b"[" * 100_000, b'{"email": NaN, "password": "x"}'):
        envelope(client.post("/auth/sign-in", content=content), 422, "VALIDATION")
    envelope(client.post("/auth/sign-up", json={"email": "a@b.c", "password": "p" * 10, "name": "n", "admin": True}),
             422, "VALIDATION")
    envelope(client.post("/auth/sign-up", content=b"{" * 2 * 1024 * 1024), 413, "PAYLOAD_TOO_LARGE")


def test_an_offered_request_id_is_echoed_and_a_fresh_one_made_otherwise(client: httpx.Client) -> None:
    assert client.get("/healthz", headers={"X-Request-Id": "trace-123"}).headers["X-Request-Id"] == "trace-123"
    made = client.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert made and made != "<script>"
