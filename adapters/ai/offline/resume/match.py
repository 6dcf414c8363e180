"""Job match: the skills the job asks for, years of experience for its
level, and the job's title."""

from __future__ import annotations

import re

from adapters.ai.offline.resume.keywords import Coverage
from adapters.ai.offline.resume.reading import MAJOR, MINOR, STRENGTH, Resume, clamp, feedback_item, listed, scored
from adapters.ai.offline.resume.vocabulary import DATE_RANGE, LEADERSHIP, LEVEL_WORDS, SINCE, STATED_YEARS, YEAR_RE
from core.domain import CategoryAnalysis, ExperienceLevel, FeedbackItem, JobContext


def years_of(resume: Resume, this_year: int) -> int | None:
    """Years of experience: the most the resume states (“8 years”) or the span
    of its roles' dates, an open end (“Present”) counting as ``this_year``."""
    stated = [int(n) for n in STATED_YEARS.findall(resume.text) if 0 < int(n) <= 45]
    lines = resume.sections.get("experience") or resume.lines
    starts: list[int] = []
    ends: list[int] = []
    text = "\n".join(lines)
    for match in [*DATE_RANGE.finditer(text), *SINCE.finditer(text)]:
        start = YEAR_RE.search(match.group("start"))
        end = YEAR_RE.search(match.group("end")) if "end" in match.groupdict() else None
        if start is None:
            continue
        starts.append(int(start.group(0)))
        ends.append(int(end.group(0)) if end else max(this_year, int(start.group(0))))
    span = max(ends) - min(starts) if starts else 0
    best = max(stated + [span])
    return best if (stated or starts) else None


def _title_words(job: JobContext) -> list[str]:
    title = job.title or ""
    return [w for w in re.findall(r"[a-z][a-z+#.-]*", title.lower()) if w not in LEVEL_WORDS]


def job_match(
    job: JobContext, resume: Resume, coverage: Coverage, this_year: int
) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    points = 5 * coverage.share if coverage.wanted else 2.5
    if coverage.wanted and coverage.share >= 0.7:
        items.append(
            feedback_item(
                STRENGTH,
                "Skills overlap",
                f"You cover {len(coverage.found)} of the {len(coverage.wanted)} skills the job lists.",
            )
        )
    elif coverage.wanted:
        items.append(
            feedback_item(
                MAJOR if coverage.share < 0.4 else MINOR,
                "Skills gap",
                f"You show {len(coverage.found)} of the {len(coverage.wanted)} skills the job "
                f"lists; the gap is {listed(coverage.missing)}.",
            )
        )

    level = job.experience_level
    years = years_of(resume, this_year)
    leadership = LEADERSHIP.findall(resume.text)
    if years is None:
        points += 2 if level is not ExperienceLevel.SENIOR or len(leadership) >= 2 else 1
        items.append(
            feedback_item(
                MINOR,
                "Experience unclear",
                "Your years of experience are hard to tell: give each role dates, or say "
                "“5 years of experience” in your summary.",
            )
        )
    elif level is ExperienceLevel.SENIOR:
        if years >= 5:
            points += 3
            items.append(feedback_item(STRENGTH, "Seniority", f"About {years} years of experience fits a senior role."))
        else:
            points += 1.5 if years >= 3 else 0.5
            items.append(
                feedback_item(
                    MAJOR if years < 3 else MINOR,
                    "Seniority",
                    f"Your resume shows about {years} years of experience; senior roles usually "
                    "expect five or more. Make the scope of your work (ownership, leadership, "
                    "impact) unmistakable.",
                )
            )
        if len(leadership) < 2:
            items.append(
                feedback_item(
                    MINOR,
                    "Leadership",
                    "A senior role expects leadership: mention what you led, owned, designed or "
                    "who you mentored.",
                )
            )
    elif level is ExperienceLevel.MID_LEVEL:
        points += 3 if years >= 2 else 1.5
        if years >= 2:
            items.append(
                feedback_item(STRENGTH, "Experience level", f"About {years} years of experience fits a mid-level role.")
            )
        else:
            items.append(
                feedback_item(
                    MINOR,
                    "Experience level",
                    f"Your resume shows about {years} year{'s' if years != 1 else ''} of "
                    "experience; mid-level roles usually ask for two or more. Lead with projects "
                    "that show you working independently.",
                )
            )
    elif years <= 4:
        points += 3
        items.append(
            feedback_item(
                STRENGTH,
                "Experience level",
                "Your experience so far suits a junior role."
                if years < 1
                else f"About {years} year{'s' if years != 1 else ''} of experience suits a junior role.",
            )
        )
    else:
        points += 2.5
        items.append(
            feedback_item(
                MINOR,
                "Experience level",
                f"With about {years} years of experience you may be above this junior role; "
                "consider applying to mid-level roles too.",
            )
        )

    title_words = _title_words(job)
    phrase = " ".join(title_words)
    lowered = resume.text.lower()
    if title_words and phrase in lowered:
        points += 2
        items.append(feedback_item(STRENGTH, "Job title", f"Your resume uses the job's own title, “{phrase}”."))
    elif title_words:
        near = title_words[-1] in lowered or sum(w in lowered for w in title_words) * 2 >= len(title_words)
        points += 1 if near else 0
        items.append(
            feedback_item(
                MINOR,
                "Job title",
                f"The job title “{phrase}” does not appear in your resume. If it honestly "
                "describes your work, use it in your summary or headline.",
            )
        )
    else:
        points += 1

    score = clamp(points)
    summary = (
        "A strong match for this job."
        if score >= 8
        else "A partial match for this job."
        if score >= 5
        else "A weak match for this job as written."
    )
    if coverage.missing and coverage.wanted:
        summary = summary[:-1] + f"; the biggest gap is {listed(coverage.missing[:3])}."
    return scored(points, summary, items)
