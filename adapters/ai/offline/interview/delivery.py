"""How the candidate spoke in a mock interview, measured from the
transcript: clarity (filler words, sentence length, signposting),
confidence (hedging, apologies, owning the work; for spoken answers also the
fillers and long silences heard in the audio) and engagement (questions
asked, interest shown). Pacing is ``pacing.py``'s."""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.ai.offline.interview.transcript import Answer, Rating, plural, quote, rating, shown, spoken_metrics
from core.domain import JobContext, TranscriptEntry
from core.speech import SpeechMetrics

_FILLERS = re.compile(
    r"\b(?:u+m+|u+h+|e+rm+|e+r|a+h+|hmm+|you know|basically|literally|i mean)\b|"
    r"\blike,|,\s*like\b",
    re.IGNORECASE,
)
_HEDGES = re.compile(
    r"\b(?:i think|i guess|i suppose|maybe|probably|perhaps|sort of|kind of|i'?m not sure|"
    r"not sure|i don'?t know|hopefully|i'?m not really)\b",
    re.IGNORECASE,
)
_DONT_KNOW = re.compile(r"\bi (?:don'?t|do not) know\b", re.IGNORECASE)
_APOLOGY = re.compile(r"\b(?:sorry|apologi[sz]e)\b", re.IGNORECASE)
_OWNERSHIP = re.compile(
    r"\bI (?:led|built|designed|decided|delivered|owned|created|implemented|drove|launched|"
    r"improved|reduced|increased|wrote|shipped|architected|automated|migrated|fixed|solved|"
    r"mentored|proposed|introduced|managed)\b"
)
_I = re.compile(r"\bI\b")
_WE = re.compile(r"\bwe\b", re.IGNORECASE)
_STRUCTURE = re.compile(
    r"\b(?:first(?:ly)?|second(?:ly)?|then|next|finally|because|so that|in short|overall)\b",
    re.IGNORECASE,
)
_ENTHUSIASM = re.compile(
    r"\b(?:excited|exciting|interested|interesting|passionate|enjoy(?:ed)?|love[d]?|keen|"
    r"curious|motivat\w+|thrilled)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

_FILLERS_PER_100_WORDS = (2.0, 5.0)
"""Heard fillers per 100 words: at most the first is natural, past the second distracting."""


def clarity(answers: list[Answer]) -> Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    words = sum(a.words for a in answers)
    fillers = [(a, m) for a in answers for m in _FILLERS.finditer(a.text)]
    rate = 100 * len(fillers) / max(words, 1)
    points = 8.0
    if not fillers:
        points += 1
        good.append("You spoke without filler words.")
        notes.append("No filler words (“um”, “uh”, “like”, “you know”) in your answers.")
    else:
        kinds = list(dict.fromkeys(m.group(0).strip(", ").lower() for _, m in fillers))
        worst = max(answers, key=lambda a: len(_FILLERS.findall(a.text)))
        points -= 1 if rate <= 3 else 2 if rate <= 6 else 4
        line = (
            f"You used {plural(len(fillers), 'filler word')} ({shown(kinds)}), "
            f"about {rate:.0f} per 100 words, e.g. {quote(worst.text, _FILLERS)}."
        )
        notes.append(line)
        if rate > 1:
            bad.append(
                f"Cut filler words ({shown(kinds[:3])}): pause silently instead."
            )
    sentences = [s for a in answers for s in _SENTENCE_END.split(a.text) if s.strip()]
    long_sentences = [s for s in sentences if len(s.split()) > 35]
    if long_sentences:
        points -= 1
        notes.append(
            f"{plural(len(long_sentences), 'sentence')} ran past 35 words, e.g. "
            f"{quote(long_sentences[0])}; shorter sentences are easier to follow."
        )
    structured = [a for a in answers if _STRUCTURE.search(a.text)]
    if len(structured) * 2 >= len(answers) and answers:
        points += 1
        notes.append(
            f"You signposted your reasoning, e.g. {quote(structured[0].text, _STRUCTURE)}."
        )
        good.append("Your answers had a clear order (first, then, because).")
    elif not structured:
        notes.append("Signpost your answers (“first… then… because…”) so the listener can follow.")
    average = words / len(answers)
    if average < 10:
        points -= 2
        notes.append(f"Your answers averaged {average:.0f} words, too brief to follow your thinking.")
    return rating("Communication Clarity", points, notes, good, bad)


def confidence(answers: list[Answer], transcript: Sequence[TranscriptEntry] = ()) -> Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    hedges = [(a, m) for a in answers for m in _HEDGES.finditer(a.text)]
    per_answer = len(hedges) / len(answers)
    points = 7.0
    if not hedges:
        points += 2
        notes.append("You stated your answers without hedging.")
        good.append("You sounded sure of your answers.")
    else:
        points += 1 if per_answer <= 0.5 else -1 if per_answer <= 1.5 else -3
        kinds = list(dict.fromkeys(m.group(0).lower() for _, m in hedges))
        first = hedges[0][0]
        notes.append(
            f"You hedged {plural(len(hedges), 'time')} ({shown(kinds)}), "
            f"e.g. {quote(first.text, _HEDGES)}."
        )
        if per_answer > 0.5:
            bad.append("Replace “I think” and “maybe” with direct statements of what you know or did.")
    dont_know = [a for a in answers if _DONT_KNOW.search(a.text)]
    if dont_know:
        points -= 1
        notes.append(
            f"You said you did not know in {plural(len(dont_know), 'answer')}, e.g. "
            f"{quote(dont_know[0].text, _DONT_KNOW)}. Say how you would find out instead."
        )
    apologies = [a for a in answers if _APOLOGY.search(a.text)]
    if apologies:
        points -= min(2, len(apologies))
        notes.append(f"You apologised, e.g. {quote(apologies[0].text, _APOLOGY)}; no need to.")
    owned = [a for a in answers if _OWNERSHIP.search(a.text)]
    if len(owned) >= 2 or (owned and len(answers) <= 2):
        points += 1
        notes.append(f"You owned your work: {quote(owned[0].text, _OWNERSHIP)}.")
        good.append("You spoke about what you yourself did.")
    i_count = sum(len(_I.findall(a.text)) for a in answers)
    we_count = sum(len(_WE.findall(a.text)) for a in answers)
    if we_count >= 3 and we_count > 2 * i_count:
        points -= 1
        notes.append(
            f"You said “we” {we_count} times and “I” {i_count} times: make your own part clear."
        )
        bad.append("Say “I” for your own contribution, not “we”.")
    points += _heard_confidence(spoken_metrics(transcript), notes, good, bad)
    return rating("Confidence", points, notes, good, bad)


def _heard_confidence(spoken: list[SpeechMetrics], notes: list[str], good: list[str], bad: list[str]) -> float:
    """What the audio says of confidence: fillers heard and long silences."""
    words = sum(s.words for s in spoken)
    if not spoken or not words:
        return 0.0
    heard = sum(s.filler_words for s in spoken)
    rate = 100 * heard / words
    low, high = _FILLERS_PER_100_WORDS
    if rate <= low:
        good.append("You spoke without hesitating.")
        notes.append(f"In the recordings you said {plural(heard, 'filler word')} ({rate:.1f} per 100 words).")
        return 0.5
    notes.append(f"In the recordings you said {plural(heard, 'filler word')}, {rate:.1f} per 100 words.")
    if rate > high:
        bad.append("Fewer “um”s and “uh”s: pause silently instead; it sounds surer.")
        return -1.0
    return 0.0


_QUESTION_START = re.compile(
    r"^(?:(?:um+|uh+|so|and|also|okay|ok|yes|yeah|well|great|thanks|thank you)[,.!]?\s+)*"
    r"(?:what|how|why|when|where|who|which|could|can|do|does|did|is|are|will|would|should|"
    r"have|has)\b",
    re.IGNORECASE,
)


def _asked(answer: Answer) -> list[str]:
    """The candidate's own questions: sentences that open like a question and
    end with a question mark (not an unsure answer said with a rising tone)."""
    return [
        s
        for s in _SENTENCE_END.split(answer.text)
        if s.strip().endswith("?") and _QUESTION_START.match(s.strip())
    ]


def engagement(job: JobContext, answers: list[Answer]) -> Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    points = 5.0
    questions = [q for a in answers for q in _asked(a)]
    if questions:
        points += 3 if len(questions) >= 2 else 2
        notes.append(
            f"You asked {plural(len(questions), 'question')}, e.g. {quote(questions[0])}."
        )
        good.append("You asked the interviewer questions.")
    else:
        points -= 1
        notes.append("You did not ask the interviewer any questions.")
        bad.append("Prepare two or three questions about the team, the work and how success is measured.")
    keen = [a for a in answers if _ENTHUSIASM.search(a.text)]
    if keen:
        points += 1
        notes.append(f"You showed interest: {quote(keen[0].text, _ENTHUSIASM)}.")
    role_words = {w for w in re.findall(r"[a-z]{4,}", f"{job.title or ''} {job.name}".lower())}
    said = {w for a in answers for w in re.findall(r"[a-z]{4,}", a.text.lower())}
    if not role_words.isdisjoint(said):
        points += 1
        notes.append("You tied your answers to this role.")
    else:
        notes.append("Connect your answers to this role and what it involves.")
    return rating("Engagement", points, notes, good, bad)


