"""Which language a resume is written in, from its function words: the
analysis is built for English, so a resume in another language is told so
(its dates and structure are still read)."""

from __future__ import annotations

from adapters.ai.offline.text import words

_FUNCTION_WORDS = {
    "English": "the and of to in for with on as at by is was my our from this that",
    "German": "und der die das mit für von bei im zu den ist ich als auf eine ein des dem zur zum",
    "French": "et le les des du pour avec dans un une au aux sur par est je mon mes",
    "Spanish": "y el los las del para con en un una por que al mi mis es",
    "Dutch": "en het van voor met een op bij te als ik mijn zijn",
    "Portuguese": "e os das dos para com em um uma por que ao no na meu",
    "Italian": "e il di del della per con un una che al nel sono mio",
}
_TABLE = {lang: frozenset(ws.split()) for lang, ws in _FUNCTION_WORDS.items()}
_MIN_WORDS = 30


def language_of(text: str) -> str:
    """The language whose function words ``text`` uses most ("English" when
    unsure or too short)."""
    tokens = words(text[:50_000])
    if len(tokens) < _MIN_WORDS:
        return "English"
    counts = {lang: sum(1 for t in tokens if t in table) for lang, table in _TABLE.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] > 1.5 * counts["English"] and counts[best] >= 5 else "English"
