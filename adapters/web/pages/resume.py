"""The resume page of a job info: a file dropped or picked (size and type
checked in the browser first by ``static/resume.js``; the server still
decides), progress while it is analysed, then the overall score and each
category's score, summary and feedback; earlier analyses below. A plan
without resume analysis is told why, with the way to upgrade, before any
file is chosen."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import render_template

from adapters.web.pages.common import blueprint, caller, read, sign_in_redirect
from core.domain import UPLOAD_MAX_BYTES, FeedbackType
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


@blueprint.get("/app/job-infos/<job_info_id>/resume")
@inject
def resume(job_info_id: str, actions: Actions = Provide["actions"],
           identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    analyses = read(actions, actor, "listResumeAnalyses", {"jobInfoId": job.id}).analyses
    plan = read(actions, actor, "getPlan", {})
    newest_first = sorted(analyses, key=lambda a: a.created_at, reverse=True)
    return render_template(
        "resume.html", job_info=job, latest=newest_first[0] if newest_first else None,
        earlier=newest_first[1:], allowed=RESUME_FEATURE in plan.features, plan=plan.plan,
        categories=CATEGORIES, kinds=KINDS, max_bytes=UPLOAD_MAX_BYTES, accept=ACCEPT,
    )
