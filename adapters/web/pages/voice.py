"""The voice interview: a call in the browser (``static/call.js``) beside
the text interview, over sendInterviewAudio and speakInterviewTurn. It is
at ``interviews/voice``; ``interviews/new`` is the text chat, which links
here."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import render_template

from adapters.web.pages.common import blueprint, caller, read, sign_in_redirect
from core.pipeline import Actions
from core.ports import Identity, SpeechSynthesis, SpeechToText


@blueprint.get("/app/job-infos/<job_info_id>/interviews/voice")
@inject
def interview_call(
    job_info_id: str,
    actions: Actions = Provide["actions"],
    identity: Identity = Provide["identity"],
    speech_to_text: SpeechToText = Provide["speech_to_text"],
    speech_synthesis: SpeechSynthesis = Provide["speech_synthesis"],
) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    found = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    return render_template("interview_call.html", job_info=found, server_stt=speech_to_text.available,
                           server_voice=speech_synthesis.available)
