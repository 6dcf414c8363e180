"""Choosing Clerk by configuration: local identity and plans by default,
Clerk's adapters with IDENTITY=clerk, and every bad Clerk setting refused at
start with a message that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.identity.clerk import ClerkIdentity
from adapters.identity.clerk_users import ClerkBackend, ClerkWebhooks
from adapters.identity.local import LocalIdentity
from adapters.plans import LocalPlans, ProvidedPlans
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings
from tests.clerk_tokens import WEBHOOK_SECRET, Issuer

ISSUER = Issuer()
CLERK = {
    "IDENTITY": "clerk",
    "CLERK_JWT_KEY": ISSUER.public_pem,
    "CLERK_SIGN_IN_URL": "https://accounts.example.com/sign-in",
}


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"DARASA_INSTANCE": str(tmp_path), **env})


def container(tmp_path: Path, **env: str) -> Container:
    return bootstrap(settings(tmp_path, **env))


def test_local_accounts_by_default(tmp_path: Path) -> None:
    wired = container(tmp_path)
    assert (wired.settings().identity, wired.settings().plans) == ("local", "local")
    assert isinstance(wired.identity(), LocalIdentity)
    assert isinstance(wired.plans(), LocalPlans)
    assert wired.clerk_webhooks() is None


def test_clerk_when_configured_and_its_plans_with_it(tmp_path: Path) -> None:
    wired = container(
        tmp_path, **CLERK, CLERK_WEBHOOK_SIGNING_SECRET=WEBHOOK_SECRET, CLERK_SECRET_KEY="sk_test_1"
    )
    assert (wired.settings().identity, wired.settings().plans) == ("clerk", "clerk")
    assert isinstance(wired.identity(), ClerkIdentity)
    assert isinstance(wired.plans(), ProvidedPlans)
    assert isinstance(wired.clerk_webhooks(), ClerkWebhooks)
    assert isinstance(wired.ensure_user().profiles, ClerkBackend)


def test_clerk_identity_with_local_plans_when_asked(tmp_path: Path) -> None:
    wired = container(tmp_path, **CLERK, PLANS="local")
    assert isinstance(wired.identity(), ClerkIdentity)
    assert isinstance(wired.plans(), LocalPlans)


def test_clerk_settings_keep_their_secrets_out_of_logs(tmp_path: Path) -> None:
    parsed = settings(
        tmp_path, **CLERK, CLERK_WEBHOOK_SIGNING_SECRET=WEBHOOK_SECRET, CLERK_SECRET_KEY="sk_test_1"
    )
    assert "sk_test_1" not in repr(parsed.clerk)
    assert WEBHOOK_SECRET not in repr(parsed.clerk)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"IDENTITY": "auth0"}, "IDENTITY"),
        ({"PLANS": "stripe"}, "PLANS"),
        ({"PLANS": "clerk"}, "PLANS=clerk needs IDENTITY=clerk"),
        ({**CLERK, "CLERK_JWT_KEY": ""}, "CLERK_JWT_KEY"),
        ({**CLERK, "CLERK_JWT_KEY": "not a key"}, "CLERK_JWT_KEY"),
        ({**CLERK, "CLERK_JWT_KEY": "", "CLERK_JWKS_URL": "ftp://x"}, "CLERK_JWKS_URL"),
        ({**CLERK, "CLERK_JWKS_URL": "http://clerk.example.com/jwks"}, "CLERK_JWKS_URL"),
        ({**CLERK, "CLERK_API_URL": "http://api.example.com"}, "CLERK_API_URL"),
        ({**CLERK, "CLERK_SIGN_IN_URL": ""}, "CLERK_SIGN_IN_URL"),
        ({**CLERK, "CLERK_SIGN_IN_URL": "javascript:alert(1)"}, "CLERK_SIGN_IN_URL"),
        ({**CLERK, "CLERK_WEBHOOK_SIGNING_SECRET": "secret"}, "CLERK_WEBHOOK_SIGNING_SECRET"),
        ({**CLERK, "CLERK_WEBHOOK_SIGNING_SECRET": "whsec_"}, "CLERK_WEBHOOK_SIGNING_SECRET"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        settings(tmp_path, **env)


def test_a_jwks_url_on_this_machine_may_be_http(tmp_path: Path) -> None:
    parsed = settings(
        tmp_path, **{**CLERK, "CLERK_JWT_KEY": "", "CLERK_JWKS_URL": "http://127.0.0.1:9/jwks"}
    )
    assert parsed.clerk is not None and parsed.clerk.jwks_url == "http://127.0.0.1:9/jwks"
