"""Smaller issues: repeated words, inconsistent dates and bullets, personal
details, a references line, dense paragraphs and missing work samples."""

from __future__ import annotations

from adapters.ai.offline.resume.keywords import Coverage
from adapters.ai.offline.resume.reading import MINOR, STRENGTH, Resume, feedback_item, listed, quote, scored
from adapters.ai.offline.resume.vocabulary import (
    DENSE_PARAGRAPH_WORDS,
    GITHUB,
    MONTH_DATE,
    NUMERIC_DATE,
    PERSONAL_DETAILS,
    REFERENCES,
    REPEATED_WORD,
    URL,
)
from core.domain import CategoryAnalysis, FeedbackItem


def other(coverage: Coverage, resume: Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    points = 10.0

    repeated = [m.group(0) for m in REPEATED_WORD.finditer(resume.text) if m.group(1).lower() != "that"]
    if repeated:
        points -= 2
        items.append(
            feedback_item(
                MINOR,
                "Repeated words",
                "Check for typos: " + listed([quote(r, 40) for r in dict.fromkeys(repeated)]) + ".",
            )
        )

    styles = {
        "month names": bool(MONTH_DATE.search(resume.text)),
        "numeric dates": bool(NUMERIC_DATE.search(resume.text)),
    }
    if all(styles.values()):
        points -= 1
        items.append(
            feedback_item(
                MINOR,
                "Inconsistent dates",
                "Dates mix month names (“Jan 2021”) and numbers (“01/2021”); pick one style.",
            )
        )

    marks = set(resume.bullet_marks)
    if len(marks) > 1:
        points -= 1
        items.append(
            feedback_item(
                MINOR,
                "Inconsistent bullets",
                f"Bullets use {len(marks)} different markers ({' '.join(sorted(marks))}); use one.",
            )
        )

    personal = list(dict.fromkeys(m.lower() for m in PERSONAL_DETAILS.findall(resume.text)))
    if personal:
        points -= 2
        items.append(
            feedback_item(
                MINOR,
                "Personal details",
                f"Leave out {listed(personal)}: they are not needed and can invite bias.",
            )
        )

    if REFERENCES.search(resume.text):
        points -= 1
        items.append(
            feedback_item(
                MINOR,
                "References line",
                "“References available on request” is assumed; use the line for an achievement.",
            )
        )

    dense = [line for line in resume.lines if len(line.split()) > DENSE_PARAGRAPH_WORDS]
    if dense:
        points -= 1
        items.append(
            feedback_item(
                MINOR,
                "Dense paragraphs",
                f"{len(dense)} paragraph{'s are' if len(dense) > 1 else ' is'} over "
                f"{DENSE_PARAGRAPH_WORDS} words, e.g. {quote(dense[0])}. Break them into bullets.",
            )
        )

    samples = GITHUB.findall(resume.text) + [
        url for url in URL.findall(resume.text) if "linkedin" not in url.lower()
    ]
    if samples:
        items.append(feedback_item(STRENGTH, "Work samples", "You link to work a recruiter can look at."))
    elif coverage.from_taxonomy:
        points -= 1
        items.append(
            feedback_item(
                MINOR,
                "No work samples",
                "Link to a portfolio, GitHub profile or project so a recruiter can see your work.",
            )
        )

    issues = sum(1 for item in items if item.type is not STRENGTH)
    if issues == 0:
        items.append(
            feedback_item(
                STRENGTH, "Consistent and clean", "No typos, inconsistencies or unnecessary details were found."
            )
        )
    summary = (
        "Clean and consistent."
        if issues == 0
        else f"{issues} smaller issue{'s' if issues > 1 else ''} to tidy up."
    )
    return scored(points, summary, items)
