"""Answer grading for the offline coach: a 1–10 rating and written feedback.

A bank question's answer is compared with its key points, through stems and
synonyms, and judged on length and structure (an example, specifics such as
numbers or code, an ordered explanation). A question that is not in the bank
is graded against the key terms of its own text, and the feedback says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
from attrs import frozen

from adapters.ai.offline.bank import BankQuestion, Kind
from adapters.ai.offline.skills import extract_skills
from adapters.ai.offline.text import content_words, term, term_set, words

# Words that frame a question rather than say what it is about.
_QUESTION_WORDS = frozenset(
    """
    answer approach briefly common compare describe detail details difference differences
    different discuss explain give handle important kind kinds main mean means please share
    situation tell time type types walk work works example examples happen happens happened
    """.split()
)

_EXAMPLE = re.compile(
    r"\b(for example|for instance|e\.g\.|such as|say we|imagine|in my (?:last|previous|current)"
    r"|at my (?:last|previous|current)|on (?:a|one|my) project|we had|we were|i (?:once|worked"
    r"|built|led|wrote|used|implemented|fixed|designed|noticed|introduced|was))\b",
    re.IGNORECASE,
)
_STEP_WORDS = re.compile(r"\b(first|firstly|second|secondly|then|next|finally|lastly|step)\b", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)


@frozen
class Grade:
    """How an answer measures up. ``covered``, ``partial`` and ``missed`` are
    key points for a bank question, key terms of the question otherwise."""

    rating: int
    in_bank: bool
    covered: tuple[str, ...]
    partial: tuple[str, ...]
    missed: tuple[str, ...]
    word_count: int
    has_example: bool
    has_specifics: bool
    has_structure: bool
    off_topic: bool

    @property
    def coverage(self) -> float:
        total = len(self.covered) + len(self.partial) + len(self.missed)
        return (len(self.covered) + 0.5 * len(self.partial)) / total if total else 0.0


def grade_answer(question: BankQuestion | None, question_text: str, answer: str) -> Grade:
    """Grade ``answer`` to ``question`` (or, when it is not a bank question,
    to ``question_text``)."""
    answer_terms = term_set(answer)
    word_count = len(words(answer))
    has_example = bool(_EXAMPLE.search(answer)) or "```" in answer
    has_specifics = bool(re.search(r"\d", answer)) or "`" in answer or bool(extract_skills(answer))
    has_structure = bool(_LIST_ITEM.search(answer)) or len(_STEP_WORDS.findall(answer)) >= 2
    if question is not None:
        covered, partial, missed = _key_points(question.key_points, answer_terms)
        reference = term_set(" ".join((question.text, *question.key_points, question.answer)))
        depth = min(1.0, len(answer_terms & term_set(question.answer)) / 25)
    else:
        covered, partial, missed = _key_terms(question_text, answer_terms)
        reference = term_set(question_text)
        depth = min(2.0, len(answer_terms) / 40)
    total = len(covered) + len(partial) + len(missed)
    coverage = (len(covered) + 0.5 * len(partial)) / total if total else 0.0
    relevance = len(answer_terms & reference) / len(answer_terms) if answer_terms else 0.0
    off_topic = word_count > 0 and coverage < 0.15 and relevance < 0.2
    grade = Grade(
        rating=1,
        in_bank=question is not None,
        covered=covered,
        partial=partial,
        missed=missed,
        word_count=word_count,
        has_example=has_example,
        has_specifics=has_specifics,
        has_structure=has_structure,
        off_topic=off_topic,
    )
    if word_count == 0:
        return grade
    weight = 6.5 if question is not None else 5.0
    if not total:  # a question without content words: only form can be judged
        coverage = 0.5
    score = 1 + weight * coverage + depth
    style = 0.4 * has_example + 0.3 * has_specifics + 0.3 * has_structure
    score += style * min(1.0, 2 * coverage)
    if question is not None and question.kind is Kind.BEHAVIORAL and not has_example:
        score -= 1
    for limit, cap in ((8, 2), (20, 4), (40, 6), (70, 8)):
        if word_count < limit:
            score = min(score, cap)
            break
    if off_topic:
        score = min(score, 2)
    return attrs.evolve(grade, rating=max(1, min(10, round(score))))


def _key_points(
    key_points: Sequence[str], answer_terms: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    covered: list[str] = []
    partial: list[str] = []
    missed: list[str] = []
    for point in key_points:
        wanted = term_set(point)
        found = len(wanted & answer_terms)
        share = found / len(wanted) if wanted else 0.0
        if share >= 0.6:
            covered.append(point)
        elif found and share >= 0.3:
            partial.append(point)
        else:
            missed.append(point)
    return tuple(covered), tuple(partial), tuple(missed)


def key_terms(question_text: str) -> list[str]:
    """The words of a question that say what it is about, as written."""
    seen: dict[str, str] = {}
    for word in content_words(question_text):
        if word not in _QUESTION_WORDS:
            seen.setdefault(term(word), word)
    return list(seen.values())


def _key_terms(
    question_text: str, answer_terms: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    covered = tuple(w for w in key_terms(question_text) if term(w) in answer_terms)
    missed = tuple(w for w in key_terms(question_text) if term(w) not in answer_terms)
    return covered, (), missed


# --- feedback ------------------------------------------------------------------


def feedback_chunks(
    grade: Grade, question: BankQuestion | None, question_text: str
) -> list[str]:
    """The feedback markdown, in chunks that join to
    ``## Feedback (Rating: n/10)\\n\\n<feedback>\\n\\n---\\n\\n## Correct Answer\\n\\n<answer>``."""
    body = _assessment(grade, question) if question is not None else _assessment_unknown(grade)
    return [
        f"## Feedback (Rating: {grade.rating}/10)\n\n",
        "\n\n".join(body),
        "\n\n---\n\n",
        "## Correct Answer\n\n",
        question.answer if question is not None else _no_model_answer(question_text),
    ]


def _summary(grade: Grade) -> str:
    if grade.word_count == 0:
        return "No answer was given, so there is nothing to credit yet."
    if grade.off_topic:
        return (
            "This answer does not seem to be about the question: it shares almost nothing "
            "with what the question asks. Re-read the question and answer it directly."
        )
    if grade.rating <= 2:
        return "This answer does not address the question yet."
    if grade.rating <= 4:
        return "A start, but too thin: it leaves out most of what an interviewer listens for."
    if grade.rating <= 6:
        return (
            "A reasonable answer that covers part of what matters; closing the gaps below "
            "would make it strong."
        )
    if grade.rating <= 8:
        return "A good answer that covers most of what matters."
    return "An excellent answer: complete, specific and well explained."


def _bullets(title: str, items: Sequence[str], capitalize: bool = True) -> str:
    shown = (f"{item[:1].upper()}{item[1:]}" if capitalize else item for item in items)
    lines = "\n".join(f"- {item}" for item in shown)
    return f"**{title}**\n\n{lines}"


def _assessment(grade: Grade, question: BankQuestion) -> list[str]:
    parts = [_summary(grade)]
    if grade.covered:
        parts.append(_bullets("What you covered well", grade.covered))
    if grade.partial:
        parts.append(_bullets("What you touched on but did not develop", grade.partial))
    if grade.missed:
        parts.append(_bullets("What was missing", grade.missed))
    parts.append(_bullets("How to improve", _tips(grade, question.kind)))
    return parts


def _assessment_unknown(grade: Grade) -> list[str]:
    terms_shown = ", ".join(f"**{w}**" for w in (*grade.covered, *grade.missed)) or "none"
    parts = [
        _summary(grade),
        "This question is not in the offline coach's question bank, so there is no model "
        "answer to compare with. Your answer was graded only against the key terms of the "
        f"question itself ({terms_shown}) and on its length and structure.",
    ]
    if grade.covered:
        parts.append(_bullets("Key terms you addressed", grade.covered, capitalize=False))
    if grade.missed:
        parts.append(_bullets("Key terms you did not address", grade.missed, capitalize=False))
    parts.append(_bullets("How to improve", _tips(grade, Kind.TECHNICAL)))
    return parts


def _tips(grade: Grade, kind: Kind) -> list[str]:
    tips: list[str] = []
    if grade.word_count == 0:
        tips.append(
            "Write an answer, even a short one: explain what you know and how you would "
            "find out the rest."
        )
    elif grade.off_topic:
        tips.append("Start with one sentence that answers the question directly, then explain it.")
    if grade.missed and grade.word_count:
        first = grade.missed[0]
        if grade.in_bank:
            tips.append(f"Cover the missing points; start with: {first[:1].lower()}{first[1:]}.")
        else:
            tips.append(f"Address every part of the question; start with **{first}**.")
    if grade.partial:
        tips.append(
            "Develop the points you only touched on: what it is, why it matters and when "
            "it applies."
        )
    if 0 < grade.word_count < 40:
        tips.append(
            f"Your answer is short ({grade.word_count} words). In an interview, aim for a few "
            "well-developed sentences, roughly 80 to 200 words."
        )
    if not grade.has_example:
        if kind is Kind.BEHAVIORAL:
            tips.append(
                "Answer with one real situation, using STAR: the Situation, your Task, the "
                "Actions you took and the Result."
            )
        else:
            tips.append(
                "Add a concrete example: a short snippet, a command, or a situation from a "
                "project you worked on."
            )
    if not grade.has_specifics and grade.word_count:
        tips.append(
            "Be specific: name the tools, numbers or results involved (for example, "
            '"cut p95 latency from 800 ms to 200 ms").'
        )
    if kind is Kind.SYSTEM_DESIGN and grade.coverage < 0.7:
        tips.append(
            "Structure the design: clarify requirements, sketch the main components and data "
            "flow, then discuss scaling, failure modes and trade-offs."
        )
    if not grade.has_structure and grade.word_count > 120:
        tips.append(
            "Give it a clear order: lead with the direct answer, then the details step by step."
        )
    if not tips:
        tips.append("Keep it up: practise saying this answer aloud in under two minutes.")
    return tips[:5]


def _no_model_answer(question_text: str) -> str:
    listed = ", ".join(f"**{w}**" for w in key_terms(question_text))
    address = f"address {listed} directly" if listed else "answer the question directly"
    return (
        "The offline coach has no model answer for this question. A strong answer would "
        f"{address}, explain why it matters and what the trade-offs are, and illustrate it "
        "with a concrete example from your own experience."
    )

