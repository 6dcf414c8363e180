"""The offline coach's feedback on a finished mock interview.

``interview_feedback`` reads the transcript and rates the candidate in seven
categories, each out of 10, from what can be measured: how long and how
structured the answers were (examples, results, numbers), filler and hedging
words, how long each reply took after the interviewer spoke, the job's skills
the candidate mentioned and the questions the candidate asked. Every point
quotes the candidate's own words where they support it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

from attrs import field, frozen

from adapters.ai.offline.skills import extract_skills
from core.coaching import JobContext, Speaker, TranscriptEntry
from core.domain import ExperienceLevel
from core.errors import NotCompleted

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
_EXAMPLE = re.compile(
    r"\b(?:for example|for instance|e\.g\.|at my (?:last|previous|current)|in my (?:last|previous|"
    r"current)|when i was|one time|once,|there was a time|in one project|on one project)\b",
    re.IGNORECASE,
)
_RESULT = re.compile(
    r"\b(?:as a result|the result|resulted in|the outcome|which led to|that led to|so that|"
    r"which meant|we saved|i saved|reduc\w+|increas\w+|improv\w+|cut)\b",
    re.IGNORECASE,
)
_STAR = re.compile(r"\b(?:situation|task|action|result)\b", re.IGNORECASE)
_STRUCTURE = re.compile(
    r"\b(?:first(?:ly)?|second(?:ly)?|then|next|finally|because|so that|in short|overall)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|\b(?:percent|hundred|thousand|million|billion|twice|double[d]?|half|halved|tripled)\b",
    re.IGNORECASE,
)
_ENTHUSIASM = re.compile(
    r"\b(?:excited|exciting|interested|interesting|passionate|enjoy(?:ed)?|love[d]?|keen|"
    r"curious|motivat\w+|thrilled)\b",
    re.IGNORECASE,
)
_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*years\b", re.IGNORECASE)
_LEADERSHIP = re.compile(
    r"\b(?:led|lead|mentored|mentoring|managed|owned|architected|coached|hired|tech lead)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
_LONE_I = re.compile(r"\bi\b")

_SHORT_ANSWER_WORDS = 15
_LONG_ANSWER_WORDS = 250
_SLOW_EXTRA_SECONDS = 25
"""A reply is slow when it came this much later than the time needed to say
or type it at 60 words a minute."""
_SECONDS_PER_WORD = 1.0


# --- reading the transcript ---------------------------------------------------


@frozen
class _Answer:
    text: str
    question: str | None
    delay: float | None
    """Seconds from the interviewer's line to this reply, when measurable."""
    words: int = field(init=False)

    @words.default
    def _count(self) -> int:
        return len(_WORD.findall(self.text))

    @property
    def slow_by(self) -> float:
        if self.delay is None:
            return 0.0
        return self.delay - self.words * _SECONDS_PER_WORD


def _seconds(later: object, earlier: object) -> float | None:
    try:
        seconds = (later - earlier).total_seconds()  # type: ignore[operator]
    except (TypeError, AttributeError):
        return None  # naive and aware times mixed: not measurable
    return seconds if seconds >= 0 else None


def _answers(transcript: Sequence[TranscriptEntry]) -> list[_Answer]:
    """Candidate replies, consecutive lines joined into one answer."""
    answers: list[_Answer] = []
    previous: TranscriptEntry | None = None
    for entry in transcript:
        text = " ".join(entry.text.split())
        if entry.speaker is Speaker.CANDIDATE and text:
            if previous is not None and previous.speaker is Speaker.CANDIDATE and answers:
                last = answers[-1]
                answers[-1] = _Answer(f"{last.text} {text}", last.question, last.delay)
            elif previous is not None and previous.speaker is Speaker.INTERVIEWER:
                answers.append(_Answer(text, previous.text, _seconds(entry.at, previous.at)))
            else:
                answers.append(_Answer(text, None, None))
        if text:
            previous = entry
    return answers


# --- quoting ------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split()).replace("`", "'").replace("“", '"').replace("”", '"')
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _quote(text: str, pattern: re.Pattern[str] | None = None, limit: int = 110) -> str:
    """The sentence of ``text`` where ``pattern`` matches (or its first), in quotes."""
    sentences = [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]
    chosen = sentences[0] if sentences else text
    if pattern is not None:
        chosen = next((s for s in sentences if pattern.search(s)), chosen)
        match = pattern.search(chosen)
        if match and len(chosen) > limit and match.start() > limit // 2:
            chosen = "…" + chosen[max(0, match.start() - limit // 3) :]
    return f"“{_clip(chosen, limit).removesuffix('.')}”"


def _names(names: Sequence[str], limit: int = 10) -> str:
    shown = list(names[:limit])
    if not shown:
        return ""
    if len(names) > limit:
        return ", ".join(shown) + f" and {len(names) - limit} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def _shown(phrases: Sequence[str]) -> str:
    """Phrases as found, quoted, with a lone “i” put back in capitals."""
    return _names(["“" + _LONE_I.sub("I", p) + "”" for p in phrases])


# --- the categories -----------------------------------------------------------


@frozen
class _Rating:
    title: str
    score: int
    points: list[str]
    strengths: list[str]
    improvements: list[str]


def _rating(title: str, points: float, notes: list[str], good: list[str], bad: list[str]) -> _Rating:
    return _Rating(title, max(1, min(10, int(points + 0.5))), notes, good, bad)


def _clarity(answers: list[_Answer]) -> _Rating:
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
            f"You used {_plural(len(fillers), 'filler word')} ({_shown(kinds)}), "
            f"about {rate:.0f} per 100 words, e.g. {_quote(worst.text, _FILLERS)}."
        )
        notes.append(line)
        if rate > 1:
            bad.append(
                f"Cut filler words ({_shown(kinds[:3])}): pause silently instead."
            )
    sentences = [s for a in answers for s in _SENTENCE_END.split(a.text) if s.strip()]
    long_sentences = [s for s in sentences if len(s.split()) > 35]
    if long_sentences:
        points -= 1
        notes.append(
            f"{_plural(len(long_sentences), 'sentence')} ran past 35 words, e.g. "
            f"{_quote(long_sentences[0])}; shorter sentences are easier to follow."
        )
    structured = [a for a in answers if _STRUCTURE.search(a.text)]
    if len(structured) * 2 >= len(answers) and answers:
        points += 1
        notes.append(
            f"You signposted your reasoning, e.g. {_quote(structured[0].text, _STRUCTURE)}."
        )
        good.append("Your answers had a clear order (first, then, because).")
    elif not structured:
        notes.append("Signpost your answers (“first… then… because…”) so the listener can follow.")
    average = words / len(answers)
    if average < 10:
        points -= 2
        notes.append(f"Your answers averaged {average:.0f} words, too brief to follow your thinking.")
    return _rating("Communication Clarity", points, notes, good, bad)


def _confidence(answers: list[_Answer]) -> _Rating:
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
            f"You hedged {_plural(len(hedges), 'time')} ({_shown(kinds)}), "
            f"e.g. {_quote(first.text, _HEDGES)}."
        )
        if per_answer > 0.5:
            bad.append("Replace “I think” and “maybe” with direct statements of what you know or did.")
    dont_know = [a for a in answers if _DONT_KNOW.search(a.text)]
    if dont_know:
        points -= 1
        notes.append(
            f"You said you did not know in {_plural(len(dont_know), 'answer')}, e.g. "
            f"{_quote(dont_know[0].text, _DONT_KNOW)}. Say how you would find out instead."
        )
    apologies = [a for a in answers if _APOLOGY.search(a.text)]
    if apologies:
        points -= min(2, len(apologies))
        notes.append(f"You apologised, e.g. {_quote(apologies[0].text, _APOLOGY)}; no need to.")
    owned = [a for a in answers if _OWNERSHIP.search(a.text)]
    if len(owned) >= 2 or (owned and len(answers) <= 2):
        points += 1
        notes.append(f"You owned your work: {_quote(owned[0].text, _OWNERSHIP)}.")
        good.append("You spoke about what you yourself did.")
    i_count = sum(len(_I.findall(a.text)) for a in answers)
    we_count = sum(len(_WE.findall(a.text)) for a in answers)
    if we_count >= 3 and we_count > 2 * i_count:
        points -= 1
        notes.append(
            f"You said “we” {we_count} times and “I” {i_count} times: make your own part clear."
        )
        bad.append("Say “I” for your own contribution, not “we”.")
    return _rating("Confidence", points, notes, good, bad)


def _answer_signals(answer: _Answer) -> int:
    return sum(
        bool(p.search(answer.text)) for p in (_EXAMPLE, _RESULT, _NUMBER, _STAR)
    ) + (answer.words >= 40)


def _quality(answers: list[_Answer]) -> _Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    average = sum(a.words for a in answers) / len(answers)
    points = 4.0
    points += 2 if average >= 40 else 1 if average >= 20 else -1 if average < _SHORT_ANSWER_WORDS else 0
    notes.append(f"Your {_plural(len(answers), 'answer')} averaged {average:.0f} words.")
    examples = [a for a in answers if _EXAMPLE.search(a.text)]
    share = len(examples) / len(answers)
    if examples:
        points += 2 if share >= 0.5 else 1
        notes.append(f"You backed points with examples, e.g. {_quote(examples[0].text, _EXAMPLE)}.")
        good.append("You gave concrete examples.")
    else:
        notes.append("None of your answers gave a concrete example from your own work.")
        bad.append("Back each answer with a specific example: situation, what you did, result.")
    results = [a for a in answers if _RESULT.search(a.text) or _STAR.search(a.text)]
    numbers = [a for a in answers if _NUMBER.search(a.text)]
    if results:
        points += 1
        notes.append(f"You described outcomes: {_quote(results[0].text, _RESULT)}.")
    else:
        notes.append("Finish answers with the result (what changed because of what you did).")
    if numbers:
        points += 1
        notes.append(f"You quantified your impact: {_quote(numbers[0].text, _NUMBER)}.")
        good.append("You put numbers on your impact.")
    else:
        bad.append("Quantify results: users, time saved, error rates, money.")
    short = [a for a in answers if a.words < _SHORT_ANSWER_WORDS]
    if short and len(short) * 2 >= len(answers):
        points -= 1
    if short:
        shortest = min(short, key=lambda a: a.words)
        asked = f" to {_quote(shortest.question, limit=70)}" if shortest.question else ""
        notes.append(
            f"{_plural(len(short), 'answer')} had fewer than {_SHORT_ANSWER_WORDS} words, such as "
            f"your reply{asked}: {_quote(shortest.text)}."
        )
        bad.append("Develop short answers into a full example.")
    best = max(answers, key=_answer_signals)
    if _answer_signals(best) >= 3:
        notes.append(f"Your strongest answer: “{_clip(best.text, 200)}”.")
    return _rating("Response Quality", points, notes, good, bad)


def _pacing(answers: list[_Answer], transcript: Sequence[TranscriptEntry]) -> _Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    points = 8.0
    timed = [a for a in answers if a.delay is not None]
    total = _seconds(transcript[-1].at, transcript[0].at)
    if total:
        minutes, seconds = divmod(int(total), 60)
        notes.append(f"The interview lasted {minutes} min {seconds:02d} s.")
    if timed:
        delays = [a.delay for a in timed if a.delay is not None]
        notes.append(
            f"You replied a median of {median(delays):.0f} seconds after each question "
            f"(longest {max(delays):.0f} s)."
        )
        slow = [a for a in timed if a.slow_by > _SLOW_EXTRA_SECONDS]
        if slow:
            points -= min(4, 1.5 * len(slow))
            worst = max(slow, key=lambda a: a.slow_by)
            question = f" {_quote(worst.question, limit=70)}" if worst.question else ""
            notes.append(
                f"{_plural(len(slow), 'reply', 'replies')} came slowly: you took "
                f"{worst.delay:.0f} seconds to answer{question} with "
                f"{_plural(worst.words, 'word')}: {_quote(worst.text, limit=80)}."
            )
            bad.append(
                "Answer sooner: buy thinking time aloud (“Let me think about the trade-offs…”) "
                "rather than in silence."
            )
        else:
            points += 1
            good.append("You answered promptly.")
    else:
        points -= 1
        notes.append("Response times could not be measured from this transcript.")
    rambling = [a for a in answers if a.words > _LONG_ANSWER_WORDS]
    if rambling:
        points -= min(2, len(rambling))
        notes.append(
            f"{_plural(len(rambling), 'answer')} ran past {_LONG_ANSWER_WORDS} words, e.g. "
            f"{_quote(rambling[0].text)}; aim for one to two minutes per answer."
        )
        bad.append("Keep answers to one or two minutes.")
    elif answers and all(a.words >= _SHORT_ANSWER_WORDS for a in answers):
        notes.append("Your answers were neither rushed nor rambling.")
    return _rating("Pacing and Timing", points, notes, good, bad)


_QUESTION_START = re.compile(
    r"^(?:(?:um+|uh+|so|and|also|okay|ok|yes|yeah|well|great|thanks|thank you)[,.!]?\s+)*"
    r"(?:what|how|why|when|where|who|which|could|can|do|does|did|is|are|will|would|should|"
    r"have|has)\b",
    re.IGNORECASE,
)


def _asked(answer: _Answer) -> list[str]:
    """The candidate's own questions: sentences that open like a question and
    end with a question mark (not an unsure answer said with a rising tone)."""
    return [
        s
        for s in _SENTENCE_END.split(answer.text)
        if s.strip().endswith("?") and _QUESTION_START.match(s.strip())
    ]


def _engagement(job: JobContext, answers: list[_Answer]) -> _Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    points = 5.0
    questions = [q for a in answers for q in _asked(a)]
    if questions:
        points += 3 if len(questions) >= 2 else 2
        notes.append(
            f"You asked {_plural(len(questions), 'question')}, e.g. {_quote(questions[0])}."
        )
        good.append("You asked the interviewer questions.")
    else:
        points -= 1
        notes.append("You did not ask the interviewer any questions.")
        bad.append("Prepare two or three questions about the team, the work and how success is measured.")
    keen = [a for a in answers if _ENTHUSIASM.search(a.text)]
    if keen:
        points += 1
        notes.append(f"You showed interest: {_quote(keen[0].text, _ENTHUSIASM)}.")
    role_words = {w for w in re.findall(r"[a-z]{4,}", f"{job.title or ''} {job.name}".lower())}
    said = " ".join(a.text.lower() for a in answers)
    if role_words and any(re.search(rf"\b{re.escape(w)}\b", said) for w in role_words):
        points += 1
        notes.append("You tied your answers to this role.")
    else:
        notes.append("Connect your answers to this role and what it involves.")
    return _rating("Engagement", points, notes, good, bad)


def _role_fit(job: JobContext, answers: list[_Answer]) -> _Rating:
    notes: list[str] = []
    good: list[str] = []
    bad: list[str] = []
    said = "\n".join(a.text for a in answers)
    wanted = extract_skills(f"{job.title or ''}\n{job.description}")
    mentioned = set(extract_skills(said))
    if wanted:
        hit = [s for s in wanted if s in mentioned]
        missed = [s for s in wanted if s not in mentioned]
        points = 3 + 5 * len(hit) / len(wanted)
        if hit:
            with_skill = next((a for a in answers if set(hit) & set(extract_skills(a.text))), answers[0])
            notes.append(
                f"You mentioned {_plural(len(hit), 'skill')} the job asks for ({_names(hit)}), "
                f"e.g. {_quote(with_skill.text)}."
            )
            good.append(f"You showed experience with {_names(hit[:3])}.")
        if missed:
            notes.append(f"You did not mention {_names(missed)}, which the job asks for.")
            bad.append(f"Prepare an example that shows {_names(missed[:3])}.")
    else:
        points = 6.0
        notes.append("The job description names no specific skills, so fit is judged on your examples.")
    years = [int(n) for n in _YEARS.findall(said) if 0 < int(n) <= 45]
    level = job.experience_level
    if years:
        most = max(years)
        fits = (
            most >= 5
            if level is ExperienceLevel.SENIOR
            else most >= 2
            if level is ExperienceLevel.MID_LEVEL
            else True
        )
        points += 1 if fits else -1
        notes.append(
            f"You mentioned {_plural(most, 'year')} of experience, which "
            + ("fits" if fits else "is light for")
            + f" a {level.value} role."
        )
    if level is ExperienceLevel.SENIOR:
        led = [a for a in answers if _LEADERSHIP.search(a.text)]
        if led:
            points += 1
            notes.append(f"You showed leadership: {_quote(led[0].text, _LEADERSHIP)}.")
        else:
            notes.append("A senior role expects leadership; you did not mention leading or mentoring.")
            bad.append("Give an example of leading a project or mentoring someone.")
    return _rating("Role Fit", points, notes, good, bad)


# --- the feedback -------------------------------------------------------------


def interview_feedback(job: JobContext, transcript: Sequence[TranscriptEntry]) -> str:
    """Markdown: ``## Overall Rating: n/10``, then the seven categories, each
    with a ``## Name: n/10`` heading. Raises NotCompleted when the candidate
    said nothing."""
    answers = _answers(transcript)
    if not answers:
        raise NotCompleted()
    ratings = [
        _clarity(answers),
        _confidence(answers),
        _quality(answers),
        _pacing(answers, transcript),
        _engagement(job, answers),
        _role_fit(job, answers),
    ]
    overall = max(1, min(10, int(sum(r.score for r in ratings) / len(ratings) + 0.5)))
    best = max(ratings, key=lambda r: r.score)
    worst = min(ratings, key=lambda r: r.score)
    role = job.title or job.name
    lines = [
        f"## Overall Rating: {overall}/10",
        "",
        f"You gave {_plural(len(answers), 'answer')} in this mock interview for {_clip(role, 80)}. "
        f"Your strongest area was {best.title.lower()} ({best.score}/10) and the one to work on "
        f"first is {worst.title.lower()} ({worst.score}/10).",
    ]
    for rating in ratings:
        lines += ["", f"## {rating.title}: {rating.score}/10", ""]
        lines += [f"- {point}" for point in rating.points]
    strengths = [s for r in sorted(ratings, key=lambda r: -r.score) for s in r.strengths][:4]
    improvements = [s for r in sorted(ratings, key=lambda r: r.score) for s in r.improvements][:4]
    lines += ["", f"## Strengths and Areas to Improve: {overall}/10", "", "**Strengths**", ""]
    lines += [f"- {s}" for s in strengths] or ["- You completed the interview: keep practising."]
    lines += ["", "**Areas to improve**", ""]
    lines += [f"- {s}" for s in improvements] or ["- Keep practising with harder questions."]
    return "\n".join(lines) + "\n"
