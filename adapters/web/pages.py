"""The HTML pages: server-rendered, over the same use cases as the API.

Every page reads through ``Actions.run`` with the caller from the session
cookie (or a bearer token), never through storage; forms post to
``/actions/<name>`` or ``/auth/*`` with ``static/app.js``. Text from users
and from the coach is either escaped by Jinja or rendered with
``adapters.web.markdown.render``, which sanitises it. A signed-out visitor
is sent to the sign-in page (the app's ``SIGN_IN_URL``: /sign-in, or
Clerk's); a record that is missing or someone else's gives the
same 404 page.
"""

from __future__ import annotations

import logging
from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import Blueprint, Response, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.web import markdown
from adapters.web.credentials import presented
from adapters.web.envelope import STATUS
from core.domain import Actor, ExperienceLevel
from core.errors import ErrorCode, Failure
from core.pipeline import Actions, Context
from core.plans import PlanCatalog
from core.ports import Identity, SpeechSynthesis, SpeechToText

blueprint = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

log = logging.getLogger(__name__)

SEARCH_MAX = 200
LOCAL_SIGN_IN = "/sign-in"
NOT_MINE = {ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.VALIDATION}
"""What a read of a record answers when the id names nothing of the caller's."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class PageFailed(Exception):
    """A read a page needs failed for another reason than the record."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class NotYours(Exception):
    """The record is missing or someone else's: the 404 page."""


@blueprint.app_template_filter("markdown")
def markdown_filter(text: str | None) -> Any:
    return markdown.render(text or "")


@blueprint.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "pages.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(NotYours)
def _not_found(_: NotYours) -> tuple[str, int]:
    return render_template("not_found.html"), 404


@blueprint.errorhandler(PageFailed)
def _page_failed(failed: PageFailed) -> tuple[str, int]:
    return render_template("error.html", message=failed.failure.message), STATUS[failed.failure.code]


@blueprint.errorhandler(Exception)
def _unexpected(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return error
    log.exception("page failed, requestId=%s", g.get("request_id"))
    return render_template("error.html", message="Something went wrong",
                           request_id=g.get("request_id", "")), 500


def _actor(identity: Identity) -> Actor | None:
    token = presented(request).token
    return identity.authenticate(token) if token else None


def _sign_in() -> WerkzeugResponse:
    return redirect(current_app.config.get("SIGN_IN_URL", LOCAL_SIGN_IN), code=303)


def _local_accounts() -> bool:
    return current_app.config.get("SIGN_IN_URL", LOCAL_SIGN_IN) == LOCAL_SIGN_IN


def _read(actions: Actions, actor: Actor, name: str, payload: dict[str, Any]) -> Any:
    """The data of a read, or the 404 page when the record is not the
    caller's, or the error page."""
    result = actions.run(name, Context(actor, request.remote_addr), payload)
    if isinstance(result, Failure):
        if result.code in NOT_MINE:
            raise NotYours
        raise PageFailed(result)
    return result.data


# --- signed out ------------------------------------------------------------


@blueprint.get("/")
@inject
def home(identity: Identity = Provide["identity"]) -> WerkzeugResponse:
    return redirect("/app", code=303) if _actor(identity) else _sign_in()


@blueprint.get("/sign-in")
@inject
def sign_in(identity: Identity = Provide["identity"]) -> Any:
    if _actor(identity):
        return redirect("/app", code=303)
    if not _local_accounts():
        return _sign_in()
    return render_template("sign_in.html", signing_up=False)


@blueprint.get("/sign-up")
@inject
def sign_up(identity: Identity = Provide["identity"]) -> Any:
    if _actor(identity):
        return redirect("/app", code=303)
    if not _local_accounts():
        return _sign_in()
    return render_template("sign_in.html", signing_up=True)


# --- signed in -------------------------------------------------------------


@blueprint.get("/app")
@inject
def job_infos(
    actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]
) -> Any:
    actor = _actor(identity)
    if actor is None:
        return _sign_in()
    query = request.args.get("q", "").strip()[:SEARCH_MAX]
    found = _read(actions, actor, "listJobInfos", {"query": query} if query else {})
    return render_template("app.html", job_infos=found.job_infos, query=query)


@blueprint.get("/app/job-infos/new")
@inject
def new_job_info(identity: Identity = Provide["identity"]) -> Any:
    if _actor(identity) is None:
        return _sign_in()
    return render_template("new_job_info.html", levels=[level.value for level in ExperienceLevel])


@blueprint.get("/app/job-infos/<job_info_id>")
@inject
def job_info(
    job_info_id: str,
    actions: Actions = Provide["actions"],
    identity: Identity = Provide["identity"],
) -> Any:
    actor = _actor(identity)
    if actor is None:
        return _sign_in()
    found = _read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    ref = {"jobInfoId": found.id}
    questions = _read(actions, actor, "listQuestions", ref).questions
    listed = _read(actions, actor, "listInterviews", ref).interviews
    interviews = [_read(actions, actor, "getInterview", {"id": i.id}).interview for i in listed]
    analyses = _read(actions, actor, "listResumeAnalyses", ref).analyses
    return render_template(
        "job_info.html",
        job_info=found,
        questions=questions,
        interviews=interviews,
        analyses=analyses,
        categories=CATEGORIES,
    )


@blueprint.get("/app/job-infos/<job_info_id>/interviews/new")
@inject
def interview_call(
    job_info_id: str,
    actions: Actions = Provide["actions"],
    identity: Identity = Provide["identity"],
    speech_to_text: SpeechToText = Provide["speech_to_text"],
    speech_synthesis: SpeechSynthesis = Provide["speech_synthesis"],
) -> Any:
    """The voice interview: a call in the browser (static/call.js)."""
    actor = _actor(identity)
    if actor is None:
        return _sign_in()
    found = _read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    return render_template("interview_call.html", job_info=found, server_stt=speech_to_text.available,
                           server_voice=speech_synthesis.available)


CATEGORIES = [
    ("ats", "ATS"),
    ("job_match", "Job match"),
    ("writing_and_formatting", "Writing and formatting"),
    ("keyword_coverage", "Keyword coverage"),
    ("other", "Other"),
]


@blueprint.get("/app/upgrade")
@inject
def upgrade(
    actions: Actions = Provide["actions"],
    identity: Identity = Provide["identity"],
    catalog: PlanCatalog = Provide["catalog"],
) -> Any:
    actor = _actor(identity)
    if actor is None:
        return _sign_in()
    plan = _read(actions, actor, "getPlan", {})
    plans = [(name, sorted(features)) for name, features in catalog.plans.items()]
    return render_template("upgrade.html", plan=plan, plans=plans)
