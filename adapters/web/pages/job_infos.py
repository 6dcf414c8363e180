"""The job info pages: the list (``/app``), the one form for a new and an
existing job info, and the job's hub with what the plan allows and uses."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import current_app, redirect, render_template, request

from adapters.web.envelope import STATUS
from adapters.web.pages.common import (
    blueprint,
    caller,
    check_form_post,
    field_errors,
    form_payload,
    more_href,
    page_args,
    read,
    run_form,
    sign_in_redirect,
)
from adapters.web.pages.interviews import VOICE_ENDPOINT
from core.domain import ExperienceLevel
from core.errors import Failure
from core.pipeline import Actions
from core.ports import Identity
from core.resumes import RESUME_FEATURE

SEARCH_MAX = 200
FIELDS = ("name", "title", "experienceLevel", "description")
EMPTY = {"name": "Enter a name for the job", "title": "", "experienceLevel": "Choose the experience level of the role",
         "description": "Enter the job description"}
"""What the form says of each field left empty, in the form's order."""
LEVELS = [(level.value, level.value.replace("_", " ").capitalize()) for level in ExperienceLevel]


@blueprint.get("/app")
@inject
def job_infos(actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    query = request.args.get("q", "").strip()[:SEARCH_MAX]
    found = read(actions, actor, "listJobInfos", {**({"query": query} if query else {}), **page_args()})
    if not found.job_infos and not query and not page_args():
        return redirect("/app/job-infos/new", code=303)
    return render_template("app.html", job_infos=found.job_infos, query=query,
                           more=more_href(found.next_cursor, q=query))


def _form(values: dict[str, Any], errors: dict[str, list[str]], job_info_id: str | None,
          message: str | None = None) -> str:
    return render_template("job_form.html", values=values, errors=errors, job_info_id=job_info_id,
                           levels=LEVELS, message=message, empty=EMPTY)


def _save(actions: Actions, identity: Identity, name: str, job_info_id: str | None) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    check_form_post()
    payload = {k: v for k, v in form_payload(optional=("title",)).items() if k in FIELDS}
    if job_info_id is not None:
        read(actions, actor, "getJobInfo", {"id": job_info_id})  # the 404 page when not the caller's
        payload["id"] = job_info_id
    result = run_form(actions, actor, name, payload)
    if isinstance(result, Failure):
        errors = field_errors({_wire(k): v for k, v in (result.field_errors or {}).items()}, request.form, EMPTY)
        return _form(dict(request.form), errors, job_info_id, result.message), STATUS[result.code]
    return redirect(result.data.redirect_to, code=303)


def _wire(field: str) -> str:
    return "experienceLevel" if field == "experience_level" else field


@blueprint.get("/app/job-infos/new")
@inject
def new_job_info(identity: Identity = Provide["identity"]) -> Any:
    if caller(identity) is None:
        return sign_in_redirect()
    return _form({}, {}, None)


@blueprint.post("/app/job-infos/new")
@inject
def create_job_info(actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]) -> Any:
    return _save(actions, identity, "createJobInfo", None)


@blueprint.get("/app/job-infos/<job_info_id>/edit")
@inject
def edit_job_info(job_info_id: str, actions: Actions = Provide["actions"],
                  identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    values = {"name": job.name, "title": job.title or "", "experienceLevel": job.experience_level.value,
              "description": job.description}
    return _form(values, {}, job.id)


@blueprint.post("/app/job-infos/<job_info_id>/edit")
@inject
def update_job_info(job_info_id: str, actions: Actions = Provide["actions"],
                    identity: Identity = Provide["identity"]) -> Any:
    return _save(actions, identity, "updateJobInfo", job_info_id)


@blueprint.get("/app/job-infos/<job_info_id>")
@inject
def job_info(job_info_id: str, actions: Actions = Provide["actions"],
             identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    found = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    ref = {"jobInfoId": found.id}
    counts = {
        "questions": _count(read(actions, actor, "listQuestions", ref), "questions"),
        "interviews": _count(read(actions, actor, "listInterviews", ref), "interviews"),
        "analyses": _count(read(actions, actor, "listResumeAnalyses", ref), "analyses"),
    }
    plan = read(actions, actor, "getPlan", {})
    return render_template("job_info.html", job_info=found, counts=counts,
                           usage={u.kind: u for u in plan.usage}, resume=RESUME_FEATURE in plan.features,
                           voice=VOICE_ENDPOINT in current_app.view_functions)


def _count(listed: Any, field: str) -> str:
    """How many of a job's records its first page shows, "50+" when there
    are more pages (what the plan allows and uses comes from ``getPlan``)."""
    shown = len(getattr(listed, field))
    return f"{shown}+" if listed.next_cursor else str(shown)
