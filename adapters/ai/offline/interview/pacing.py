"""How the candidate paced a mock interview, measured from the transcript:
reply times judged against the time needed to type or say the answer, and
length; for spoken answers the words per minute and pauses measured from
the audio."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from adapters.ai.offline.interview.transcript import Answer, Rating, plural, quote, rating, seconds, spoken_metrics
from core.domain import TranscriptEntry
from core.speech import SpeechMetrics

_SHORT_ANSWER_WORDS = 15
_LONG_ANSWER_WORDS = 250
_SLOW_EXTRA_SECONDS = 45
"""A reply is slow when it came this much later than the time needed to
type it (``_SECONDS_PER_WORD``): typed answers are not penalised for the
time typing takes, spoken ones have even more slack."""
_SECONDS_PER_WORD = 2.5
_COMFORTABLE_WPM = (110, 170)
"""A pace most listeners follow easily, in words per minute."""


def _spoken_pace(spoken: list[SpeechMetrics]) -> tuple[float | None, list[float]]:
    """Words per minute over all the speaking time, and every long pause."""
    speaking = sum(s.speaking_seconds for s in spoken)
    words = sum(s.words for s in spoken)
    wpm = 60 * words / speaking if speaking > 0 and words else None
    return wpm, [p for s in spoken for p in s.long_pauses]


def _slow_by(answer: Answer) -> float:
    """How much longer than typing it took the reply to come."""
    if answer.delay is None:
        return 0.0
    return answer.delay - answer.words * _SECONDS_PER_WORD


def pacing(answers: list[Answer], transcript: Sequence[TranscriptEntry]) -> Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    points = 8.0
    timed = [a for a in answers if a.delay is not None]
    total = seconds(transcript[-1].at, transcript[0].at)
    if total:
        minutes, rest = divmod(int(total), 60)
        notes.append(f"The interview lasted {minutes} min {rest:02d} s.")
    if timed:
        delays = [a.delay for a in timed if a.delay is not None]
        notes.append(
            f"You replied a median of {median(delays):.0f} seconds after each question "
            f"(longest {max(delays):.0f} s)."
        )
        slow = [a for a in timed if _slow_by(a) > _SLOW_EXTRA_SECONDS]
        if slow:
            points -= min(4, 1.5 * len(slow))
            worst = max(slow, key=_slow_by)
            question = f" {quote(worst.question, limit=70)}" if worst.question else ""
            notes.append(
                f"{plural(len(slow), 'reply', 'replies')} came slowly: you took "
                f"{worst.delay:.0f} seconds to answer{question} with "
                f"{plural(worst.words, 'word')}: {quote(worst.text, limit=80)}."
            )
            bad.append(
                "Answer sooner: buy thinking time aloud (“Let me think about the trade-offs…”) "
                "rather than in silence."
            )
        else:
            points += 1
            good.append("You answered promptly.")
    else:
        notes.append("Response times could not be measured from this transcript.")
    rambling = [a for a in answers if a.words > _LONG_ANSWER_WORDS]
    if rambling:
        points -= min(2, len(rambling))
        notes.append(
            f"{plural(len(rambling), 'answer')} ran past {_LONG_ANSWER_WORDS} words, e.g. "
            f"{quote(rambling[0].text)}; aim for one to two minutes per answer."
        )
        bad.append("Keep answers to one or two minutes.")
    elif answers and all(a.words >= _SHORT_ANSWER_WORDS for a in answers):
        notes.append("Your answers were neither rushed nor rambling.")
    points += _heard_pace(spoken_metrics(transcript), notes, good, bad)
    return rating("Pacing and Timing", points, notes, good, bad)


def _heard_pace(spoken: list[SpeechMetrics], notes: list[str], good: list[str], bad: list[str]) -> float:
    """What the audio says of pacing: words per minute over the time a voice
    was heard, and the long silences within answers."""
    wpm, pauses = _spoken_pace(spoken)
    if wpm is None:
        return 0.0
    low, high = _COMFORTABLE_WPM
    points = 0.0
    if low <= wpm <= high:
        points += 1
        good.append(f"You spoke at a comfortable pace, about {wpm:.0f} words per minute.")
        notes.append(f"You spoke at about {wpm:.0f} words per minute ({low}–{high} is easy to follow).")
    else:
        points -= 1.5 if wpm < low - 20 or wpm > high + 20 else 0.5
        way = "slowly" if wpm < low else "fast"
        notes.append(f"You spoke {way}, about {wpm:.0f} words per minute ({low}–{high} is easy to follow).")
        bad.append("Slow down a little and breathe between points." if wpm > high
                   else "Pick up the pace a little: shorter sentences help.")
    if pauses:
        notes.append(
            f"The recordings had {plural(len(pauses), 'long pause')} inside answers "
            f"(longest {max(pauses):.0f} s)."
        )
        if len(pauses) > 2 * len(spoken):
            points -= 1
            bad.append("Fewer long silences mid-answer: say what you are thinking about.")
    return points
