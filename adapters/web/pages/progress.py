"""The progress page: the user's practice over time as charts (pygal,
inline SVG that the CSP allows: ``adapters.web.charts``), each with its
numbers in a table; the weakest topics, each with a button that asks for a
question on it (a plain form to ``generateQuestion``, with or without
JavaScript)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import render_template
from markupsafe import Markup

from adapters.web import charts
from adapters.web.pages.common import blueprint, caller, read, sign_in_redirect
from core.pipeline import Actions
from core.ports import Identity
from core.progress import Progress

RESUME_SERIES = [
    ("Overall", "overall"), ("ATS", "ats"), ("Job match", "job_match"),
    ("Writing", "writing_and_formatting"), ("Keywords", "keyword_coverage"), ("Other", "other"),
]
"""A resume analysis' scores as the chart names them, and their attribute."""


def short_day(moment: date | datetime) -> str:
    return f"{moment.day} {moment.strftime('%b')}"


def _when(moment: datetime, days: Counter[str]) -> str:
    """The day, with the time when there is more than one on that day."""
    day = short_day(moment)
    return f"{day} {moment:%H:%M}" if days[day] > 1 else day


def _both(draw: Callable[[int], Markup]) -> Markup:
    """A chart that spans the page, wide and narrow (the CSS shows one)."""
    return draw(charts.WIDE) + draw(charts.NARROW)


def _charts(progress: Progress) -> dict[str, Markup]:
    drawn: dict[str, Markup] = {}
    if progress.by_day:
        days = [short_day(date.fromisoformat(d.day)) for d in progress.by_day]
        averages = [("Average rating", [d.average for d in progress.by_day])]
        drawn["days"] = _both(lambda width: charts.line(days, averages, "days-title", width=width))
    if progress.by_topic:
        drawn["topics"] = charts.bars([t.topic for t in progress.by_topic], [t.average for t in progress.by_topic],
                                      "topics-title", horizontal=True)
    if progress.by_difficulty:
        drawn["difficulty"] = charts.bars([d.difficulty.value.capitalize() for d in progress.by_difficulty],
                                          [d.average for d in progress.by_difficulty], "difficulty-title")
    if progress.interview_categories:
        categories = [c.category for c in progress.interview_categories]
        averages_of = [c.average for c in progress.interview_categories]
        drawn["categories"] = _both(
            lambda width: charts.bars(categories, averages_of, "categories-title", horizontal=True, width=width)
        )
    if progress.resumes:
        per_day = Counter(short_day(r.created_at) for r in progress.resumes)
        labels = [_when(r.created_at, per_day) for r in progress.resumes]
        series = [(name, [getattr(r, attribute) for r in progress.resumes]) for name, attribute in RESUME_SERIES]
        drawn["resumes"] = _both(lambda width: charts.line(labels, series, "resumes-title", legend=True, width=width))
    return drawn


@blueprint.get("/app/progress")
@inject
def progress(actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]) -> Any:
    actor = caller(identity)
    if actor is None:
        return sign_in_redirect()
    found: Progress = read(actions, actor, "getProgress", {})
    return render_template("progress.html", progress=found, charts=_charts(found), short_day=short_day,
                           resume_series=RESUME_SERIES, bands=[name for name, _ in charts.BANDS])
