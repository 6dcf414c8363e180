"""The question bank of the offline coach: hand-written interview questions
shipped as JSON (``data/questions-*.json``), how to recognise one in a piece
of markdown, and how to pick the next one for a job.

Selection is deterministic: the same job, difficulty and earlier questions
always give the same question. It never returns a question already asked.
"""

from __future__ import annotations

import enum
import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import cache

from attrs import frozen

from adapters.ai.offline import data
from adapters.ai.offline.skills import BEHAVIORAL, SYSTEM_DESIGN, extract_skills, related_skills
from adapters.ai.offline.text import normalize
from core.coaching import Difficulty, JobContext
from core.domain import ExperienceLevel


class Kind(enum.Enum):
    TECHNICAL = "technical"
    BEHAVIORAL = "behavioral"
    SYSTEM_DESIGN = "system-design"


@frozen
class BankQuestion:
    id: str
    text: str
    kind: Kind
    skills: tuple[str, ...]
    levels: frozenset[ExperienceLevel]
    difficulty: Difficulty
    key_points: tuple[str, ...]
    answer: str

    @property
    def general(self) -> bool:
        """Behavioural and system design questions suit any job."""
        return self.kind is not Kind.TECHNICAL


@frozen
class QuestionBank:
    questions: tuple[BankQuestion, ...]
    by_id: dict[str, BankQuestion]
    by_text: dict[str, BankQuestion]

    @classmethod
    def of(cls, questions: Iterable[BankQuestion]) -> QuestionBank:
        questions = tuple(questions)
        return cls(
            questions=questions,
            by_id={q.id: q for q in questions},
            by_text={normalize(q.text): q for q in questions},
        )

    def find(self, markdown: str) -> BankQuestion | None:
        """The bank question that ``markdown`` presents, recognised by its
        text standing on a line of its own (any markdown around it is
        ignored), or by the whole of ``markdown`` being its text."""
        for line in [*markdown.splitlines(), markdown]:
            question = self.by_text.get(normalize(line))
            if question is not None:
                return question
        return None

    def mentioned_in(self, text: str) -> list[BankQuestion]:
        """The bank questions whose text appears anywhere in ``text``, in
        order of appearance (for spoken lines that wrap a question in other
        words)."""
        haystack = f" {normalize(text)} "
        found = [
            (haystack.find(f" {key} "), question)
            for key, question in self.by_text.items()
            if f" {key} " in haystack
        ]
        return [question for _, question in sorted(found, key=lambda pair: pair[0])]


@cache
def load_bank() -> QuestionBank:
    """The question bank, read from the package's data files once."""
    return QuestionBank.of(
        _question(entry) for name in data.names("questions-") for entry in data.load(name)
    )


def _question(entry: dict) -> BankQuestion:
    return BankQuestion(
        id=entry["id"],
        text=entry["text"],
        kind=Kind(entry["kind"]),
        skills=tuple(entry["skills"]),
        levels=frozenset(ExperienceLevel(level) for level in entry["levels"]),
        difficulty=Difficulty(entry["difficulty"]),
        key_points=tuple(entry["key_points"]),
        answer=entry["answer"],
    )


# --- selection ---------------------------------------------------------------


@frozen
class JobProfile:
    """What selection needs to know of a job: its skills (most relevant
    first), skills close to them, its level, and a seed that makes the order
    among equally good questions differ from one job to another."""

    skills: tuple[str, ...]
    related: tuple[str, ...]
    level: ExperienceLevel
    seed: str

    @classmethod
    def of(cls, job: JobContext) -> JobProfile:
        text = "\n".join(part for part in (job.title, job.name, job.description) if part)
        skills = tuple(s for s in extract_skills(text) if s != BEHAVIORAL)
        return cls(
            skills=skills,
            related=tuple(related_skills(skills)),
            level=job.experience_level,
            seed=f"{job.experience_level.value}\n{text}",
        )


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


Tier = Callable[[BankQuestion], bool]


def _tiers(
    profile: JobProfile, difficulty: Difficulty, prefer: Kind | None
) -> list[tuple[Tier, Sequence[str]]]:
    """Filters from best fit to last resort, each with the skills that rank
    its questions (earlier skills first): the job's skills at the difficulty,
    then at the next nearest; skills close to the job's; general questions;
    the farthest difficulty; other levels; and finally anything left."""
    first, second, third = difficulty_order(difficulty, profile.level)
    direct, related = frozenset(profile.skills), frozenset(profile.related)
    technical = frozenset({Kind.TECHNICAL, Kind.SYSTEM_DESIGN})
    if profile.skills:
        general, general_rank = frozenset({Kind.BEHAVIORAL, Kind.SYSTEM_DESIGN}), (
            SYSTEM_DESIGN,
            BEHAVIORAL,
        )
    else:
        general, general_rank = frozenset({Kind.BEHAVIORAL}), (BEHAVIORAL, BEHAVIORAL)

    def fits(
        pool: frozenset[str] | None,
        kinds: Collection[Kind],
        difficulties: Collection[Difficulty],
        any_level: bool = False,
    ) -> Tier:
        def tier(q: BankQuestion) -> bool:
            return (
                q.kind in kinds
                and q.difficulty in difficulties
                and (any_level or profile.level in q.levels)
                and (pool is None or not pool.isdisjoint(q.skills))
            )

        return tier

    tiers: list[tuple[Tier, Sequence[str]]] = []
    if prefer is not None:
        pool = direct if prefer is Kind.TECHNICAL else None
        for d in (first, second, third):
            tiers.append((fits(pool, {prefer}, {d}), profile.skills))
    for d in (first, second):
        tiers.append((fits(direct, technical, {d}), profile.skills))
        tiers.append((fits(related, technical, {d}), profile.related))
    for d in (first, second):
        tiers.append((fits(None, general, {d}), general_rank))
    tiers.append((fits(direct, technical, {third}), profile.skills))
    tiers.append((fits(related, technical, {third}), profile.related))
    tiers.append((fits(None, general, {third}), general_rank))
    everything, every_difficulty = frozenset(Kind), frozenset(Difficulty)
    tiers.append((fits(direct, everything, every_difficulty, any_level=True), profile.skills))
    tiers.append((fits(related, everything, every_difficulty, any_level=True), profile.related))
    tiers.append((fits(None, everything, every_difficulty), ()))
    tiers.append((fits(None, everything, every_difficulty, any_level=True), ()))
    return tiers


def choose(
    bank: QuestionBank,
    profile: JobProfile,
    difficulty: Difficulty,
    asked: Iterable[BankQuestion],
    prefer: Kind | None = None,
) -> BankQuestion | None:
    """The best question for the job that is not among ``asked``, or None
    when the whole bank has been asked.

    Within the first non-empty tier, the skill asked about least so far wins
    (so a Python and PostgreSQL job alternates between the two), then the
    more relevant skill, then an order seeded by the job. ``prefer`` puts
    questions of one kind first (the mock interviewer's plan)."""
    asked = list(asked)
    asked_ids = {q.id for q in asked}
    usage = Counter(skill for q in asked for skill in q.skills)
    remaining = [q for q in bank.questions if q.id not in asked_ids]
    for tier, ranking in _tiers(profile, difficulty, prefer):
        candidates = [q for q in remaining if tier(q)]
        if candidates:
            return min(candidates, key=lambda q: _rank(q, ranking, usage, profile.seed))
    return None


def _rank(
    question: BankQuestion, ranking: Sequence[str], usage: Counter[str], seed: str
) -> tuple[int, int, str]:
    positions = [ranking.index(s) for s in question.skills if s in ranking]
    position = min(positions) if positions else len(ranking)
    skill = ranking[position] if positions else (question.skills[0] if question.skills else "")
    digest = hashlib.blake2b(f"{seed}\n{question.id}".encode(), digest_size=8).hexdigest()
    return usage[skill], position, digest
