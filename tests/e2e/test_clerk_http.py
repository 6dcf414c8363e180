"""darasa on Clerk, end to end: a real server with the Clerk settings, session
tokens minted with a locally generated key, webhook deliveries signed by the
svix library itself, and the database read after each."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.clerk_tokens import WEBHOOK_SECRET, Issuer, clerk_user, signed_delivery
from tests.e2e.conftest import Server, cookieless_client, envelope, running_server
from tests.integration.fake_clerk import SECRET_KEY, FakeClerk

ISSUER = Issuer()
SIGN_IN_URL = "https://accounts.example.test/sign-in"
JOB = {"name": "Backend engineer", "title": "Senior Go developer", "experienceLevel": "senior",
       "description": "Distributed systems, Postgres, Kubernetes"}
API_USER = "user_2fromapi"


@pytest.fixture(scope="module")
def fake_clerk() -> Iterator[FakeClerk]:
    with FakeClerk(users={API_USER: clerk_user(API_USER, "api-user@example.com")}) as clerk:
        yield clerk


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake_clerk: FakeClerk) -> Iterator[Server]:
    with running_server(
        tmp_path_factory.mktemp("instance-clerk"),
        IDENTITY="clerk",
        CLERK_JWT_KEY=ISSUER.public_pem,
        CLERK_AUTHORIZED_PARTIES="http://127.0.0.1",
        CLERK_WEBHOOK_SIGNING_SECRET=WEBHOOK_SECRET,
        CLERK_SECRET_KEY=SECRET_KEY,
        CLERK_API_URL=fake_clerk.api_url,
        CLERK_SIGN_IN_URL=SIGN_IN_URL,
    ) as running:
        yield running


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with cookieless_client(server) as http:
        yield http


def rows(server: Server, query: str, *args: object) -> list[tuple[object, ...]]:
    """What the server's database holds now."""
    with sqlite3.connect(Path(server.log.parent) / "darasa.sqlite3") as db:
        return db.execute(query, args).fetchall()


def user_row(server: Server, user_id: str) -> tuple[object, ...] | None:
    found = rows(server, "SELECT id, email, name, image_url FROM users WHERE id = ?", user_id)
    return found[0] if found else None


def deliver(client: httpx.Client, event: dict[str, object], **signing: object) -> httpx.Response:
    body, headers = signed_delivery(event, **signing)  # type: ignore[arg-type]
    return client.post("/api/webhooks/clerk", content=body,
                       headers={**headers, "Content-Type": "application/json"})


def created(user_id: str, email: str, kind: str = "user.created", **changes: object) -> dict[str, object]:
    return {"type": kind, "object": "event", "data": {**clerk_user(user_id, email), **changes}}


def bearer(user_id: str, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.token(user_id, **claims)}"}


def new_id() -> str:
    return f"user_2{uuid.uuid4().hex[:20]}"


def test_webhooks_create_update_and_delete_the_user_with_everything_they_own(
    client: httpx.Client, server: Server
) -> None:
    user_id = new_id()
    envelope(deliver(client, created(user_id, "Amina@Example.com")))
    assert user_row(server, user_id) == (user_id, "amina@example.com", "Amina Njeri",
                                         "https://img.clerk.com/amina.png")

    envelope(deliver(client, created(user_id, "amina.n@example.com", "user.updated",
                                     first_name=None, last_name=None, image_url=None)))
    assert user_row(server, user_id) == (user_id, "amina.n@example.com", "User", None)

    job = envelope(client.post("/actions/createJobInfo", json=JOB, headers=bearer(user_id)))
    assert rows(server, "SELECT user_id FROM job_infos WHERE id = ?", job["id"]) == [(user_id,)]

    envelope(deliver(client, {"type": "user.deleted", "data": {"id": user_id, "deleted": True}}))
    assert user_row(server, user_id) is None
    assert rows(server, "SELECT id FROM job_infos WHERE user_id = ?", user_id) == []


def test_a_redelivery_changes_nothing(client: httpx.Client, server: Server) -> None:
    user_id = new_id()
    first = f"msg_{uuid.uuid4().hex}"
    envelope(deliver(client, created(user_id, "first@example.com"), msg_id=first))
    envelope(deliver(client, created(user_id, "second@example.com", "user.updated")))
    # Svix retries with the same id and a fresh timestamp and signature
    envelope(deliver(client, created(user_id, "first@example.com"), msg_id=first))
    assert user_row(server, user_id)[1] == "second@example.com"  # type: ignore[index]


def test_forged_stale_or_unusable_deliveries_answer_400_and_write_nothing(
    client: httpx.Client, server: Server
) -> None:
    user_id = new_id()
    forged = deliver(client, created(user_id, "f@example.com"),
                     secret="whsec_" + "Zm9yZ2VkLXNlY3JldC1mb3ItdGVzdHMtMzJieXRlcw==")
    envelope(forged, 400, "VALIDATION")
    old = datetime.now(UTC) - timedelta(minutes=6)
    envelope(deliver(client, created(user_id, "f@example.com"), at=old), 400, "VALIDATION")
    no_primary = created(user_id, "f@example.com", primary_email_address_id="idn_gone")
    envelope(deliver(client, no_primary), 400, "VALIDATION")
    unsigned = client.post("/api/webhooks/clerk", json=created(user_id, "f@example.com"))
    envelope(unsigned, 400, "VALIDATION")
    assert user_row(server, user_id) is None
    # the same delivery, properly signed, still goes through afterwards
    envelope(deliver(client, created(user_id, "f@example.com")))
    assert user_row(server, user_id) is not None


def test_an_oversized_delivery_is_refused_unread(client: httpx.Client, server: Server) -> None:
    user_id = new_id()
    huge = created(user_id, "huge@example.com", padding="x" * 300_000)
    envelope(deliver(client, huge), 413, "PAYLOAD_TOO_LARGE")
    assert user_row(server, user_id) is None


def test_other_event_types_are_acknowledged_and_ignored(client: httpx.Client, server: Server) -> None:
    before = rows(server, "SELECT count(*) FROM users")
    envelope(deliver(client, {"type": "session.created", "data": {"id": "sess_1"}}))
    assert rows(server, "SELECT count(*) FROM users") == before


def test_only_a_valid_token_signs_in(client: httpx.Client) -> None:
    user_id = new_id()
    envelope(client.post("/actions/listJobInfos", json={}, headers=bearer(
        user_id, email=f"{user_id}@example.com", name="Claims User")))
    for headers in (bearer(user_id, exp=1), bearer(user_id, sts="pending"),
                    bearer(user_id, azp="https://evil.example"),
                    {"Authorization": f"Bearer {Issuer().token(user_id)}"}):
        envelope(client.post("/actions/listJobInfos", json={}, headers=headers), 401, "UNAUTHENTICATED")


def test_a_signed_in_user_not_yet_delivered_is_created_on_first_use(
    client: httpx.Client, server: Server, fake_clerk: FakeClerk
) -> None:
    envelope(client.post("/actions/createJobInfo", json=JOB, headers=bearer(API_USER)))
    assert user_row(server, API_USER) == (API_USER, "api-user@example.com", "Amina Njeri",
                                          "https://img.clerk.com/amina.png")
    # and a racing delivery of the same user makes no second one
    envelope(deliver(client, created(API_USER, "api-user@example.com")))
    assert rows(server, "SELECT count(*) FROM users WHERE email = ?", "api-user@example.com") == [(1,)]
    # a user Clerk does not know is nobody
    envelope(client.post("/actions/listJobInfos", json={}, headers=bearer(new_id())), 401, "UNAUTHENTICATED")


def test_the_session_cookie_signs_in_from_our_own_origin(client: httpx.Client, server: Server) -> None:
    user_id = new_id()
    envelope(deliver(client, created(user_id, f"{user_id}@example.com")))
    cookie = {"Cookie": f"__session={ISSUER.token(user_id)}"}
    envelope(client.post("/actions/listJobInfos", json={}, headers={**cookie, "Origin": server.url}))
    envelope(client.post("/actions/listJobInfos", json={},
                         headers={**cookie, "Origin": "https://evil.example"}), 403, "FORBIDDEN")
    page = client.get("/app", headers=cookie)
    assert page.status_code == 303 and page.headers["Location"] == "/app/job-infos/new"  # none yet
    assert client.get("/app/job-infos/new", headers=cookie).status_code == 200


def test_local_accounts_are_not_part_of_a_clerk_deployment(client: httpx.Client) -> None:
    for path in ("/auth/sign-up", "/auth/sign-in"):
        envelope(client.post(path, json={"email": "a@example.com", "password": "pw-123456789",
                                         "name": "A"}), 404, "NOT_FOUND")


@pytest.mark.parametrize("path", ["/app", "/sign-in", "/sign-up"])
def test_pages_send_a_signed_out_visitor_to_clerk(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"] == SIGN_IN_URL


def test_the_home_page_offers_signing_in_with_clerk_only(client: httpx.Client) -> None:
    home = client.get("/")
    assert home.status_code == 200 and 'href="/app"' in home.text
    assert 'href="/sign-up"' not in home.text and 'action="/sign-out"' not in home.text


def test_deliveries_are_not_held_to_the_per_ip_limit(tmp_path: Path) -> None:
    with running_server(tmp_path, IP_RATE_LIMIT="2/minute", IDENTITY="clerk",
                        CLERK_JWT_KEY=ISSUER.public_pem, CLERK_WEBHOOK_SIGNING_SECRET=WEBHOOK_SECRET,
                        CLERK_SIGN_IN_URL=SIGN_IN_URL) as limited, cookieless_client(limited) as http:
        for _ in range(4):
            envelope(deliver(http, created(new_id(), f"{uuid.uuid4().hex}@example.com")))
        statuses = [http.post("/actions/listJobInfos", json={}).status_code for _ in range(3)]
        assert statuses[-1] == 429
        envelope(deliver(http, created(new_id(), f"{uuid.uuid4().hex}@example.com")))


def test_plan_features_come_from_the_token(client: httpx.Client, server: Server) -> None:
    """The done-when of the issue: a token for u:unlimited_interviews creates
    interviews beyond the free allowance; one without it gets PLAN_LIMIT."""
    free, pro = new_id(), new_id()
    for user_id in (free, pro):
        envelope(deliver(client, created(user_id, f"{user_id}@example.com")))
    free_claims = {"fea": "u:1_interview,u:5_questions", "pla": "u:free"}
    pro_claims = {"fea": "u:unlimited_interviews,u:unlimited_questions", "pla": "u:pro"}
    org_only = {"fea": "o:unlimited_interviews,u:1_interview", "pla": "o:team"}

    assert envelope(client.post("/actions/getPlan", json={}, headers=bearer(pro, **pro_claims))) == {
        "error": False, "plan": "pro", "features": ["unlimited_interviews", "unlimited_questions"],
        "usage": [{"kind": "interviews", "used": 0, "limit": None}, {"kind": "questions", "used": 0, "limit": None}],
    }
    assert envelope(client.post("/actions/getPlan", json={}, headers=bearer(free, **org_only))) == {
        "error": False, "plan": "free", "features": ["1_interview"],
        "usage": [{"kind": "interviews", "used": 0, "limit": 1}, {"kind": "questions", "used": 0, "limit": 0}],
    }

    def interviews(user_id: str, claims: dict[str, str], count: int) -> list[httpx.Response]:
        job = envelope(client.post("/actions/createJobInfo", json=JOB, headers=bearer(user_id, **claims)))
        return [client.post("/actions/createInterview", json={"jobInfoId": job["id"]},
                            headers=bearer(user_id, **claims)) for _ in range(count)]

    for answer in interviews(pro, pro_claims, 3):
        envelope(answer)
    first, second = interviews(free, free_claims, 2)
    envelope(first)
    assert envelope(second, 403, "PLAN_LIMIT")["upgradeUrl"]
    # the organisation's unlimited_interviews is not the user's
    envelope(interviews(free, org_only, 1)[0], 403, "PLAN_LIMIT")
