"""The interview pages of a job info: the list, where a text mock interview
(and, where the voice page exists, a voice call) is started; and one
interview: while it runs, the chat (``static/interview.js``: the reply box
pinned at the bottom, Enter sends, a running timer, End); once ended, its
transcript and the coach's feedback, generated and streamed on request.
Without JavaScript every step is a plain form post that comes back here."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import current_app, render_template

from adapters.web.pages.common import NotYours, blueprint, caller, read, sign_in_redirect
from core.pipeline import Actions
from core.ports import Identity
from core.text_interviews import MESSAGE_MAX

VOICE_ENDPOINT = "pages.interview_call"
"""The voice call page's view, when the voice feature is installed."""


@blueprint.get("/app/job-infos/<job_info_id>/interviews")
@inject
def interviews(job_info_id: str, actions: Actions = Provide["actions"],
               identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    listed = read(actions, actor, "listInterviews", {"jobInfoId": job.id}).interviews
    plan = read(actions, actor, "getPlan", {})
    return render_template("interviews.html", job_info=job, interviews=listed,
                           usage={u.kind: u for u in plan.usage},
                           voice=VOICE_ENDPOINT in current_app.view_functions)


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
