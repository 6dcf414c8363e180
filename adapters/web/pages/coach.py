"""Which coach answers (the built-in offline one or the configured model),
for the note every practice page shows, and the short help page on
connecting a language model."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from adapters.web.pages.common import blueprint
from core.records import frozen


@frozen
class CoachNote:
    offline: bool
    model: str | None


@blueprint.app_context_processor
def _coach() -> dict[str, Any]:
    settings = current_app.container.settings()  # type: ignore[attr-defined]
    offline = settings.ai_provider == "offline"
    return {"coach": CoachNote(offline, None if offline else settings.openai_model)}


@blueprint.get("/help/ai-coach")
def coach_help() -> Any:
    return render_template("coach_help.html")
