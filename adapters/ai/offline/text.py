"""Text helpers shared by the offline coach: tokenising, stop words, stemming
with a small synonym table, sentences, negation, and the normal form used to
recognise questions.

Every analysis of user text goes through ``capped`` first and uses only
patterns without nested quantifiers, so its cost is linear in the text's
length and bounded.

``terms`` is what comparisons are made on: two texts that say the same thing
with different inflections ("indexes" / "indexing"), spellings ("optimise" /
"optimize") or common synonyms ("dict" / "dictionary") give the same terms.
"""

from __future__ import annotations

import re
import threading
from functools import cache, lru_cache

import snowballstemmer

from adapters.ai.offline import data

_WORD = re.compile(r"[a-z0-9]+(?:[+#]+|(?:[.'][a-z0-9]+){0,10})")
_NORMAL = re.compile(r"[^a-z0-9+#]+")
_LOOSE_MARK = re.compile(r"(?<![a-z0-9+#])[+#]+")
_BRITISH = re.compile(r"is(e|ed|es|ing|ation|ations)$")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")

MAX_TEXT = 200_000
"""The most characters of a user's text that any analysis reads."""

NEGATORS: frozenset[str] = frozenset(
    """
    not no never none nothing neither nor without cannot can't isn't aren't wasn't weren't
    don't doesn't didn't won't wouldn't shouldn't couldn't mustn't hasn't haven't hadn't
    shan't ain't nobody nowhere
    """.split()
)
"""Words that negate what follows them in a clause."""

DISCLAIMERS: frozenset[str] = frozenset(
    "myth myths misconception misconceptions mistakenly wrongly incorrectly untrue false".split()
)
"""Words that mark a whole sentence as reporting a claim rather than making it."""

STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each etc e.g eg few for from further get gets getting got had
    hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's i i'd i'll i'm i've i.e ie if in into is isn't it it's its itself just
    let's like lot lots make makes making may me might more most mustn't my myself no nor not
    now of off on once one only or other ought our ours ourselves out over own per quite rather
    really same say says shan't she she'd she'll she's should shouldn't so some something such
    than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've thing things this those through thus to too under until up upon us
    use used uses using usually very via was wasn't way ways we we'd we'll we're we've well were
    weren't what what's when when's where where's whether which while who who's whom why why's
    will with won't would wouldn't yes yet you you'd you'll you're you've your yours yourself
    yourselves
    """.split()
)

# A snowball stemmer keeps the word it works on in itself, so threads take turns.
_stemmer = snowballstemmer.stemmer("english")
_stemmer_lock = threading.Lock()


def words(text: str) -> list[str]:
    """The lower-cased word tokens of ``text``; keeps ``c++``, ``c#``,
    ``node.js`` and ``3.12`` whole, splits on hyphens and other punctuation."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def capped(text: str) -> str:
    """``text`` cut to the first ``MAX_TEXT`` characters."""
    return text[:MAX_TEXT]


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: split after ``.``, ``!``, ``?`` or ``;``
    and at line breaks (a bullet is a sentence), blanks dropped."""
    return [s for s in (part.strip() for part in _SENTENCE.split(text)) if s]


def normalize(text: str) -> str:
    """``text`` reduced to lower-case words separated by single spaces, with
    markdown and punctuation gone: the form in which two renderings of the
    same question compare equal."""
    return _NORMAL.sub(" ", _LOOSE_MARK.sub(" ", text.lower())).strip()


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The stem of one lower-case word, with British "-ise" spellings folded
    into "-ize" first so that both stem alike."""
    if len(word) >= 6:
        word = _BRITISH.sub(r"iz\1", word)
    with _stemmer_lock:
        return _stemmer.stemWord(word)


@cache
def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in data.load("synonyms.json"):
        canonical = stem(group[0])
        for word in group:
            table[stem(word)] = canonical
    return table


def term(word: str) -> str:
    """The comparison form of one lower-case word: its stem, mapped to the
    stem of its synonym group's first word when it has one."""
    stemmed = stem(word)
    return _synonyms().get(stemmed, stemmed)


def terms(text: str) -> list[str]:
    """The content terms of ``text`` in order: words without stop words,
    stemmed and mapped through the synonym table."""
    return [term(w) for w in words(text) if w not in STOPWORDS and not _is_filler(w)]


def term_set(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def content_words(text: str) -> list[str]:
    """The distinct content words of ``text`` as written (lower-cased), in
    order of first appearance: for showing which words a comparison used."""
    seen: dict[str, None] = {}
    for w in words(text):
        if w not in STOPWORDS and not _is_filler(w):
            seen.setdefault(w, None)
    return list(seen)


def _is_filler(word: str) -> bool:
    return len(word) == 1 and word not in {"c"}
