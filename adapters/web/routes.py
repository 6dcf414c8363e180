"""Where each action is served: ``POST /actions/<name>``, except the public
actions of local accounts, which have their own routes because the web layer
sets or clears the session cookie around them (``adapters.web.auth``)."""

from __future__ import annotations

SESSION_ROUTES = {
    "signUp": "/auth/sign-up",
    "signIn": "/auth/sign-in",
    "signOut": "/auth/sign-out",
}
"""The actions served by ``adapters.web.auth``, by name."""


def path_of(action: str) -> str:
    return SESSION_ROUTES.get(action, f"/actions/{action}")
