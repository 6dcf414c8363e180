"""The 1–10 rating of an answer and what it rests on.

A bank question's answer is judged on correctness first: an asserted
misconception or a contradicted key point caps the rating at 3 (2 unless
the rest is mostly right); then on the key points it covers in connected
sentences, depth against the model answer, and form (an example, specifics,
an ordered explanation). Behavioural questions are judged on STAR
structure instead (``star``). A question not in the bank is graded with the
general rubric of the job's role family: the key terms of the question, the
same form checks, and STAR when it asks for a story.
"""

from __future__ import annotations

import attrs

from adapters.ai.offline.bank import BankQuestion, Kind
from adapters.ai.offline.grading.correctness import Error, PointJudgement, asserted, judge_points
from adapters.ai.offline.grading.reading import Reading, read_answer
from adapters.ai.offline.grading.star import Star, read_star, star_score
from adapters.ai.offline.roles import GENERAL
from adapters.ai.offline.text import content_words, term, term_set
from core.records import frozen

# Words that frame a question rather than say what it is about.
_QUESTION_WORDS = frozenset(
    """
    answer approach briefly common compare describe detail details difference differences
    different discuss explain give handle important kind kinds main mean means please share
    situation tell time type types walk work works example examples happen happens happened
    would
    """.split()
)
_STORY_PROMPTS = (
    "tell me about", "tell us about", "describe a time", "describe a situation",
    "describe how you", "give an example", "give me an example", "have you ever", "talk about a time",
    "share an example", "a time when you", "walk me through a", "how do you mentor",
    "how have you", "what is your greatest", "what was your",
)
_LENGTH_CAPS = ((8, 2), (20, 4), (40, 6), (70, 8))
_ON_TOPIC = 1.5


@frozen
class Grade:
    """How an answer measures up. ``covered``, ``partial``, ``missed`` and
    ``contradicted`` are key points for a bank question, key terms of the
    question otherwise."""

    rating: int
    in_bank: bool
    kind: Kind
    family: str
    covered: tuple[str, ...]
    partial: tuple[str, ...]
    missed: tuple[str, ...]
    contradicted: tuple[str, ...]
    wrong: tuple[Error, ...]
    """The misconceptions the answer asserts."""
    word_count: int
    has_example: bool
    has_specifics: bool
    has_structure: bool
    off_topic: bool
    stuffed: bool
    star: Star | None

    @property
    def coverage(self) -> float:
        total = len(self.covered) + len(self.partial) + len(self.missed) + len(self.contradicted)
        return (len(self.covered) + 0.5 * len(self.partial)) / total if total else 0.0

    @property
    def concrete(self) -> bool:
        """Gives an example or specifics (or, for a story, a situation and own actions)."""
        if self.star is not None:
            return self.star.situation and self.star.actions > 0
        return self.has_example or self.has_specifics


def is_story_prompt(text: str) -> bool:
    """Whether a question of the user's own asks for an experience."""
    lowered = " ".join(text[:2000].lower().split())
    return any(prompt in lowered for prompt in _STORY_PROMPTS)


def key_terms(question_text: str) -> list[str]:
    """The words of a question that say what it is about, as written."""
    seen: dict[str, str] = {}
    for word in content_words(question_text[:2000]):
        if word not in _QUESTION_WORDS:
            seen.setdefault(term(word), word)
    return list(seen.values())


def grade_answer(
    question: BankQuestion | None, question_text: str, answer: str, family: str = GENERAL
) -> Grade:
    """Grade ``answer`` to ``question`` (or, when it is not a bank question,
    to ``question_text`` with the rubric of ``family``)."""
    reading = read_answer(answer)
    wrong: list[Error] = []
    if question is not None:
        kind = question.kind
        wrong = asserted(question.misconceptions, reading)
        claimed = {m.contradicts for m in wrong if m.contradicts is not None}
        points = judge_points(question.key_points, reading, claimed)
        reference = term_set(" ".join((question.text, *question.key_points, question.answer)))
        depth = min(1.0, len(reading.connected & term_set(question.answer)) / 25)
    else:
        kind = Kind.BEHAVIORAL if is_story_prompt(question_text) else Kind.TECHNICAL
        wanted = key_terms(question_text)
        covered = tuple(w for w in wanted if term(w) in reading.connected)
        points = PointJudgement(covered, (), tuple(w for w in wanted if w not in covered), ())
        reference = term_set(question_text[:2000])
        depth = min(2.0, len(reading.connected) / 40)
    relevance = len(reading.content & reference) / len(reading.content) if reading.content else 0.0
    star = read_star(reading) if kind is Kind.BEHAVIORAL else None
    off_topic = reading.word_count > 0 and points.coverage < 0.15 and relevance < 0.2
    if star is not None and star.parts >= 3:  # a full story; its words need not echo the question
        off_topic = off_topic and question is not None and relevance < 0.1
    grade = Grade(
        rating=1,
        in_bank=question is not None,
        kind=kind,
        family=family,
        covered=points.covered,
        partial=points.partial,
        missed=points.missed,
        contradicted=points.contradicted,
        wrong=tuple(wrong),
        word_count=reading.word_count,
        has_example=reading.has_example,
        has_specifics=reading.has_specifics,
        has_structure=reading.has_structure,
        off_topic=off_topic,
        stuffed=reading.stuffed,
        star=star,
    )
    if reading.word_count == 0:
        return grade
    return attrs.evolve(grade, rating=_rating(grade, reading, points, depth, relevance))


def _rating(grade: Grade, reading: Reading, points: PointJudgement, depth: float, relevance: float) -> int:
    coverage = points.coverage
    total = len(points.covered) + len(points.partial) + len(points.missed) + len(points.contradicted)
    if grade.star is not None:
        score = star_score(grade.star, coverage)
    else:
        if not total:  # a question without content words: only form can be judged
            coverage = 0.5
        style = 0.4 * reading.has_example + 0.3 * reading.has_specifics + 0.3 * reading.has_structure
        if grade.in_bank:
            score = 1 + 6.5 * coverage + depth + style * min(1.0, 2 * coverage)
            if not (grade.wrong or grade.off_topic or reading.stuffed):
                # on the subject and saying nothing wrong: a start, even in other words
                score += _ON_TOPIC * min(1.0, relevance / 0.5)
        else:  # the question's own terms are a weak measure: form counts more
            score = 2 + 3.5 * coverage + min(2.5, len(reading.connected) / 16) + 2 * style
    for limit, cap in _LENGTH_CAPS:
        if reading.word_count < limit:
            score = min(score, cap)
            break
    if grade.off_topic:
        score = min(score, 2)
    if grade.stuffed:
        score = min(score, 3)
    errors = len(grade.wrong)
    if errors:
        score = min(score, 3 if errors == 1 and coverage >= 0.6 else 2)
    return max(1, min(10, round(score)))
