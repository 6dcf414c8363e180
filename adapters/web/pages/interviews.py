"""The interview pages of a job info: the list (with none, the new one);
``interviews/new``, the mock interview as a chat before it exists, which
Begin creates and starts (with a link to the voice call at
``interviews/voice`` where that page exists); and one interview: while it
runs, the chat (``static/interview.js``: the reply box pinned at the bottom,
Enter sends, a running timer, End); once ended, its transcript and the
coach's feedback, generated and streamed on request. Without JavaScript
every step is a plain form post that comes back here."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import current_app, redirect, render_template

from adapters.web.pages.common import (
    NotYours,
    blueprint,
    caller,
    check_form_post,
    failure_page,
    more_href,
    page_args,
    read,
    run_form,
    sign_in_redirect,
)
from core.errors import Failure
from core.pipeline import Actions
from core.ports import Identity
from core.text_interviews import MESSAGE_MAX

VOICE_ENDPOINT = "pages.interview_call"
"""The voice call page's view, when the voice feature is installed."""


def _voice() -> bool:
    return VOICE_ENDPOINT in current_app.view_functions


@blueprint.get("/app/job-infos/<job_info_id>/interviews")
@inject
def interviews(job_info_id: str, actions: Actions = Provide["actions"],
               identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    found = read(actions, actor, "listInterviews", {"jobInfoId": job.id, **page_args()})
    if not found.interviews:
        return redirect(f"/app/job-infos/{job.id}/interviews/new", code=303)
    plan = read(actions, actor, "getPlan", {})
    return render_template("interviews.html", job_info=job, interviews=found.interviews,
                           usage={u.kind: u for u in plan.usage}, voice=_voice(),
                           more=more_href(found.next_cursor))


def _new_page(actions: Actions, actor: Any, job_info_id: str) -> str:
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    plan = read(actions, actor, "getPlan", {})
    return render_template("interview_new.html", job_info=job, usage={u.kind: u for u in plan.usage},
                           voice=_voice())


@blueprint.get("/app/job-infos/<job_info_id>/interviews/new")
@inject
def new_interview(job_info_id: str, actions: Actions = Provide["actions"],
                  identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    return _new_page(actions, actor, job_info_id)


@blueprint.post("/app/job-infos/<job_info_id>/interviews/new")
@inject
def begin_interview(job_info_id: str, actions: Actions = Provide["actions"],
                    identity: Identity = Provide["identity"]) -> Any:
    """Begin without JavaScript: create the interview, start it, open it."""
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    check_form_post()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    here = f"/app/job-infos/{job.id}/interviews/new"
    created = run_form(actions, actor, "createInterview", {"jobInfoId": job.id})
    if isinstance(created, Failure):
        return failure_page(created, here)
    started = run_form(actions, actor, "startInterview", {"interviewId": created.data.id})
    if isinstance(started, Failure):
        return failure_page(started, f"/app/job-infos/{job.id}/interviews/{created.data.id}")
    return redirect(f"/app/job-infos/{job.id}/interviews/{created.data.id}", code=303)


@blueprint.get("/app/job-infos/<job_info_id>/interviews/<interview_id>")
@inject
def interview(job_info_id: str, interview_id: str, actions: Actions = Provide["actions"],
              identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    found = read(actions, actor, "getInterview", {"id": interview_id}).interview
    if found.job_info_id != job.id:
        raise NotYours
    return render_template("interview.html", job_info=job, interview=found, message_max=MESSAGE_MAX)
