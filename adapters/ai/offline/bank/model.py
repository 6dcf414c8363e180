"""The question bank's records and how they are read from the packs
(``data/questions-*.json``, format in ``data/README.md``), how a question is
shown as markdown, and how a question is recognised again: in the markdown
it was shown as, in a line that quotes it, or in a custom question worded
nearly the same.

Reading is tolerant while content is being written: a question without
``roles`` gets them from its kind, text and skills, one without
``misconceptions`` has none.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from functools import cache

from adapters.ai.offline import data
from adapters.ai.offline.roles import ANY, SOFTWARE, engineering, skill_families
from adapters.ai.offline.text import normalize, term, term_set, words
from core.domain import Difficulty, ExperienceLevel
from core.records import frozen

NEAR_MATCH = 0.6
"""The least share of shared terms (Jaccard) for a custom question to count
as a rewording of a bank question."""

_ENGINEERING_WORDS = frozenset(
    "bug bugs code coding codebase technical engineer engineers engineering production outage "
    "deploy deployed architecture incident software debug debugging technology".split()
)
_TIPS = {
    "technical": "Explain the idea and the trade-offs, and give a concrete example from your experience.",
    "situational": (
        "Say what you would do first and why, who you would involve, and how you would check the outcome."
    ),
    "behavioral": (
        "Answer with one real situation: what happened, what you did yourself, the result and what you learned."
    ),
    "system-design": (
        "Start from the requirements, sketch the main components and data flow, then discuss "
        "scaling, failure modes and trade-offs."
    ),
}


class Kind(enum.Enum):
    TECHNICAL = "technical"
    SITUATIONAL = "situational"
    BEHAVIORAL = "behavioral"
    SYSTEM_DESIGN = "system-design"


@frozen
class Misconception:
    """A wrong claim a confident candidate might make. ``cues`` are
    alternatives, each a list of phrases given as their terms; all phrases
    of one alternative in one un-negated sentence assert the claim."""

    claim: str
    cues: tuple[tuple[tuple[str, ...], ...], ...]
    why: str
    contradicts: int | None


@frozen
class BankQuestion:
    id: str
    text: str
    kind: Kind
    roles: frozenset[str]
    skills: tuple[str, ...]
    levels: frozenset[ExperienceLevel]
    difficulty: Difficulty
    key_points: tuple[str, ...]
    answer: str
    misconceptions: tuple[Misconception, ...] = ()

    @property
    def general(self) -> bool:
        """Behavioural, situational and system design questions are not
        about one technology."""
        return self.kind is not Kind.TECHNICAL


def question_chunks(question: BankQuestion) -> list[str]:
    """How a question is shown: its topics and difficulty, the question as a
    heading (in two chunks, as a stream would bring it) and a tip."""
    topics = " · ".join(question.skills)
    label = "Topics" if len(question.skills) > 1 else "Topic"
    text_words = question.text.split(" ")
    half = len(text_words) // 2
    return [
        f"**{label}:** {topics} · **Difficulty:** {question.difficulty.value.capitalize()}\n\n",
        "### " + " ".join(text_words[:half]) + (" " if half else ""),
        " ".join(text_words[half:]) + "\n\n",
        f"_{_TIPS[question.kind.value]}_\n",
    ]


def _heading_text(markdown: str) -> str:
    start = markdown.find("### ")
    if start < 0:
        return markdown.strip()
    end = markdown.find("\n", start)
    return markdown[start + 4 : end if end >= 0 else len(markdown)].strip()


@frozen
class QuestionBank:
    questions: tuple[BankQuestion, ...]
    by_id: dict[str, BankQuestion]
    by_text: dict[str, BankQuestion]
    """Keyed by the normalised text."""
    by_shown: dict[str, BankQuestion]
    """Keyed by the exact markdown shown and by the exact text."""
    terms: dict[str, frozenset[str]]
    """Question id -> the terms of its text."""
    index: dict[str, tuple[str, ...]]
    """Term -> ids of the questions whose text has it."""

    @classmethod
    def of(cls, questions: Iterable[BankQuestion]) -> QuestionBank:
        questions = tuple(questions)
        shown: dict[str, BankQuestion] = {}
        for q in questions:
            shown.setdefault(q.text.strip(), q)
            shown.setdefault("".join(question_chunks(q)), q)
        terms = {q.id: term_set(q.text) for q in questions}
        index: dict[str, list[str]] = {}
        for qid, found in terms.items():
            for t in found:
                index.setdefault(t, []).append(qid)
        return cls(
            questions=questions,
            by_id={q.id: q for q in questions},
            by_text={normalize(q.text): q for q in questions},
            by_shown=shown,
            terms=terms,
            index={t: tuple(ids) for t, ids in index.items()},
        )

    def asked(self, previous: Iterable[str]) -> list[BankQuestion]:
        """The bank questions among ``previous`` (markdown as shown, or a
        question's text): one dictionary look-up each, no pattern matching."""
        found: dict[str, BankQuestion] = {}
        for markdown in previous:
            question = self.shown(markdown)
            if question is not None:
                found.setdefault(question.id, question)
        return list(found.values())

    def shown(self, markdown: str) -> BankQuestion | None:
        """The bank question ``markdown`` is, as shown or as its text: two
        dictionary look-ups (what ``asked`` recognises)."""
        return self.by_shown.get(markdown) or self.by_shown.get(_heading_text(markdown))

    def find(self, markdown: str) -> BankQuestion | None:
        """The bank question that ``markdown`` presents, recognised by its
        text standing on a line of its own (any markdown around it is
        ignored), or by the whole of ``markdown`` being its text."""
        exact = self.by_shown.get(markdown) or self.by_shown.get(_heading_text(markdown))
        if exact is not None:
            return exact
        for line in [*markdown[:4000].splitlines()[:40], markdown[:4000]]:
            question = self.by_text.get(normalize(line))
            if question is not None:
                return question
        return None

    def closest(self, text: str) -> BankQuestion | None:
        """The bank question worded nearly as ``text`` (a custom question):
        the one sharing the largest share of terms, if at least
        ``NEAR_MATCH``."""
        wanted = term_set(text[:2000])
        if len(wanted) < 2:
            return None
        shared: dict[str, int] = {}
        for t in wanted:
            for qid in self.index.get(t, ()):
                shared[qid] = shared.get(qid, 0) + 1
        best, best_score = None, 0.0
        for qid, count in sorted(shared.items()):
            score = count / len(wanted | self.terms[qid])
            if score > best_score:
                best, best_score = qid, score
        return self.by_id[best] if best is not None and best_score >= NEAR_MATCH else None

    def mentioned_in(self, text: str) -> list[BankQuestion]:
        """The bank questions whose text appears anywhere in ``text``, in
        order of appearance (for spoken lines that wrap a question in other
        words)."""
        haystack = f" {normalize(text[:4000])} "
        found = [
            (haystack.find(f" {key} "), question)
            for key, question in self.by_text.items()
            if f" {key} " in haystack
        ]
        return [question for _, question in sorted(found, key=lambda pair: pair[0])]


@cache
def load_bank() -> QuestionBank:
    """The question bank, read from the package's data files once."""
    return QuestionBank.of(parse(entry) for name in data.names("questions-") for entry in data.load(name))


def cue_terms(phrase: str) -> tuple[str, ...]:
    """The terms a cue phrase is matched by (every word, stemmed)."""
    return tuple(term(w) for w in words(phrase))


def _misconception(entry: dict) -> Misconception:
    return Misconception(
        claim=entry["claim"],
        cues=tuple(
            tuple(terms for terms in (cue_terms(p) for p in alternative) if terms)
            for alternative in entry["cues"]
        ),
        why=entry["why"],
        contradicts=entry.get("contradicts"),
    )


def default_roles(kind: Kind, text: str, skills: Sequence[str]) -> frozenset[str]:
    """The families of a question that does not name them yet: behavioural
    questions about engineering work fit the engineering families, other
    behavioural ones every family; knowledge questions fit software and the
    families of their skills."""
    if kind is Kind.BEHAVIORAL:
        if _ENGINEERING_WORDS.isdisjoint(words(text)):
            return frozenset({ANY})
        return engineering()
    return frozenset({SOFTWARE, *(f for s in skills for f in skill_families(s))})


def parse(entry: dict) -> BankQuestion:
    """One question object of a pack."""
    kind = Kind(entry["kind"])
    skills = tuple(entry["skills"])
    roles = entry.get("roles")
    return BankQuestion(
        id=entry["id"],
        text=entry["text"],
        kind=kind,
        roles=frozenset(roles) if roles else default_roles(kind, entry["text"], skills),
        skills=skills,
        levels=frozenset(ExperienceLevel(level) for level in entry["levels"]),
        difficulty=Difficulty(entry["difficulty"]),
        key_points=tuple(entry["key_points"]),
        answer=entry["answer"],
        misconceptions=tuple(_misconception(m) for m in entry.get("misconceptions", ())),
    )
