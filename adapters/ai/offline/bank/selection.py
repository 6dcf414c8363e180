"""Picking the next question for a job.

A job is seen as its role family (which questions fit it at all), its skills
weighted by emphasis (the title counts most, requirements more than
nice-to-haves, every mention adds) and its level. Questions of the job's
skills come first, then its family's own questions, then questions of close
skills, then role-neutral ones; the asked difficulty before the nearest
others; the job's level before other levels. Among equals the skill asked
least for its weight wins, then an order seeded by the job, so selection is
deterministic. A family without technical skills never falls back to another
family's questions; nothing is asked twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping

from adapters.ai.offline.bank.model import BankQuestion, Kind, QuestionBank
from adapters.ai.offline.roles import ANY, GENERAL, SOFTWARE, engineering, family_of
from adapters.ai.offline.skills import BEHAVIORAL, count_skills, related_skills, skill_named
from adapters.ai.offline.text import capped, sentences, term_set
from core.domain import Difficulty, ExperienceLevel, JobContext
from core.records import frozen

_TITLE_WEIGHT = 3.0
_REQUIRED = 1.2
_NICE = 0.35
_NICE_MARKERS = (
    "nice to have", "nice-to-have", "a plus", "bonus", "preferred", "desirable", "ideally",
    "an advantage", "optional", "good to have",
)
_REQUIRED_MARKERS = (
    "require", "must", "essential", "you have", "you will need", "you'll need",
    "qualifications", "what we look for", "you bring",
)


@frozen
class JobProfile:
    """What selection needs to know of a job."""

    family: str
    weights: Mapping[str, float]
    skills: tuple[str, ...]
    """The job's skills, most emphasised first."""
    related: tuple[str, ...]
    level: ExperienceLevel
    seed: str

    @classmethod
    def of(cls, job: JobContext) -> JobProfile:
        weights = emphasis(job)
        skills = tuple(sorted(weights, key=lambda s: -weights[s]))
        return cls(
            family=family_of(job.title or job.name, job.description),
            weights=weights,
            skills=skills,
            related=tuple(related_skills(skills)),
            level=job.experience_level,
            seed=f"{job.experience_level.value}\n{job.title}\n{job.name}\n{job.description}",
        )


def emphasis(job: JobContext) -> dict[str, float]:
    """The job's skills weighted by how its text stresses them: each mention
    in the title counts ``_TITLE_WEIGHT``, in a requirement ``_REQUIRED``, in a
    nice-to-have ``_NICE``, anywhere else 1."""
    weights: dict[str, float] = {}
    for skill, count in count_skills(job.title or "").items():
        weights[skill] = weights.get(skill, 0.0) + _TITLE_WEIGHT * count
    mode = 1.0
    for sentence in sentences(capped(job.description)):
        lowered = sentence.lower()
        nice = any(marker in lowered for marker in _NICE_MARKERS)
        required = any(marker in lowered for marker in _REQUIRED_MARKERS)
        found = count_skills(sentence)
        if len(lowered.split()) <= 6 and (lowered.endswith(":") or not found):
            mode = _NICE if nice else _REQUIRED if required else 1.0
        factor = _NICE if nice else _REQUIRED if required else mode
        for skill, count in found.items():
            weights[skill] = weights.get(skill, 0.0) + factor * count
    weights.pop(BEHAVIORAL, None)
    return weights


def difficulty_order(difficulty: Difficulty, level: ExperienceLevel) -> list[Difficulty]:
    """``difficulty`` first, then the nearest others; a tie between easier
    and harder goes to harder for seniors and to easier otherwise."""
    if difficulty is Difficulty.EASY:
        return [Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD]
    if difficulty is Difficulty.HARD:
        return [Difficulty.HARD, Difficulty.MEDIUM, Difficulty.EASY]
    if level is ExperienceLevel.SENIOR:
        return [Difficulty.MEDIUM, Difficulty.HARD, Difficulty.EASY]
    return [Difficulty.MEDIUM, Difficulty.EASY, Difficulty.HARD]


def fits_family(question: BankQuestion, family: str) -> bool:
    """Whether ``question`` may be asked of a job of ``family`` at all."""
    if ANY in question.roles:
        return True
    if family == GENERAL:
        return GENERAL in question.roles
    if family in engineering():
        return not question.roles.isdisjoint(engineering())
    return family in question.roles


def _relevance(question: BankQuestion, profile: JobProfile) -> int:
    """0: about the job's skills; 1: its family's own (software's own are
    told apart by skill only); 2: close skills; 3: role-neutral; 4: any
    other that fits the family."""
    if any(s in profile.weights for s in question.skills):
        return 0
    if profile.family in question.roles and profile.family != SOFTWARE:
        return 1
    if any(s in profile.related for s in question.skills):
        return 2
    if ANY in question.roles or GENERAL in question.roles:
        return 3
    return 4


def _tier(question: BankQuestion, profile: JobProfile, order: list[Difficulty]) -> int:
    relevance = _relevance(question, profile)
    if profile.level not in question.levels:
        return 100 + relevance
    distance = order.index(question.difficulty)
    if relevance == 4:
        return 20 + distance
    if relevance == 3:
        return 6 + distance if distance < 2 else 11
    return distance * 3 + relevance if distance < 2 else 8 + relevance


def matches_topic(question: BankQuestion, topic: str) -> bool:
    """Whether ``question`` is about ``topic`` (a skill, or words)."""
    skill = skill_named(topic)
    if skill is not None:
        return skill in question.skills
    wanted = term_set(topic[:200])
    return bool(wanted) and wanted <= term_set(f"{question.text} {' '.join(question.skills)}")


def choose(
    bank: QuestionBank,
    profile: JobProfile,
    difficulty: Difficulty,
    asked: Iterable[BankQuestion],
    prefer: Collection[Kind] | None = None,
    topic: str | None = None,
) -> BankQuestion | None:
    """The best question for the job that is not among ``asked``, or None
    when every question that fits the job's family has been asked.
    ``prefer`` puts questions of those kinds first (the interviewer's plan);
    ``topic`` (a skill or a few words) keeps to questions about it while any
    is left."""
    asked = list(asked)
    asked_ids = {q.id for q in asked}
    usage = Counter(skill for q in asked for skill in q.skills)
    candidates = [
        q for q in bank.questions if q.id not in asked_ids and fits_family(q, profile.family)
    ]
    if topic and topic.strip():
        on_topic = [q for q in candidates if matches_topic(q, topic.strip())]
        candidates = on_topic or candidates
    if not candidates:
        return None
    order = difficulty_order(difficulty, profile.level)

    def tier(q: BankQuestion) -> int:
        return _tier(q, profile, order) + (50 if prefer and q.kind not in prefer else 0)

    best = min(tier(q) for q in candidates)
    return min((q for q in candidates if tier(q) == best), key=lambda q: _rank(q, profile, usage))


def _rank(question: BankQuestion, profile: JobProfile, usage: Counter[str]) -> tuple[float, float, str]:
    weighted = [s for s in question.skills if s in profile.weights]
    if weighted:
        skill = max(weighted, key=lambda s: profile.weights[s])
        weight = profile.weights[skill]
    else:
        skill, weight = (question.skills[0] if question.skills else ""), 1.0
    digest = hashlib.blake2b(f"{profile.seed}\n{question.id}".encode(), digest_size=8).hexdigest()
    return (usage[skill] + 1) / weight, -weight, digest
