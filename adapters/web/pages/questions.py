"""The questions page of a job info: pick a difficulty, the question
streams in (``static/stream.js``), answer it, the feedback streams in; the
earlier questions with their answers and ratings below, newest first; a
question of the user's own added with ``addQuestion``. Without JavaScript
the same forms post to ``/forms/<action>`` and come back here."""

from __future__ import annotations

import re
from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import render_template, request

from adapters.web.pages.common import blueprint, caller, more_href, page_args, read, sign_in_redirect
from core.domain import Difficulty
from core.pipeline import Actions
from core.ports import Identity
from core.questions import QUESTION_MAX, TOPIC_MAX, ListedQuestion

DIFFICULTIES = [d.value for d in Difficulty]
TITLE_MAX = 140
_MARKUP = re.compile(r"[*_`#>]+")
_TOPIC_LINE = re.compile(r"\*\*Topics?:\*\*")


def title_of(markdown: str) -> str:
    """A question's one-line title: its heading, else its first line but the
    topic line (``**Topic:** Docker``), as text."""
    lines = [line.strip() for line in markdown.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and _TOPIC_LINE.match(lines[0]):
        lines = lines[1:]
    heading = next((line for line in lines if line.startswith("#")), lines[0] if lines else "")
    words = " ".join(_MARKUP.sub("", heading).split())
    return words if len(words) <= TITLE_MAX else words[: TITLE_MAX - 1].rstrip() + "…"


def latest_rating(question: ListedQuestion) -> int | None:
    return question.answers[-1].rating if question.answers else None


@blueprint.get("/app/job-infos/<job_info_id>/questions")
@inject
def questions(job_info_id: str, actions: Actions = Provide["actions"],
              identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    job = read(actions, actor, "getJobInfo", {"id": job_info_id}).job_info
    found = read(actions, actor, "listQuestions", {"jobInfoId": job.id, **page_args()})
    plan = read(actions, actor, "getPlan", {})
    newest_first = sorted(found.questions, key=lambda q: q.created_at, reverse=True)
    first_page = not page_args()
    current = newest_first[0] if first_page and newest_first and not newest_first[0].answers else None
    earlier = [q for q in newest_first if q is not current]
    asked = request.args.get("difficulty", "")
    difficulty = asked if asked in DIFFICULTIES else (newest_first[0].difficulty.value if newest_first else "medium")
    topic = request.args.get("topic", "").strip()[:TOPIC_MAX]
    return render_template(
        "questions.html", job_info=job, current=current, earlier=earlier, difficulty=difficulty,
        difficulties=DIFFICULTIES, topic=topic, usage={u.kind: u for u in plan.usage},
        title_of=title_of, latest_rating=latest_rating, question_max=QUESTION_MAX,
        more=more_href(found.next_cursor),
    )
