"""What the candidate said in a mock interview, judged on correctness: each
answer graded like a practice answer (against the bank question it answers,
or the general rubric of the job's family), response quality built on those
grades, and role fit from the grades of the answers about the work plus the
job's skills the candidate showed. Length and fluency do not make a wrong
answer good."""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.ai.offline.bank import Kind
from adapters.ai.offline.grading import Grade
from adapters.ai.offline.interview.transcript import (
    Answer,
    Rating,
    clip,
    names,
    plural,
    quote,
    rating,
)
from adapters.ai.offline.skills import extract_skills
from core.domain import ExperienceLevel, JobContext

_RESULT = re.compile(
    r"\b(?:as a result|the result|resulted in|the outcome|which led to|that led to|so that|"
    r"which meant|we saved|i saved|reduc\w+|increas\w+|improv\w+|cut)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|\b(?:percent|hundred|thousand|million|billion|twice|double[d]?|half|halved|tripled)\b",
    re.IGNORECASE,
)
_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*years\b", re.IGNORECASE)
_LEADERSHIP = re.compile(
    r"\b(?:led|lead|mentored|mentoring|managed|owned|architected|coached|hired|tech lead)\b",
    re.IGNORECASE,
)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def quality(answers: Sequence[Answer], grades: Sequence[Grade]) -> Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    points = _mean([g.rating for g in grades])
    notes.append(
        f"Your {plural(len(answers), 'answer')} averaged {points:.1f}/10 when graded "
        "for correctness and completeness, like practice answers."
    )
    wrong = [(a, g) for a, g in zip(answers, grades, strict=True) if g.wrong]
    for answer, grade in wrong[:3]:
        error = grade.wrong[0]
        asked = f" to {quote(answer.question, limit=70)}" if answer.question else ""
        notes.append(f"In your answer{asked} you said {quote(error.quote, limit=90)}: {error.why}")
    if wrong:
        bad.append("Check the facts you state: a confident wrong answer costs more than a gap.")
    best_answer, best = max(zip(answers, grades, strict=True), key=lambda pair: pair[1].rating)
    if best.rating >= 7:
        good.append("Your answers were correct and complete.")
        notes.append(f"Your strongest answer ({best.rating}/10): “{clip(best_answer.text, 200)}”.")
    results = [a for a in answers if _RESULT.search(a.text)]
    if results:
        notes.append(f"You described outcomes: {quote(results[0].text, _RESULT)}.")
    numbers = [a for a in answers if _NUMBER.search(a.text)]
    if numbers:
        good.append("You put numbers on your impact.")
    else:
        bad.append("Quantify results: people, time saved, error rates, money.")
    short = [a for a in answers if a.words < 15]
    if short:
        shortest = min(short, key=lambda a: a.words)
        asked = f" to {quote(shortest.question, limit=70)}" if shortest.question else ""
        notes.append(
            f"{plural(len(short), 'answer')} had fewer than 15 words, such as your reply"
            f"{asked}: {quote(shortest.text)}."
        )
        bad.append("Develop short answers into a full example.")
    stories = [g for g in grades if g.star is not None]
    if stories and not any(g.star and g.star.result for g in stories):
        bad.append("Finish stories with the result: what changed because of what you did.")
    return rating("Response Quality", points, notes, good, bad)


def role_fit(
    job: JobContext, answers: Sequence[Answer], graded: Sequence[Answer], grades: Sequence[Grade]
) -> Rating:
    """Fit from the grades of ``graded`` (the answers about the work weigh
    most) and the job's skills found in all ``answers``."""
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    knowledge = [g.rating for g in grades if g.kind is not Kind.BEHAVIORAL] or [
        g.rating for g in grades
    ]
    points = _mean(knowledge)
    said = "\n".join(a.text for a in answers)
    wanted = extract_skills(f"{job.title or ''}\n{job.description}")
    mentioned = set(extract_skills(said))
    if wanted:
        hit = [s for s in wanted if s in mentioned]
        missed = [s for s in wanted if s not in mentioned]
        points = 0.7 * points + 0.3 * (3 + 7 * len(hit) / len(wanted))
        if hit:
            with_skill = next((a for a in answers if set(hit) & set(extract_skills(a.text))), answers[0])
            notes.append(
                f"You mentioned {plural(len(hit), 'skill')} the job asks for ({names(hit)}), "
                f"e.g. {quote(with_skill.text)}."
            )
            good.append(f"You showed experience with {names(hit[:3])}.")
        if missed:
            notes.append(f"You did not mention {names(missed)}, which the job asks for.")
            bad.append(f"Prepare an example that shows {names(missed[:3])}.")
    else:
        notes.append("The job description names no specific skills, so fit is judged on your answers.")
    notes.append(f"Your answers about the work itself averaged {_mean(knowledge):.1f}/10 for correctness.")
    years = [int(n) for n in _YEARS.findall(said) if 0 < int(n) <= 45]
    level = job.experience_level
    if years:
        most = max(years)
        fits = (
            most >= 5
            if level is ExperienceLevel.SENIOR
            else most >= 2
            if level is ExperienceLevel.MID_LEVEL
            else True
        )
        points += 0.5 if fits else -1
        notes.append(
            f"You mentioned {plural(most, 'year')} of experience, which "
            + ("fits" if fits else "is light for")
            + f" a {level.value} role."
        )
    if level is ExperienceLevel.SENIOR:
        led = [a for a in answers if _LEADERSHIP.search(a.text)]
        if led:
            points += 0.5
            notes.append(f"You showed leadership: {quote(led[0].text, _LEADERSHIP)}.")
        else:
            notes.append("A senior role expects leadership; you did not mention leading or mentoring.")
            bad.append("Give an example of leading a project or mentoring someone.")
    return rating("Role Fit", points, notes, good, bad)
