"""Behavioural answers judged on their structure, STAR: a real situation,
what the candidate did themselves ("I asked", "I proposed"), the result —
better when measured — and what they learned. Literal key points only add a
little: a good story need not use the bank's words.
"""

from __future__ import annotations

from adapters.ai.offline.grading.reading import Reading
from adapters.ai.offline.text import words
from core.records import frozen

_SITUATION = (
    "at my last", "in my last", "in my previous", "at my previous", "at my current",
    "in my current", "when i was", "last year", "in my first", "in my second", "years ago",
    "once", "we had", "our team", "my team", "at the time", "during", "project", "there was",
    "one day", "at work", "in my role", "as a", "for example", "for instance", "one of",
)
_RESULT = (
    "result", "outcome", "led to", "which meant", "dropped", "reduced", "increased", "improved",
    "cut", "saved", "grew", "shipped", "delivered", "launched", "won", "achieved", "fixed",
    "resolved", "completed", "finished", "rose", "fell", "halved", "doubled", "restored",
    "agreed", "recovered", "passed", "promoted", "since then", "in the end", "ended up",
    "went from", "became", "so that",
)
_LEARNING = (
    "learned", "learnt", "lesson", "taught me", "since then", "now i", "next time",
    "in hindsight", "realised", "realized", "takeaway", "i would do", "changed how",
)
_NOT_ACTIONS = frozenset(
    "think guess feel would will 'd am was 'm believe hope suppose mean know don't do not "
    "can could should might may just really".split()
)
_NUMBER_WORDS = frozenset(
    "twice half halved doubled tripled percent dozen two three four five six seven eight nine "
    "ten eleven twelve twenty hundred thousand million".split()
)


@frozen
class Star:
    situation: bool
    actions: int
    """Sentences where the candidate says what they did ("I …")."""
    result: bool
    measured: bool
    learning: bool
    we_heavy: bool
    """Says "we" far more than "I", hiding their own part."""

    @property
    def parts(self) -> int:
        return self.situation + (self.actions > 0) + self.result + self.learning


def read_star(reading: Reading) -> Star:
    lowered = " ".join(s.text.lower() for s in reading.sentences)
    actions = 0
    i_count = we_count = 0
    for sentence in reading.sentences:
        tokens = words(sentence.text)
        i_count += tokens.count("i")
        we_count += tokens.count("we")
        if any(
            token == "i" and index + 1 < len(tokens) and tokens[index + 1] not in _NOT_ACTIONS
            for index, token in enumerate(tokens)
        ):
            actions += 1
    all_words = words(lowered)
    return Star(
        situation=any(m in lowered for m in _SITUATION) or any(_is_year(w) for w in all_words),
        actions=actions,
        result=any(m in lowered for m in _RESULT),
        measured=any(ch.isdigit() for ch in lowered) or not _NUMBER_WORDS.isdisjoint(all_words),
        learning=any(m in lowered for m in _LEARNING),
        we_heavy=we_count >= 3 and we_count > 2 * i_count,
    )


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and 1980 <= int(word) <= 2039


def star_score(star: Star, coverage: float) -> float:
    """1–10 before length caps: each STAR part, measured results and
    ownership add; the key points add up to one more."""
    score = 1.0
    score += 1.5 * star.situation
    score += 0.9 * min(3, star.actions)
    score += 1.5 * star.result
    score += 1.0 * (star.measured and star.result)
    score += 1.5 * star.learning
    score += min(1.0, 2 * coverage)
    if star.we_heavy:
        score -= 1
    return score
