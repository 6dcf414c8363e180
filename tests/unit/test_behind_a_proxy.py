"""Behind a reverse proxy (TRUSTED_PROXIES, issue 8 finding 11): the client's
address, scheme and host come from the proxy's X-Forwarded-* headers only
when the proxy is trusted; the session cookie is then Secure over TLS, the
per-IP limit counts real clients, and the Origin check compares the scheme
too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from adapters.web.credentials import SESSION_COOKIE
from entrypoints.settings import Settings
from tests.unit.web_on_fakes import web_app_on_fakes

ADA = {"email": "ada@example.com", "password": "correct horse battery", "name": "Ada Lovelace"}
FORWARDED_TLS = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "darasa.example"}


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[FlaskClient]:
    with web_app_on_fakes(tmp_path, env={"TRUSTED_PROXIES": "1", "IP_RATE_LIMIT": "3/minute"}) as app:
        yield app.test_client()


@pytest.fixture
def direct(tmp_path: Path) -> Iterator[FlaskClient]:
    with web_app_on_fakes(tmp_path, env={"IP_RATE_LIMIT": "3/minute"}) as app:
        yield app.test_client()


def _cookie(response) -> str:  # noqa: ANN001 - a werkzeug test response
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION_COOKIE)]
    return header


def test_the_session_cookie_is_secure_behind_a_tls_proxy(behind_proxy: FlaskClient) -> None:
    signed = behind_proxy.post("/auth/sign-up", json=ADA, headers=FORWARDED_TLS)
    assert signed.status_code == 200
    assert "Secure" in _cookie(signed)


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(direct: FlaskClient) -> None:
    signed = direct.post("/auth/sign-up", json=ADA, headers=FORWARDED_TLS)
    assert signed.status_code == 200
    assert "Secure" not in _cookie(signed)
    for _ in range(2):  # with the sign-up, three: a client cannot dodge the limit by naming another address
        assert direct.get("/openapi.json", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    assert direct.get("/openapi.json", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 429


def test_the_per_ip_limit_counts_the_clients_behind_the_proxy(behind_proxy: FlaskClient) -> None:
    for _ in range(3):
        assert behind_proxy.get("/openapi.json", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    assert behind_proxy.get("/openapi.json", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert behind_proxy.get("/openapi.json", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200


def test_the_origin_check_compares_the_scheme(behind_proxy: FlaskClient) -> None:
    signed = behind_proxy.post("/auth/sign-up", json=ADA, headers=FORWARDED_TLS)
    token = signed.get_json()["token"]
    behind_proxy.set_cookie(SESSION_COOKIE, token, domain="darasa.example")
    def listed(origin: str) -> int:
        return behind_proxy.post("/actions/listJobInfos", json={}, headers={
            **FORWARDED_TLS, "X-Forwarded-For": "203.0.113.8", "Origin": origin}).status_code
    assert listed("https://darasa.example") == 200
    assert listed("http://darasa.example") == 403


def test_trusted_proxies_must_be_a_small_whole_number(tmp_path: Path) -> None:
    for bad in ("-1", "yes", "11"):
        with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
            Settings.from_env({"DARASA_INSTANCE": str(tmp_path), "SECRET_KEY": "s", "TRUSTED_PROXIES": bad})
