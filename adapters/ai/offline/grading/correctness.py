"""Whether an answer is right, not only on topic: which authored
misconceptions it asserts, and for each key point whether it is covered,
touched on, missed or contradicted.

A misconception is asserted when all the phrases of one of its cue
alternatives stand in one sentence, none of them only inside a negation's
scope, in a sentence that does not merely report the claim. A key point is
contradicted when an asserted misconception says it gets that point
backwards. (Guessing contradictions from negations alone was tried and
dropped: correct answers say "X, not just Y" too often.) A point counts as covered only when most of
its terms come together in one sentence or two neighbouring ones, so terms
scattered through a list do not score.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.ai.offline.bank import Misconception
from adapters.ai.offline.grading.reading import WINDOW, Reading, Sentence
from adapters.ai.offline.text import NEGATORS, term_set
from core.records import frozen

_COVERED = 0.6
_PARTIAL = 0.3


def _cue_found(alternative: tuple[tuple[str, ...], ...], sentence: Sentence) -> bool:
    """All the cue's terms stated (not negated) in one part of the sentence,
    within ``WINDOW`` words of an occurrence of its first term."""
    wanted = [t for t in dict.fromkeys(t for phrase in alternative for t in phrase) if t not in NEGATORS]
    if not wanted or not {t for phrase in alternative for t in phrase} <= sentence.terms:
        return False
    if not all(t in sentence.positions for t in wanted):
        return False
    first, others = wanted[0], wanted[1:]
    return any(
        all(
            any(p == part and abs(i - index) <= WINDOW for p, i in sentence.positions[t])
            for t in others
        )
        for part, index in sentence.positions[first]
    )


@frozen
class Error:
    """Something the answer gets wrong: the wrong claim, what is true, and
    the candidate's sentence that says it."""

    claim: str
    why: str
    quote: str
    contradicts: int | None


def asserted(misconceptions: Sequence[Misconception], reading: Reading) -> list[Error]:
    """The misconceptions some sentence of the answer asserts."""
    found: list[Error] = []
    for misconception in misconceptions:
        sentence = next(
            (
                sentence
                for sentence in reading.sentences
                if not sentence.disclaimed
                and any(_cue_found(alternative, sentence) for alternative in misconception.cues)
            ),
            None,
        )
        if sentence is not None:
            found.append(
                Error(misconception.claim, misconception.why, sentence.text, misconception.contradicts)
            )
    return found


@frozen
class PointJudgement:
    covered: tuple[str, ...]
    partial: tuple[str, ...]
    missed: tuple[str, ...]
    contradicted: tuple[str, ...]

    @property
    def coverage(self) -> float:
        total = len(self.covered) + len(self.partial) + len(self.missed) + len(self.contradicted)
        return (len(self.covered) + 0.5 * len(self.partial)) / total if total else 0.0


def judge_points(
    key_points: Sequence[str], reading: Reading, contradicted_by_claims: set[int]
) -> PointJudgement:
    """Each key point covered, touched on, missed or contradicted."""
    covered: list[str] = []
    partial: list[str] = []
    missed: list[str] = []
    contradicted: list[str] = []
    connected = [s for s in reading.sentences if s.connected]
    windows = [
        connected[i].content | (connected[i + 1].content if i + 1 < len(connected) else frozenset())
        for i in range(len(connected))
    ]
    for index, point in enumerate(key_points):
        wanted = term_set(point)
        if index in contradicted_by_claims:
            contradicted.append(point)
            continue
        if not wanted:
            missed.append(point)
            continue
        best = max((len(wanted & window) for window in windows), default=0)
        anywhere = len(wanted & reading.connected)
        if best / len(wanted) >= _COVERED:
            covered.append(point)
        elif anywhere and anywhere / len(wanted) >= _PARTIAL:
            partial.append(point)
        else:
            missed.append(point)
    return PointJudgement(tuple(covered), tuple(partial), tuple(missed), tuple(contradicted))

