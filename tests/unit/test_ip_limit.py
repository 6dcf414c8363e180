"""The per-client-IP limit: its setting (IP_RATE_LIMIT), and the middleware
through the real Flask app on the in-memory fakes with a fake clock: 100
requests a minute per IP on every route but the webhooks, then the
RATE_LIMIT envelope with retryAfter and Retry-After."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.fakes import FakeClock
from adapters.web.ip_limit import IpLimit
from tests.unit.web_on_fakes import web_app_on_fakes

LIMIT = 100
ALICE_IP, BOB_IP = "203.0.113.7", "198.51.100.23"


# --- the setting ------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "limit", "window"),
    [
        ("100/minute", 100, 60),
        ("5/second", 5, 1),
        ("1000/hour", 1000, 3600),
        ("20000/day", 20000, 86400),
        ("30/minutes", 30, 60),
        (" 7 / Minute ", 7, 60),
    ],
)
def test_a_limit_is_requests_per_unit_of_time(spec: str, limit: int, window: float) -> None:
    assert IpLimit.parse(spec) == IpLimit(limit, window)


@pytest.mark.parametrize("spec", ["off", "OFF", " Off "])
def test_off_means_no_limit(spec: str) -> None:
    assert IpLimit.parse(spec) is None


@pytest.mark.parametrize(
    "spec",
    ["", "100", "/minute", "0/minute", "-1/minute", "1.5/minute", "ten/minute", "100/fortnight",
     "100 per minute", "100/minute/2", "none", "false"],
)
def test_anything_else_is_refused_with_a_message(spec: str) -> None:
    with pytest.raises(ValueError, match="IP_RATE_LIMIT"):
        IpLimit.parse(spec)


# --- the middleware ---------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(tmp_path: Path, clock: FakeClock) -> Iterator[Callable[[str], Flask]]:
    with ExitStack() as apps:

        def make(spec: str = "100/minute") -> Flask:
            return apps.enter_context(web_app_on_fakes(tmp_path, clock, {"IP_RATE_LIMIT": spec}))

        yield make


@pytest.fixture
def client(make_app: Callable[[str], Flask]) -> FlaskClient:
    return make_app("100/minute").test_client()


def get(client: FlaskClient, ip: str, path: str = "/openapi.json"):  # noqa: ANN201 - a werkzeug test response
    return client.get(path, environ_base={"REMOTE_ADDR": ip})


def use_up(client: FlaskClient, ip: str) -> None:
    for number in range(1, LIMIT + 1):
        response = get(client, ip)
        assert response.status_code == 200, f"request {number}: {response.get_json()}"


def assert_rate_limited(response, window: int = 60) -> int:  # noqa: ANN001 - a werkzeug test response
    """The RATE_LIMIT envelope; answers its retryAfter (a sliding window
    frees room within two windows at most)."""
    assert response.status_code == 429
    body = response.get_json()
    assert body["error"] is True and body["code"] == "RATE_LIMIT" and body["message"]
    retry_after = body["retryAfter"]
    assert isinstance(retry_after, int) and 0 < retry_after <= 2 * window
    assert response.headers["Retry-After"] == str(retry_after)
    return retry_after


def test_the_101st_request_in_a_minute_from_one_ip_is_refused(client: FlaskClient) -> None:
    use_up(client, ALICE_IP)

    assert_rate_limited(get(client, ALICE_IP))


def test_every_route_counts_against_the_same_limit(client: FlaskClient) -> None:
    use_up(client, ALICE_IP)

    for refused in (
        client.post("/actions/listJobInfos", json={}, environ_base={"REMOTE_ADDR": ALICE_IP}),
        client.post("/auth/sign-in", json={"email": "a@example.com", "password": "x" * 12},
                    environ_base={"REMOTE_ADDR": ALICE_IP}),
        get(client, ALICE_IP, "/openapi.json"),
        get(client, ALICE_IP, "/no/such/page"),
    ):
        assert_rate_limited(refused)


def test_the_health_routes_are_never_limited(client: FlaskClient) -> None:
    use_up(client, ALICE_IP)

    assert get(client, ALICE_IP, "/livez").status_code == 200
    assert get(client, ALICE_IP, "/healthz").status_code == 200


def test_another_ip_is_unaffected(client: FlaskClient) -> None:
    use_up(client, ALICE_IP)
    assert_rate_limited(get(client, ALICE_IP))

    use_up(client, BOB_IP)


def test_webhooks_are_exempt_and_do_not_count(client: FlaskClient) -> None:
    use_up(client, ALICE_IP)
    webhook = client.post("/api/webhooks/clerk", json={}, environ_base={"REMOTE_ADDR": ALICE_IP})
    assert webhook.status_code != 429

    for _ in range(2 * LIMIT):
        webhook = client.post("/api/webhooks/clerk", json={}, environ_base={"REMOTE_ADDR": BOB_IP})
        assert webhook.status_code != 429
    use_up(client, BOB_IP)


def test_a_refused_client_is_allowed_again_once_it_waited_retry_after(
    client: FlaskClient, clock: FakeClock
) -> None:
    use_up(client, ALICE_IP)
    retry_after = assert_rate_limited(get(client, ALICE_IP))

    clock.advance(retry_after - 1)
    assert_rate_limited(get(client, ALICE_IP))
    clock.advance(1)
    assert get(client, ALICE_IP).status_code == 200


def test_after_two_quiet_windows_a_full_minute_of_requests_is_allowed_again(
    client: FlaskClient, clock: FakeClock
) -> None:
    use_up(client, ALICE_IP)
    assert_rate_limited(get(client, ALICE_IP))

    clock.advance(2 * 60)

    use_up(client, ALICE_IP)
    assert_rate_limited(get(client, ALICE_IP))


def test_refused_requests_do_not_count(client: FlaskClient, clock: FakeClock) -> None:
    use_up(client, ALICE_IP)
    retry_after = assert_rate_limited(get(client, ALICE_IP))
    for _ in range(3 * LIMIT):
        assert get(client, ALICE_IP).status_code == 429

    clock.advance(retry_after)

    assert get(client, ALICE_IP).status_code == 200


def test_a_limit_per_second_is_its_own_window(make_app: Callable[[str], Flask], clock: FakeClock) -> None:
    client = make_app("5/second").test_client()
    for _ in range(5):
        assert get(client, ALICE_IP).status_code == 200
    retry_after = assert_rate_limited(get(client, ALICE_IP), window=1)

    clock.advance(retry_after)

    assert get(client, ALICE_IP).status_code == 200


def test_off_lets_every_request_through(make_app: Callable[[str], Flask]) -> None:
    client = make_app("off").test_client()

    for _ in range(3 * LIMIT):
        assert get(client, ALICE_IP).status_code == 200


def test_a_bad_setting_stops_the_app_from_starting(make_app: Callable[[str], Flask]) -> None:
    with pytest.raises(ValueError, match="IP_RATE_LIMIT"):
        make_app("100 a minute")
