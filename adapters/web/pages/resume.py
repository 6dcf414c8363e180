"""The resume page of a job info: a file dropped or picked (size and type
checked in the browser first by ``static/resume.js``; the server still
decides), progress while it is analysed, then the overall score and each
category's score, summary and feedback; earlier analyses below. A plan
without resume analysis is told why, with the way to upgrade, before any
file is chosen. Without JavaScript the form is a plain multipart POST to
the page itself (CSRF-checked, read as the action reads it), then a
redirect to the analysis, or the page again with the problem at the top."""

from __future__ import annotations

import hmac
from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import abort, redirect, render_template, request

from adapters.web.converter import Unreadable
from adapters.web.credentials import same_origin
from adapters.web.envelope import STATUS
from adapters.web.pages.common import (
    CSRF_FIELD,
    blueprint,
    caller,
    csrf_token,
    failure_words,
    more_href,
    page_args,
    read,
    run_form,
    sign_in_redirect,
)
from adapters.web.uploads import UploadTooLarge, is_multipart, read_form_body
from core.domain import UPLOAD_MAX_BYTES, Actor, FeedbackType, Upload
from core.errors import DEFAULT_MESSAGES, ErrorCode, Failure
from core.pipeline import Actions
from core.ports import Identity
from core.resumes import RESUME_FEATURE

CATEGORIES = [
    ("ats", "ATS"),
    ("job_match", "Job match"),
    ("writing_and_formatting", "Writing and formatting"),
    ("keyword_coverage", "Keyword coverage"),
    ("other", "Other"),
]
KINDS = {
    FeedbackType.STRENGTH: ("Strength", "badge--excellent"),
    FeedbackType.MINOR_IMPROVEMENT: ("Minor improvement", "badge--ok"),
    FeedbackType.MAJOR_IMPROVEMENT: ("Major improvement", "badge--needs-work"),
}
ACCEPT = (".pdf,.docx,.txt,application/pdf,text/plain,"
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
FILE_FIELD = "resumeFile"
CHOOSE = "Choose your resume: a PDF, Word (.docx) or text file"


def _page(actions: Actions, actor: Actor, job_info_id: str, errors: dict[str, list[str]] | None = None,
          message: str | None = None) -> str:
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    found = read(actions, actor, "listResumeAnalyses", {"jobInfoId": job.id, **page_args()})
    plan = read(actions, actor, "getPlan", {})
    newest_first = sorted(found.analyses, key=lambda a: a.created_at, reverse=True)
    latest = newest_first[0] if newest_first and not page_args() else None
    return render_template(
        "resume.html", job_info=job, latest=latest, earlier=[a for a in newest_first if a is not latest],
        more=more_href(found.next_cursor), allowed=RESUME_FEATURE in plan.features, plan=plan.plan,
        categories=CATEGORIES, kinds=KINDS, max_bytes=UPLOAD_MAX_BYTES, accept=ACCEPT,
        errors=errors or {}, message=message,
    )


@blueprint.get("/app/job-infos/<job_info_id>/resume")
@inject
def resume(job_info_id: str, actions: Actions = Provide["actions"],
           identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    return _page(actions, actor, job_info_id)


@blueprint.post("/app/job-infos/<job_info_id>/resume")
@inject
def upload_resume(job_info_id: str, actions: Actions = Provide["actions"],
                  identity: Identity = Provide["identity"]) -> Any:
    """The form without JavaScript: multipart, with the session's CSRF token."""
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    if "Origin" in request.headers and not same_origin(request):
        abort(403)
    if not is_multipart(request):
        abort(400)
    try:
        form = read_form_body(request)
    except UploadTooLarge:
        problem = {FILE_FIELD: [DEFAULT_MESSAGES[ErrorCode.PAYLOAD_TOO_LARGE] + "."]}
        return _page(actions, actor, job_info_id, problem), STATUS[ErrorCode.PAYLOAD_TOO_LARGE]
    if isinstance(form, Unreadable):
        abort(400)
    token = form.get(CSRF_FIELD)
    if not isinstance(token, str) or not hmac.compare_digest(csrf_token(), token):
        abort(403)
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    chosen = form.get(FILE_FIELD)
    if not isinstance(chosen, Upload) or not (chosen.filename or chosen.data):
        return _page(actions, actor, job.id, {FILE_FIELD: [CHOOSE]}), STATUS[ErrorCode.VALIDATION]
    payload: dict[str, object] = {"jobInfoId": job.id, FILE_FIELD: chosen}
    result = run_form(actions, actor, "analyzeResume", payload)
    if isinstance(result, Failure):
        errors = {FILE_FIELD: [" ".join(m) for m in (result.field_errors or {}).values()] or [failure_words(result)]}
        return _page(actions, actor, job.id, errors), STATUS[result.code]
    return redirect(f"/app/job-infos/{job.id}/resume#latest-analysis", code=303)
