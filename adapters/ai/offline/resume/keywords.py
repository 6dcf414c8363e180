"""Keyword coverage: which of the job's skills (or, when it names none, its
requirement terms) the resume mentions, and whether it shows them in its
experience rather than only listing them."""

from __future__ import annotations

import re
from collections import Counter

from adapters.ai.offline.resume.reading import (
    MAJOR,
    MINOR,
    STRENGTH,
    Resume,
    feedback_item,
    listed,
    mentions,
    scored,
    them,
)
from adapters.ai.offline.resume.vocabulary import MAX_NAMES, STOPWORDS, WORD
from adapters.ai.offline.skills import extract_skills
from adapters.ai.offline.text import capped, sentences, term_set, words
from core.domain import CategoryAnalysis, FeedbackItem, JobContext
from core.records import frozen


@frozen
class Coverage:
    wanted: list[str]
    found: list[str]
    missing: list[str]
    from_taxonomy: bool
    """False when the job named no known skill and its frequent terms stand in."""

    @property
    def share(self) -> float:
        return len(self.found) / len(self.wanted) if self.wanted else 0.0


_LIST_SPLIT = re.compile(r"[,;:•·\n()]| and | or ")
_LEAD_IN = frozenset(
    "experience knowledge understanding proficiency familiarity expertise ability skills skill "
    "strong solid good excellent proven working hands-on demonstrated background years year "
    "plus with in of using the a an your you our we requirements required requirement must "
    "nice have bonus preferred desirable ideally".split()
)
_MIN_TERMS = 4


def _proper_nouns(description: str) -> set[str]:
    """Capitalised words that do not start a sentence (company, place and
    people's names), lower-cased; all-capital acronyms (BLS, GAAP) are kept
    as terms."""
    nouns: set[str] = set()
    for sentence in sentences(description):
        for word in sentence.split()[1:]:
            bare = word.strip(".,;:()'’\"!?")
            if bare[:1].isupper() and not bare.isupper() and not any(ch.isdigit() for ch in bare):
                nouns.add(bare.lower().removesuffix("'s").removesuffix("’s"))
    return nouns


def job_terms(job: JobContext) -> list[str]:
    """What the job asks for when the taxonomy knows none of it: the items
    of its requirement lists ("patient assessment", "SBAR handover"), then
    its most frequent words, never its company, place or people's names nor
    boilerplate."""
    description = capped(job.description)
    excluded = _proper_nouns(description) | {w.lower() for w in WORD.findall(job.name)}
    items: dict[str, None] = {}
    for sentence in sentences(description):
        for piece in _LIST_SPLIT.split(sentence):
            kept = [w for w in words(piece) if w not in _LEAD_IN and w not in STOPWORDS]
            if kept and len(kept) <= 3 and not any(w in excluded for w in kept) and not any(
                ch.isdigit() for w in kept for ch in w
            ):
                if len(kept) > 1 or len(kept[0]) >= 4 or kept[0].upper() in piece:
                    items.setdefault(" ".join(kept), None)
    terms = list(items)[:MAX_NAMES]
    if len(terms) < _MIN_TERMS:
        counts = Counter(
            w for w in words(description) if len(w) >= 4 and w not in STOPWORDS and w not in excluded
        )
        terms += [w for w, _ in counts.most_common(MAX_NAMES) if w not in items][: MAX_NAMES - len(terms)]
    return terms


def coverage_of(job: JobContext, resume: Resume) -> Coverage:
    wanted = extract_skills(f"{job.title or ''}\n{job.description}")
    from_taxonomy = bool(wanted)
    if not wanted:
        wanted = job_terms(job)
    present = set(extract_skills(resume.text)) if from_taxonomy else set()
    resume_terms = term_set(resume.text)
    found = [
        s
        for s in wanted
        if s in present or (not from_taxonomy and term_set(s) <= resume_terms) or mentions(resume.text, s)
    ]
    missing = [s for s in wanted if s not in found]
    return Coverage(wanted, found, missing, from_taxonomy)


def _mentions_outside_skills(resume: Resume, skill: str) -> bool:
    return any(
        mentions(line, skill)
        for name, lines in resume.sections.items()
        if name != "skills"
        for line in lines
    )


def keyword_coverage(coverage: Coverage, resume: Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    what = "skills" if coverage.from_taxonomy else "key terms"
    if not coverage.wanted:
        return scored(
            5,
            "The job description names no specific skills to check against.",
            [
                feedback_item(
                    MINOR,
                    "Job description too short",
                    "Add the full job description to your job info so your resume can be "
                    "checked against the skills it asks for.",
                )
            ],
        )
    if coverage.found:
        items.append(
            feedback_item(
                STRENGTH,
                "Matching " + what,
                f"Your resume mentions {listed(coverage.found)}, which the job asks for.",
            )
        )
    if coverage.missing:
        severity = MAJOR if coverage.share < 0.6 else MINOR
        pronoun = them(len(coverage.missing))
        items.append(
            feedback_item(
                severity,
                "Missing " + what,
                f"The job asks for {listed(coverage.missing)}, but your resume does not mention "
                f"{pronoun}. If you have used {pronoun}, name {pronoun} in your skills section and in the "
                f"bullet where you used {pronoun}: applicant tracking systems match these words "
                "literally.",
            )
        )
    if coverage.from_taxonomy and "skills" in resume.sections and (
        "experience" in resume.sections or "projects" in resume.sections
    ):
        shown = set(
            extract_skills(
                "\n".join(resume.sections.get("experience", []) + resume.sections.get("projects", []))
            )
        )
        unshown = [s for s in coverage.found if s not in shown and not _mentions_outside_skills(resume, s)]
        if unshown:
            pronoun = them(len(unshown))
            items.append(
                feedback_item(
                    MINOR,
                    "Skills listed but not demonstrated",
                    f"{listed(unshown)} {'appears' if len(unshown) == 1 else 'appear'} only in "
                    f"your skills list. Mention {pronoun} in an experience or project bullet that "
                    f"shows what you did with {pronoun}.",
                )
            )
    summary = (
        f"Your resume mentions {len(coverage.found)} of the {len(coverage.wanted)} {what} "
        "the job asks for"
        + (f"; missing: {listed(coverage.missing)}." if coverage.missing else ".")
    )
    return scored(10 * coverage.share, summary, items)
