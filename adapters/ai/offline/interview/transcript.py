"""Reading a mock-interview transcript for feedback: the candidate's answers
(consecutive lines joined), each matched to the question it answers and
timed from it, and helpers that quote the candidate's own words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from attrs import field

from adapters.ai.offline.bank import BankQuestion, QuestionBank
from adapters.ai.offline.text import capped
from core.domain import Speaker, TranscriptEntry
from core.records import frozen
from core.speech import SpeechMetrics

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
_LONE_I = re.compile(r"\bi\b")
_MAX_ANSWERS = 200
_INVITATIONS = ("questions for me", "questions for us", "anything you'd like to ask", "anything you would like to ask")


@frozen
class Answer:
    text: str
    question: str | None
    """The question it answers, as asked (the bank's wording when known)."""
    bank_question: BankQuestion | None
    delay: float | None
    """Seconds from the interviewer's line to this reply, when measurable."""
    words: int = field(init=False)

    @property
    def to_invitation(self) -> bool:
        """Answers "do you have any questions for me?" (not graded)."""
        lowered = (self.question or "").lower()
        return any(p in lowered for p in _INVITATIONS)

    @words.default
    def _count(self) -> int:
        return len(_WORD.findall(self.text))


def seconds(later: object, earlier: object) -> float | None:
    try:
        value = (later - earlier).total_seconds()  # type: ignore[operator]
    except (TypeError, AttributeError):
        return None  # naive and aware times mixed: not measurable
    return value if value >= 0 else None


def _asked_in(line: str, bank: QuestionBank) -> tuple[str | None, BankQuestion | None]:
    """The question an interviewer's line asks: a bank question it quotes,
    else its last sentence ending in a question mark."""
    mentioned = bank.mentioned_in(line)
    if mentioned:
        return mentioned[-1].text, mentioned[-1]
    questions = [s for s in _SENTENCE_END.split(" ".join(line.split())) if s.endswith("?")]
    return (questions[-1] if questions else line or None), None


def answers(transcript: Sequence[TranscriptEntry], bank: QuestionBank) -> list[Answer]:
    """Candidate replies, consecutive lines joined into one answer, and a
    reply to a follow-up joined to the answer of the bank question it
    follows up."""
    found: list[Answer] = []
    previous: TranscriptEntry | None = None
    for entry in transcript:
        text = " ".join(capped(entry.text).split())
        if entry.speaker is Speaker.CANDIDATE and text:
            if previous is not None and previous.speaker is Speaker.CANDIDATE and found:
                last = found[-1]
                joined = capped(f"{last.text} {text}")
                found[-1] = Answer(joined, last.question, last.bank_question, last.delay)
            elif len(found) >= _MAX_ANSWERS:
                break
            elif previous is not None and previous.speaker is Speaker.INTERVIEWER:
                question, bank_question = _asked_in(capped(previous.text), bank)
                if bank_question is None and found and found[-1].bank_question is not None:
                    # a reply to a follow-up still answers the bank question asked before it
                    last = found[-1]
                    found[-1] = Answer(capped(f"{last.text} {text}"), last.question, last.bank_question, last.delay)
                else:
                    found.append(Answer(text, question, bank_question, seconds(entry.at, previous.at)))
            else:
                found.append(Answer(text, None, None, None))
        if text:
            previous = entry
    return found


def clip(text: str, limit: int) -> str:
    flat = " ".join(text.split()).replace("`", "'").replace("“", '"').replace("”", '"')
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def quote(text: str, pattern: re.Pattern[str] | None = None, limit: int = 110) -> str:
    """The sentence of ``text`` where ``pattern`` matches (or its first), in quotes."""
    sentences = [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]
    chosen = sentences[0] if sentences else text
    if pattern is not None:
        chosen = next((s for s in sentences if pattern.search(s)), chosen)
        match = pattern.search(chosen)
        if match and len(chosen) > limit and match.start() > limit // 2:
            chosen = "…" + chosen[max(0, match.start() - limit // 3) :]
    return f"“{clip(chosen, limit).removesuffix('.')}”"


def names(names: Sequence[str], limit: int = 10) -> str:
    shown = list(names[:limit])
    if not shown:
        return ""
    if len(names) > limit:
        return ", ".join(shown) + f" and {len(names) - limit} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def shown(phrases: Sequence[str]) -> str:
    """Phrases as found, quoted, with a lone “i” put back in capitals."""
    return names(["“" + _LONE_I.sub("I", p) + "”" for p in phrases])




@frozen
class Rating:
    """One category of the feedback: its score, notes and the strengths and
    improvements it contributes to the summary."""

    title: str
    score: int
    points: list[str]
    strengths: list[str]
    improvements: list[str]


def rating(title: str, points: float, notes: list[str], good: list[str], bad: list[str]) -> Rating:
    return Rating(title, max(1, min(10, int(points + 0.5))), notes, good, bad)


def spoken_metrics(transcript: Sequence[TranscriptEntry]) -> list[SpeechMetrics]:
    """The metrics of the candidate's spoken answers (typed ones have none)."""
    return [e.speech for e in transcript if e.speaker is Speaker.CANDIDATE and e.speech is not None]
