"""The pages around the app: home, sign in and up (and out, without
JavaScript), the plan page, and ``POST /forms/<action>``, the plain-POST
path of any action form when JavaScript is off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import abort, redirect, render_template, request

from adapters.web.auth import clear_session_cookie, set_session_cookie
from adapters.web.envelope import STATUS
from adapters.web.pages.common import (
    blueprint,
    caller,
    check_form_post,
    failure_page,
    field_errors,
    form_payload,
    local_accounts,
    local_path,
    read,
    run_form,
    sign_in_redirect,
)
from adapters.web.routes import SESSION_ROUTES
from core.accounts import SignedIn
from core.errors import Failure
from core.pipeline import Actions, Context
from core.plans import KINDS, PlanCatalog
from core.ports import Identity
from core.resumes import RESUME_FEATURE

EMPTY = {"name": "Enter your name", "email": "Enter your email address", "password": "Enter your password"}
"""What the account forms say of a field left empty, in the forms' order."""
KIND_WORDS = {"questions": ("practice question", "practice questions"),
              "interviews": ("mock interview", "mock interviews")}


# --- signed out ------------------------------------------------------------


@blueprint.get("/")
@inject
def home(identity: Identity = Provide["identity"]) -> Any:
    if caller(identity):
        return redirect("/app", code=303)
    return render_template("home.html")


def _account_page(signing_up: bool, identity: Identity) -> Any:
    following = local_path(request.args.get("next")) or "/app"
    if caller(identity):
        return redirect(following, code=303)
    if not local_accounts():
        return sign_in_redirect()
    return render_template("sign_in.html", signing_up=signing_up, next=following, values={}, errors={},
                           empty=EMPTY)


@blueprint.get("/sign-in")
@inject
def sign_in(identity: Identity = Provide["identity"]) -> Any:
    return _account_page(False, identity)


@blueprint.get("/sign-up")
@inject
def sign_up(identity: Identity = Provide["identity"]) -> Any:
    return _account_page(True, identity)


def _open_session(signing_up: bool, actions: Actions, lifetime: timedelta) -> Any:
    if not local_accounts():
        abort(404)
    check_form_post()
    following = local_path(request.form.get("next")) or "/app"
    fields = ("name", "email", "password") if signing_up else ("email", "password")
    payload = {name: request.form.get(name, "") for name in fields}
    result = run_form(actions, None, "signUp" if signing_up else "signIn", payload)
    if isinstance(result, Failure):
        values = {k: v for k, v in payload.items() if k != "password"}
        errors = field_errors(result.field_errors, payload, EMPTY)
        page = render_template("sign_in.html", signing_up=signing_up, next=following, values=values,
                               errors=errors, message=result.message, empty=EMPTY)
        return page, STATUS[result.code]
    signed_in: SignedIn = result.data
    return set_session_cookie(redirect(following, code=303), signed_in.token, lifetime)


@blueprint.post("/sign-in")
@inject
def sign_in_form(actions: Actions = Provide["actions"],
                 lifetime: timedelta = Provide["session_lifetime"]) -> Any:
    return _open_session(False, actions, lifetime)


@blueprint.post("/sign-up")
@inject
def sign_up_form(actions: Actions = Provide["actions"],
                 lifetime: timedelta = Provide["session_lifetime"]) -> Any:
    return _open_session(True, actions, lifetime)


@blueprint.post("/sign-out")
@inject
def sign_out_form(actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]) -> Any:
    if not local_accounts():
        abort(404)
    check_form_post()
    actor = caller(identity)
    if actor is not None:
        actions.run("signOut", Context(actor, request.remote_addr), {})
    return clear_session_cookie(redirect("/sign-in", code=303))


# --- signed in -------------------------------------------------------------


def _plain_words(catalog: PlanCatalog, features: frozenset[str]) -> list[str]:
    lines = []
    for kind in KINDS:
        one, many = KIND_WORDS.get(kind, (kind, kind))
        limit = catalog.limit(features, kind)
        if limit is None:
            lines.append(f"Unlimited {many}")
        elif limit == 0:
            lines.append(f"No {many}")
        else:
            lines.append(f"{limit} {one if limit == 1 else many}")
    lines.append("Resume analysis" if RESUME_FEATURE in features else "No resume analysis")
    return lines


def _words(kind: str, count: int | None) -> str:
    one, many = KIND_WORDS.get(kind, (kind, kind))
    return one if count == 1 else many


@blueprint.get("/app/upgrade")
@inject
def upgrade(
    actions: Actions = Provide["actions"],
    identity: Identity = Provide["identity"],
    catalog: PlanCatalog = Provide["catalog"],
) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    plan = read(actions, actor, "getPlan", {})
    plans = [(name, _plain_words(catalog, features)) for name, features in catalog.plans.items()]
    usage = [(_words(u.kind, u.limit), u.used, u.limit) for u in plan.usage]
    return render_template("upgrade.html", plan=plan, plans=plans, usage=usage,
                           resume=RESUME_FEATURE in plan.features)


@blueprint.post("/forms/<name>")
@inject
def form(name: str, actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]) -> Any:
    """Any action from a plain form post (JavaScript off): CSRF-checked, run
    like ``/actions/<name>``; success goes to the form's ``next`` (a local
    path) or the result's ``redirectTo``, a failure shows its message."""
    if name in SESSION_ROUTES:
        abort(404)
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    check_form_post()
    following = local_path(request.form.get("next"))
    payload = {k: v for k, v in form_payload().items() if k != "next"}
    result = run_form(actions, actor, name, payload)
    if isinstance(result, Failure):
        return failure_page(result, following)
    target = following or local_path(getattr(result.data, "redirect_to", None)) or "/app"
    return redirect(target, code=303)


@blueprint.get("/favicon.ico")
def favicon() -> Any:
    return redirect("/assets/favicon.svg", code=301)
