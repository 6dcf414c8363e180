"""How the grader reads an answer: sentences, their terms, which words a
negation covers, and whether a sentence connects its terms (a sentence) or
only lists them (keyword stuffing).

Everything is one pass over the words of the answer (capped at
``MAX_TEXT``), without backtracking patterns.
"""

from __future__ import annotations

import re

from adapters.ai.offline.skills import extract_skills
from adapters.ai.offline.text import (
    DISCLAIMERS,
    NEGATORS,
    STOPWORDS,
    capped,
    sentences,
    term,
    words,
)
from core.records import frozen

_CLAUSE = re.compile(r"[,:;()\u2014\u2013]| - ")
_SCOPE = 4
"""How many words after a negator it covers (within its clause)."""
_CONNECTED_SHARE = 0.2
_LIST_COMMAS = 0.25
"""A sentence with a comma every four words and few function words is a list of terms."""
_EXAMPLE_MARKERS = (
    "for example", "for instance", "e.g.", "such as", "say we", "imagine", "in my last",
    "in my previous", "in my current", "at my last", "at my previous", "at my current",
    "on a project", "on one project", "on my project", "we had", "we were", "i once",
    "i worked", "i built", "i led", "i wrote", "i used", "i implemented", "i fixed",
    "i designed", "i noticed", "i introduced", "i was", "like this", "```",
)
_STEP_WORDS = frozenset("first firstly second secondly then next finally lastly step".split())
_NOT_TRUE = frozenset({"true", "correct", "right", "case"})
_EXCLUDING = frozenset({"except", "unlike", "excluding"})
"""Words that, like a negation, take what follows out of the claim."""
_EXCLUDING_PAIRS = frozenset(
    {("other", "than"), ("rather", "than"), ("instead", "of"), ("apart", "from"), ("as", "if"), ("as", "though")}
)
_CONTRAST = frozenset({"but", "whereas", "although", "however", "while", "yet", "though"})
"""Words that start a new part of a sentence: a claim's cues must share one."""
WINDOW = 20
"""How many words apart a claim's cues may stand."""


@frozen
class Sentence:
    text: str
    terms: frozenset[str]
    """Every word's term, stop words included (cues may use them)."""
    content: frozenset[str]
    """Terms of content words only."""
    asserted: frozenset[str]
    """Terms with at least one occurrence outside a negation's scope."""
    positions: dict[str, tuple[tuple[int, int], ...]]
    """Term -> (part, word index) of each occurrence outside a negation's
    scope; parts are separated by contrasting words ("but", "whereas")."""
    negators: frozenset[str]
    """The negating words the sentence uses."""
    disclaimed: bool
    """Reports a claim rather than making it ("a common myth is …"), or asks."""
    connected: bool
    """Reads as a sentence rather than a list of terms."""


def read_sentence(text: str) -> Sentence:
    terms: set[str] = set()
    content: set[str] = set()
    positions: dict[str, list[tuple[int, int]]] = {}
    negators: set[str] = set()
    disclaimed = text.rstrip().endswith("?")
    total = function = part = 0
    for clause in _CLAUSE.split(text):
        tokens = words(clause)
        scope = 0
        for index, token in enumerate(tokens):
            total += 1
            if token in STOPWORDS:
                function += 1
            if token in DISCLAIMERS:
                disclaimed = True
            if token in _CONTRAST:
                part += 1
                scope = 0
            if token in NEGATORS or token in _EXCLUDING or (
                index and (tokens[index - 1], token) in _EXCLUDING_PAIRS
            ):
                if token in NEGATORS:
                    negators.add(token)
                scope = _SCOPE
                if index + 1 < len(tokens) and tokens[index + 1] in _NOT_TRUE:
                    disclaimed = True
                continue
            found = term(token)
            terms.add(found)
            if token not in STOPWORDS and (len(token) > 1 or token == "c"):
                content.add(found)
            if scope:
                scope -= 1
            else:
                positions.setdefault(found, []).append((part, total))
    list_like = text.count(",") >= _LIST_COMMAS * total and function < _CONNECTED_SHARE * total
    connected = total >= 2 and not list_like and (function > 0 or total >= 4)
    return Sentence(
        text=text,
        terms=frozenset(terms),
        content=frozenset(content),
        asserted=frozenset(positions),
        positions={t: tuple(p) for t, p in positions.items()},
        negators=frozenset(negators),
        disclaimed=disclaimed,
        connected=connected,
    )


@frozen
class Reading:
    sentences: tuple[Sentence, ...]
    word_count: int
    content: frozenset[str]
    """Content terms of the whole answer."""
    connected: frozenset[str]
    """Content terms of its connected sentences."""
    has_example: bool
    has_specifics: bool
    has_structure: bool

    @property
    def stuffed(self) -> bool:
        """Most of its terms stand in lists, not sentences."""
        return len(self.content) >= 6 and len(self.connected) < 0.5 * len(self.content)


def read_answer(answer: str) -> Reading:
    text = capped(answer)
    read = tuple(read_sentence(s) for s in sentences(text))
    lowered = text.lower()
    all_words = words(text)
    steps = sum(1 for w in all_words if w in _STEP_WORDS)
    listed = any(s.text[:1] in "-*•" or s.text[:2].rstrip(".)").isdigit() for s in read)
    return Reading(
        sentences=read,
        word_count=len(all_words),
        content=frozenset(t for s in read for t in s.content),
        connected=frozenset(t for s in read if s.connected for t in s.content),
        has_example=any(marker in lowered for marker in _EXAMPLE_MARKERS),
        has_specifics=any(ch.isdigit() for ch in text) or "`" in text or bool(extract_skills(text)),
        has_structure=listed or steps >= 2,
    )
