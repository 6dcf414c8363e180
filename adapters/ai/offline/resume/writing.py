"""Writing and formatting: measurable results, action verbs (of every
trade, not only software), no first person, concise bullets."""

from __future__ import annotations

import re

from adapters.ai.offline.resume.reading import (
    MAJOR,
    MINOR,
    STRENGTH,
    Resume,
    clamp,
    feedback_item,
    listed,
    quote,
    scored,
)
from adapters.ai.offline.resume.vocabulary import (
    DATE_RANGE,
    FIRST_PERSON,
    NUMBER,
    OVERLONG_BULLET_WORDS,
    STRONG_VERBS,
    WEAK_PHRASES,
    WORD,
    YEAR_RE,
)
from core.domain import CategoryAnalysis, FeedbackItem


def _quantified(line: str) -> bool:
    without_dates = YEAR_RE.sub(" ", DATE_RANGE.sub(" ", line))
    return NUMBER.search(without_dates) is not None


def _weak_phrase(line: str) -> str | None:
    for phrase in WEAK_PHRASES:
        if re.search(rf"\b{phrase}\b", line, re.IGNORECASE):
            return phrase
    return None


def _first_word(line: str) -> str:
    words = WORD.findall(line)
    return words[0].lower() if words else ""


def writing(resume: Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    lines = resume.achievements
    if not lines:
        return scored(
            2,
            "No achievement bullets were found to assess.",
            [
                feedback_item(
                    MAJOR,
                    "No achievement bullets",
                    "List what you did in each role as bullet points that start with an action "
                    "verb and end with a result, e.g. “Cut report generation time by 40% by "
                    "caching queries”.",
                )
            ],
        )
    points = 0.0

    quantified = [line for line in lines if _quantified(line)]
    share = len(quantified) / len(lines)
    points += 3 if share >= 0.4 else 2 if share >= 0.2 else 1 if quantified else 0
    if share >= 0.4:
        items.append(
            feedback_item(
                STRENGTH,
                "Quantified achievements",
                f"{len(quantified)} of your {len(lines)} bullets give numbers, e.g. {quote(quantified[0])}.",
            )
        )
    else:
        examples = [line for line in lines if line not in quantified][:2]
        items.append(
            feedback_item(
                MAJOR if share < 0.2 else MINOR,
                "Few measurable results",
                (
                    f"Only {len(quantified)} of your {len(lines)} bullets contain"
                    if quantified
                    else f"None of your {len(lines)} bullets contains"
                )
                + " a number. Add the "
                "scale or result (users, %, time or money saved) to bullets such as "
                + " and ".join(quote(e) for e in examples)
                + ".",
            )
        )

    strong = [line for line in lines if _first_word(line) in STRONG_VERBS]
    weak_hits = [
        (phrase, line)
        for line in lines
        for phrase in [_weak_phrase(line)]
        if phrase is not None
    ]
    weak_lines = list(dict.fromkeys(line for _, line in weak_hits))
    strong_share = len(strong) / len(lines)
    points += 3 if strong_share >= 0.5 else 2 if strong_share >= 0.25 else 1 if strong else 0
    if len(weak_lines) >= 2:
        points -= 1
    if strong_share >= 0.5:
        verbs = list(dict.fromkeys(_first_word(line).capitalize() for line in strong))[:5]
        items.append(
            feedback_item(
                STRENGTH, "Strong action verbs", f"Most bullets open with an action verb ({', '.join(verbs)})."
            )
        )
    if weak_lines:
        phrases = list(dict.fromkeys(phrase for phrase, _ in weak_hits))
        items.append(
            feedback_item(
                MAJOR if len(weak_lines) >= 3 else MINOR,
                "Weak verbs",
                f"{len(weak_lines)} bullet{'s use' if len(weak_lines) > 1 else ' uses'} "
                + listed([f"“{p}”" for p in phrases])
                + ", which describe duties rather than results, e.g. "
                + quote(weak_lines[0])
                + ". Start with what you did: built, led, reduced, shipped.",
            )
        )
    elif strong_share < 0.5:
        items.append(
            feedback_item(
                MINOR,
                "Start bullets with action verbs",
                f"Only {len(strong)} of your {len(lines)} bullets start with an action verb such "
                "as built, led, reduced or automated.",
            )
        )

    personal = [line for line in lines if FIRST_PERSON.search(line)]
    points += 2 if not personal else 1 if len(personal) <= 2 else 0
    if personal:
        items.append(
            feedback_item(
                MINOR,
                "First-person pronouns",
                f"{len(personal)} bullet{'s use' if len(personal) > 1 else ' uses'} “I”, “me” or "
                f"“my”, e.g. {quote(personal[0])}. Resume bullets read better without them: "
                "start with the verb.",
            )
        )

    overlong = [line for line in lines if len(line.split()) > OVERLONG_BULLET_WORDS]
    points += 2 if not overlong else 1 if len(overlong) <= 2 else 0
    if overlong:
        items.append(
            feedback_item(
                MINOR,
                "Overlong bullets",
                f"{len(overlong)} bullet{'s run' if len(overlong) > 1 else ' runs'} past "
                f"{OVERLONG_BULLET_WORDS} words, e.g. {quote(overlong[0])}. Keep each to one "
                "or two lines: action, what, result.",
            )
        )
    elif not personal:
        items.append(feedback_item(STRENGTH, "Concise bullets", "Your bullets are concise and impersonal."))

    score = clamp(points)
    summary = (
        "Clear, results-focused writing."
        if score >= 8
        else "Readable, but many bullets describe duties rather than results."
        if score >= 5
        else "The writing needs work: show results with action verbs and numbers."
    )
    return scored(points, summary, items)
