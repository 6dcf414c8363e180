"""The offline coach's resume analysis: deterministic checks a recruiter or an
applicant tracking system (ATS) would make, scored per category.

``analyze_resume`` reads the resume as plain text (what ``DocumentReader``
extracts), finds its sections, contact details, dates and bullets, compares
its skills with the job's, and turns each finding into feedback that names
what to change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from attrs import frozen

from adapters.ai.offline.skills import extract_skills
from core.coaching import (
    CategoryAnalysis,
    FeedbackItem,
    FeedbackType,
    JobContext,
    ResumeAnalysis,
)
from core.domain import ExperienceLevel

STRENGTH = FeedbackType.STRENGTH
MINOR = FeedbackType.MINOR_IMPROVEMENT
MAJOR = FeedbackType.MAJOR_IMPROVEMENT

_WEIGHTS = {
    "keyword_coverage": 0.25,
    "job_match": 0.25,
    "ats": 0.2,
    "writing_and_formatting": 0.2,
    "other": 0.1,
}

# --- vocabulary ----------------------------------------------------------------

_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary", "professional summary", "career summary", "profile", "professional profile",
        "about", "about me", "objective", "career objective", "personal statement", "overview",
    ),
    "experience": (
        "experience", "work experience", "professional experience", "relevant experience",
        "employment", "employment history", "work history", "career history",
        "professional background", "career",
    ),
    "education": (
        "education", "education and training", "academic background", "academic qualifications",
        "qualifications", "education and qualifications",
    ),
    "skills": (
        "skills", "technical skills", "key skills", "core skills", "core competencies",
        "competencies", "technologies", "tech stack", "tools", "skills and tools",
        "tools and technologies", "skills and technologies", "expertise", "areas of expertise",
    ),
    "projects": (
        "projects", "personal projects", "side projects", "selected projects", "key projects",
        "open source", "portfolio",
    ),
    "certifications": (
        "certifications", "certificates", "licenses", "licenses and certifications",
        "certifications and licenses", "courses", "training",
    ),
    "achievements": ("achievements", "awards", "honors", "honours", "awards and honors", "publications"),
    "volunteering": ("volunteering", "volunteer experience", "volunteer work"),
    "languages": ("languages",),
    "interests": ("interests", "hobbies", "hobbies and interests"),
}
_HEADING_OF = {phrase: section for section, phrases in _HEADINGS.items() for phrase in phrases}
_HEADING_KEYWORDS = {
    "experience": "experience",
    "employment": "experience",
    "education": "education",
    "skills": "skills",
    "projects": "projects",
    "summary": "summary",
    "profile": "summary",
    "certifications": "certifications",
}
_SECTION_LABELS = {
    "experience": "Experience",
    "education": "Education",
    "skills": "Skills",
    "summary": "Summary",
}

_STRONG_VERBS = frozenset(
    """
    accelerated achieved acquired adopted analysed analyzed architected authored automated
    boosted built championed coached collaborated consolidated created cut debugged decreased
    defined delivered deployed designed developed devised directed doubled drove eliminated
    enabled engineered established expanded founded generated grew guided halved headed
    implemented improved increased initiated instituted integrated introduced launched led
    maximised maximized mentored migrated minimised minimized modernised modernized negotiated
    optimised optimized orchestrated organised organized owned partnered pioneered planned
    presented produced programmed prototyped published raised rebuilt redesigned reduced
    refactored resolved restructured revamped saved scaled secured shipped simplified
    spearheaded standardised standardized streamlined strengthened taught tested trained
    transformed tripled troubleshot upgraded won wrote
    """.split()
)
_WEAK_PHRASES = (
    "responsible for", "helped with", "helped to", "helped", "worked on", "assisted with",
    "assisted in", "involved in", "participated in", "tasked with", "duties included",
    "in charge of", "was part of", "took part in", "handled",
)
_LEADERSHIP = re.compile(
    r"\b(led|lead|leading|mentored|mentoring|managed|managing|architected|owned|ownership|"
    r"head of|principal|staff engineer|tech lead|team lead|hired|coached|spearheaded)\b",
    re.IGNORECASE,
)
_LEVEL_WORDS = frozenset(
    "senior sr sr. junior jr jr. mid mid-level level lead principal staff intern graduate entry "
    "i ii iii iv the a an of and for in at to with".split()
)
_STOPWORDS = frozenset(
    """
    a about above across after all also an and any are as at be because been being both but by
    can could do does each either etc for from get has have how if in into is it its just may
    more most must new not of on one or other our out over own per plus so some such than that
    the their them then there these they this those through to too under up us use used using
    very via was we well were what when where which while who whom why will with within would
    you your ability able experience experienced team teams work working role roles strong
    skills skill knowledge understanding years year including include includes join looking
    candidate candidates company responsibilities requirements required requirement preferred
    plus bonus nice have good great excellent opportunity environment across within day days
    based level senior junior mid help build building develop developing ensure apply position
    daily weekly monthly every always often like make making want wants need needs
    """.split()
)

# --- patterns -----------------------------------------------------------------

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE = rf"(?:{_MONTH}\s*'?{_YEAR}|\d{{1,2}}\s*/\s*{_YEAR}|{_YEAR})"
_DATE_RANGE = re.compile(
    rf"(?P<start>{_DATE})\s*(?:-|–|—|to|until|till)\s*(?P<end>{_DATE}|present|current|now|today|date)",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(_YEAR)
_MONTH_DATE = re.compile(rf"\b{_MONTH}\s*'?{_YEAR}\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(rf"\b\d{{1,2}}\s*/\s*{_YEAR}\b")
_STATED_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*(?:years|yrs)\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{7,}\d")
_LINKEDIN = re.compile(r"linkedin\.com/\S+", re.IGNORECASE)
_GITHUB = re.compile(r"(?:github|gitlab)\.com/\S+", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦●‣–—►▶✓✔➢➤❖■□○]|[\ue000-\uf8ff]|\d{1,2}[.)](?=\s))\s*")
_NUMBER = re.compile(r"[$€£¥]\s?\d|\d\s?%|\b\d+(?:[.,]\d+)?\s?(?:k|m|bn|x)?\b|\b(?:doubled|tripled|halved)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\bI\b|\b(?:me|my|mine|myself)\b", re.IGNORECASE)
_REPEATED_WORD = re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.IGNORECASE)
_PERSONAL_DETAILS = re.compile(
    r"\b(date of birth|d\.?o\.?b\.?|marital status|religion|nationality|gender)\b", re.IGNORECASE
)
_REFERENCES = re.compile(r"references (?:are )?(?:available )?(?:up)?on request", re.IGNORECASE)
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_WORD = re.compile(r"[A-Za-z0-9][\w'’+#./-]*")

_MAX_NAMES = 12
_OVERLONG_BULLET_WORDS = 35
_DENSE_PARAGRAPH_WORDS = 90

# --- reading the resume -------------------------------------------------------


@frozen
class _Resume:
    text: str
    lines: list[str]
    word_count: int
    sections: dict[str, list[str]]
    bullet_marks: list[str]
    achievements: list[str]
    """Bullet points, or failing those the sentences of experience and projects."""


def _normal_heading(text: str) -> str:
    cleaned = re.sub(r"[^a-z&/ ]", "", text.lower()).replace("&", " and ").replace("/", " and ")
    return " ".join(cleaned.split())


def _heading(line: str) -> tuple[str, str] | None:
    """The section a heading line opens, and any content after a colon on it
    (“Skills: Python, SQL”); None for a line that is not a heading."""
    head, colon, rest = line.partition(":")
    if colon and rest.strip():
        section = _HEADING_OF.get(_normal_heading(head))
        return (section, rest.strip()) if section else None
    cleaned = _normal_heading(line)
    if not cleaned or len(cleaned.split()) > 5 or any(ch.isdigit() for ch in line):
        return None
    if cleaned in _HEADING_OF:
        return _HEADING_OF[cleaned], ""
    stripped = line.strip().rstrip(":")
    looks_like_heading = stripped.isupper() or stripped.istitle() or line.strip().endswith(":")
    if looks_like_heading and len(cleaned.split()) <= 4:
        for word in cleaned.split():
            if word in _HEADING_KEYWORDS:
                return _HEADING_KEYWORDS[word], ""
    return None


def _read(text: str) -> _Resume:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sections: dict[str, list[str]] = {}
    current = "header"
    bullets: list[str] = []
    marks: list[str] = []
    for line in lines:
        heading = _heading(line)
        if heading is not None:
            current, line = heading
            sections.setdefault(current, [])
            if not line:
                continue
        sections.setdefault(current, []).append(line)
        mark = _BULLET.match(line)
        if mark and len(line) > mark.end():
            marks.append(line[: mark.end()].strip()[:1] if not line[0].isdigit() else "1.")
            bullets.append(line[mark.end() :].strip())
    if not bullets:
        bullets = [
            sentence.strip()
            for name in ("experience", "projects")
            for line in sections.get(name, [])
            for sentence in re.split(r"(?<=[.!?])\s+", line)
            if len(sentence.split()) >= 6
        ]
    return _Resume(
        text=text,
        lines=lines,
        word_count=len(_WORD.findall(text)),
        sections=sections,
        bullet_marks=marks,
        achievements=bullets,
    )


# --- small helpers ------------------------------------------------------------


def _quote(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split()).replace("“", '"').replace("”", '"')
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"“{flat.removesuffix('.')}”"


def _names(names: Sequence[str]) -> str:
    shown = list(names[:_MAX_NAMES])
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _them(count: int) -> str:
    return "it" if count == 1 else "them"


def _clamp(points: float) -> int:
    return max(0, min(10, int(points + 0.5)))


def _item(kind: FeedbackType, name: str, message: str) -> FeedbackItem:
    return FeedbackItem(kind, name[:200], message[:2000])


def _category(score: float, summary: str, items: Iterable[FeedbackItem]) -> CategoryAnalysis:
    order = {MAJOR: 0, MINOR: 1, STRENGTH: 2}
    ranked = sorted(items, key=lambda item: order[item.type])
    return CategoryAnalysis(_clamp(score), summary[:2000], ranked[:50])


def _mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w+#]){re.escape(phrase)}(?![\w+#])", text, re.IGNORECASE) is not None


# --- keyword coverage ---------------------------------------------------------


@frozen
class _Coverage:
    wanted: list[str]
    found: list[str]
    missing: list[str]
    from_taxonomy: bool
    """False when the job named no known skill and its frequent terms stand in."""

    @property
    def share(self) -> float:
        return len(self.found) / len(self.wanted) if self.wanted else 0.0


def _job_terms(job: JobContext) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z+#-]{3,}", job.description)]
    counts = Counter(w for w in words if w not in _STOPWORDS)
    return [word for word, _ in counts.most_common(12)]


def _coverage(job: JobContext, resume: _Resume) -> _Coverage:
    wanted = extract_skills(f"{job.title or ''}\n{job.description}")
    from_taxonomy = bool(wanted)
    if not wanted:
        wanted = _job_terms(job)
    present = set(extract_skills(resume.text)) if from_taxonomy else set()
    found = [s for s in wanted if s in present or _mentions(resume.text, s)]
    missing = [s for s in wanted if s not in found]
    return _Coverage(wanted, found, missing, from_taxonomy)


def _mentions_outside_skills(resume: _Resume, skill: str) -> bool:
    return any(
        _mentions(line, skill)
        for name, lines in resume.sections.items()
        if name != "skills"
        for line in lines
    )


def _keyword_coverage(coverage: _Coverage, resume: _Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    what = "skills" if coverage.from_taxonomy else "key terms"
    if not coverage.wanted:
        return _category(
            5,
            "The job description names no specific skills to check against.",
            [
                _item(
                    MINOR,
                    "Job description too short",
                    "Add the full job description to your job info so your resume can be "
                    "checked against the skills it asks for.",
                )
            ],
        )
    if coverage.found:
        items.append(
            _item(
                STRENGTH,
                "Matching " + what,
                f"Your resume mentions {_names(coverage.found)}, which the job asks for.",
            )
        )
    if coverage.missing:
        severity = MAJOR if coverage.share < 0.6 else MINOR
        them = _them(len(coverage.missing))
        items.append(
            _item(
                severity,
                "Missing " + what,
                f"The job asks for {_names(coverage.missing)}, but your resume does not mention "
                f"{them}. If you have used {them}, name {them} in your skills section and in the "
                f"bullet where you used {them}: applicant tracking systems match these words "
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
            them = _them(len(unshown))
            items.append(
                _item(
                    MINOR,
                    "Skills listed but not demonstrated",
                    f"{_names(unshown)} {'appears' if len(unshown) == 1 else 'appear'} only in "
                    f"your skills list. Mention {them} in an experience or project bullet that "
                    f"shows what you did with {them}.",
                )
            )
    summary = (
        f"Your resume mentions {len(coverage.found)} of the {len(coverage.wanted)} {what} "
        "the job asks for"
        + (f"; missing: {_names(coverage.missing)}." if coverage.missing else ".")
    )
    return _category(10 * coverage.share, summary, items)


# --- ATS ----------------------------------------------------------------------


def _length_band(level: ExperienceLevel) -> tuple[int, int]:
    return {
        ExperienceLevel.JUNIOR: (250, 700),
        ExperienceLevel.MID_LEVEL: (350, 900),
        ExperienceLevel.SENIOR: (400, 1200),
    }[level]


def _phones(text: str) -> list[str]:
    found = []
    for match in _PHONE.finditer(text):
        candidate = match.group(0)
        digits = re.sub(r"\D", "", candidate)
        if not 9 <= len(digits) <= 15:
            continue
        if re.fullmatch(rf"\s*(?:{_YEAR}\D*){{2,}}", candidate):
            continue  # a range of years, not a phone number
        found.append(candidate)
    return found


def _ats(job: JobContext, resume: _Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    points = 0.0

    section_points = {"experience": 1.25, "skills": 0.75, "education": 0.5, "summary": 0.5}
    present = [name for name in section_points if name in resume.sections]
    missing = [name for name in section_points if name not in resume.sections]
    points += sum(section_points[name] for name in present)
    if present:
        items.append(
            _item(
                STRENGTH,
                "Standard section headings",
                "An applicant tracking system will recognise your "
                + _names([_SECTION_LABELS[n] for n in present])
                + " section" + ("s." if len(present) > 1 else "."),
            )
        )
    for name in missing:
        label = _SECTION_LABELS[name]
        if name == "experience" and "projects" in resume.sections:
            points += 0.75
            items.append(
                _item(
                    MINOR,
                    "No Experience section",
                    "There is a Projects section but no Experience heading. If you have any work, "
                    "internship or volunteer experience, list it under a heading named "
                    "“Experience”.",
                )
            )
        elif name == "experience":
            items.append(
                _item(
                    MAJOR,
                    "No Experience section",
                    "No heading named “Experience” (or “Work Experience”) was found. Applicant "
                    "tracking systems look for it to find your roles; use that exact wording.",
                )
            )
        else:
            reason = {
                "skills": "a Skills section is where tracking systems and recruiters look for "
                "keywords first",
                "education": "most tracking systems have an Education field to fill",
                "summary": "two or three lines at the top saying who you are and what you are "
                "looking for help a recruiter decide to read on",
            }[name]
            article = "an" if label[0] in "AEIOU" else "a"
            items.append(_item(MINOR, f"No {label} section", f"Add {article} “{label}” heading: {reason}."))

    emails = _EMAIL.findall(resume.text)
    phones = _phones(resume.text)
    profiles = _LINKEDIN.findall(resume.text) + _GITHUB.findall(resume.text)
    if emails:
        points += 1.5
    else:
        items.append(
            _item(MAJOR, "No email address", "Add an email address at the top so a recruiter can reach you.")
        )
    if phones:
        points += 1
    else:
        items.append(_item(MINOR, "No phone number", "Add a phone number next to your email address."))
    if profiles:
        points += 0.5
    else:
        items.append(
            _item(
                MINOR,
                "No LinkedIn or GitHub profile",
                "Add the address of your LinkedIn profile (and GitHub, for technical roles) to "
                "your contact details.",
            )
        )
    if emails and phones:
        items.append(
            _item(STRENGTH, "Contact details", "Your email address and phone number are easy to find.")
        )

    low, high = _length_band(job.experience_level)
    words = resume.word_count
    if low <= words <= high:
        points += 2
        items.append(
            _item(STRENGTH, "Length", f"At about {words} words, the length suits a {job.experience_level.value} role.")
        )
    elif words < low:
        short = words < low * 0.6
        points += 0 if short else 1
        items.append(
            _item(
                MAJOR if short else MINOR,
                "Too short",
                f"At about {words} words your resume says little a tracking system can match; "
                f"aim for {low}–{high} words, with bullets on what you achieved in each role.",
            )
        )
    else:
        long = words > high * 1.5
        points += 0 if long else 1
        items.append(
            _item(
                MAJOR if long else MINOR,
                "Too long",
                f"At about {words} words your resume is longer than a recruiter will read for a "
                f"{job.experience_level.value} role; aim for {low}–{high} words by cutting older "
                "or less relevant detail.",
            )
        )

    ranges = _DATE_RANGE.findall(resume.text)
    experience_lines = resume.sections.get("experience", [])
    if ranges:
        points += 2
        items.append(
            _item(STRENGTH, "Dates on roles", f"{len(ranges)} date range{'s' if len(ranges) > 1 else ''} found, so your timeline is clear.")
        )
    elif experience_lines:
        points += 0.5
        items.append(
            _item(
                MAJOR,
                "No dates on roles",
                "Give every role a start and end date (for example “Mar 2021 – Present”); "
                "tracking systems use them to work out your years of experience.",
            )
        )

    glyphs = _PRIVATE_USE.findall(resume.text)
    if glyphs:
        points -= 1
        items.append(
            _item(
                MINOR,
                "Unreadable symbols",
                f"{len(glyphs)} character{'s' if len(glyphs) > 1 else ''} came out as unreadable "
                "symbols (icon fonts or special bullets). Use plain bullets and write contact "
                "labels as text.",
            )
        )

    majors = sum(1 for item in items if item.type is MAJOR)
    summary = (
        "Easy for an applicant tracking system to parse."
        if majors == 0 and points >= 8
        else "Mostly parseable, with gaps a tracking system may stumble on."
        if majors <= 1
        else "An applicant tracking system may miss key parts of this resume."
    )
    return _category(points, summary, items)


# --- writing and formatting ---------------------------------------------------


def _quantified(line: str) -> bool:
    without_dates = _YEAR_RE.sub(" ", _DATE_RANGE.sub(" ", line))
    return _NUMBER.search(without_dates) is not None


def _weak_phrase(line: str) -> str | None:
    for phrase in _WEAK_PHRASES:
        if re.search(rf"\b{phrase}\b", line, re.IGNORECASE):
            return phrase
    return None


def _first_word(line: str) -> str:
    words = _WORD.findall(line)
    return words[0].lower() if words else ""


def _writing(resume: _Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    lines = resume.achievements
    if not lines:
        return _category(
            2,
            "No achievement bullets were found to assess.",
            [
                _item(
                    MAJOR,
                    "No achievement bullets",
                    "List what you did in each role as bullet points that start with an action "
                    "verb and end with a result, e.g. “Cut report generation time by 40% by "
                    "caching queries”.",
                )
            ],
        )
    points = 0.0

    quantified = [line for line in lines if _quantified(line)]
    share = len(quantified) / len(lines)
    points += 3 if share >= 0.4 else 2 if share >= 0.2 else 1 if quantified else 0
    if share >= 0.4:
        items.append(
            _item(
                STRENGTH,
                "Quantified achievements",
                f"{len(quantified)} of your {len(lines)} bullets give numbers, e.g. {_quote(quantified[0])}.",
            )
        )
    else:
        examples = [line for line in lines if line not in quantified][:2]
        items.append(
            _item(
                MAJOR if share < 0.2 else MINOR,
                "Few measurable results",
                (f"Only {len(quantified)} of your {len(lines)} bullets contain" if quantified else f"None of your {len(lines)} bullets contains")
                + " a number. Add the "
                "scale or result (users, %, time or money saved) to bullets such as "
                + " and ".join(_quote(e) for e in examples)
                + ".",
            )
        )

    strong = [line for line in lines if _first_word(line) in _STRONG_VERBS]
    weak_hits = [
        (phrase, line)
        for line in lines
        for phrase in [_weak_phrase(line)]
        if phrase is not None
    ]
    weak_lines = list(dict.fromkeys(line for _, line in weak_hits))
    strong_share = len(strong) / len(lines)
    points += 3 if strong_share >= 0.5 else 2 if strong_share >= 0.25 else 1 if strong else 0
    if len(weak_lines) >= 2:
        points -= 1
    if strong_share >= 0.5:
        verbs = list(dict.fromkeys(_first_word(line).capitalize() for line in strong))[:5]
        items.append(
            _item(STRENGTH, "Strong action verbs", f"Most bullets open with an action verb ({', '.join(verbs)}).")
        )
    if weak_lines:
        phrases = list(dict.fromkeys(phrase for phrase, _ in weak_hits))
        items.append(
            _item(
                MAJOR if len(weak_lines) >= 3 else MINOR,
                "Weak verbs",
                f"{len(weak_lines)} bullet{'s use' if len(weak_lines) > 1 else ' uses'} "
                + _names([f"“{p}”" for p in phrases])
                + ", which describe duties rather than results, e.g. "
                + _quote(weak_lines[0])
                + ". Start with what you did: built, led, reduced, shipped.",
            )
        )
    elif strong_share < 0.5:
        items.append(
            _item(
                MINOR,
                "Start bullets with action verbs",
                f"Only {len(strong)} of your {len(lines)} bullets start with an action verb such "
                "as built, led, reduced or automated.",
            )
        )

    personal = [line for line in lines if _FIRST_PERSON.search(line)]
    points += 2 if not personal else 1 if len(personal) <= 2 else 0
    if personal:
        items.append(
            _item(
                MINOR,
                "First-person pronouns",
                f"{len(personal)} bullet{'s use' if len(personal) > 1 else ' uses'} “I”, “me” or "
                f"“my”, e.g. {_quote(personal[0])}. Resume bullets read better without them: "
                "start with the verb.",
            )
        )

    overlong = [line for line in lines if len(line.split()) > _OVERLONG_BULLET_WORDS]
    points += 2 if not overlong else 1 if len(overlong) <= 2 else 0
    if overlong:
        items.append(
            _item(
                MINOR,
                "Overlong bullets",
                f"{len(overlong)} bullet{'s run' if len(overlong) > 1 else ' runs'} past "
                f"{_OVERLONG_BULLET_WORDS} words, e.g. {_quote(overlong[0])}. Keep each to one "
                "or two lines: action, what, result.",
            )
        )
    elif not personal:
        items.append(_item(STRENGTH, "Concise bullets", "Your bullets are concise and impersonal."))

    score = _clamp(points)
    summary = (
        "Clear, results-focused writing."
        if score >= 8
        else "Readable, but many bullets describe duties rather than results."
        if score >= 5
        else "The writing needs work: show results with action verbs and numbers."
    )
    return _category(points, summary, items)


# --- job match ----------------------------------------------------------------


def _years(resume: _Resume, this_year: int) -> int | None:
    """Years of experience: the most the resume states (“8 years”) or the span
    of its roles' dates, an open end (“Present”) counting as ``this_year``."""
    stated = [int(n) for n in _STATED_YEARS.findall(resume.text) if 0 < int(n) <= 45]
    lines = resume.sections.get("experience") or resume.lines
    starts: list[int] = []
    ends: list[int] = []
    for match in _DATE_RANGE.finditer("\n".join(lines)):
        start = _YEAR_RE.search(match.group("start"))
        end = _YEAR_RE.search(match.group("end"))
        if start is None:
            continue
        starts.append(int(start.group(0)))
        ends.append(int(end.group(0)) if end else max(this_year, int(start.group(0))))
    span = max(ends) - min(starts) if starts else 0
    best = max(stated + [span])
    return best if (stated or starts) else None


def _title_words(job: JobContext) -> list[str]:
    title = job.title or ""
    return [w for w in re.findall(r"[a-z][a-z+#.-]*", title.lower()) if w not in _LEVEL_WORDS]


def _job_match(
    job: JobContext, resume: _Resume, coverage: _Coverage, this_year: int
) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    points = 5 * coverage.share if coverage.wanted else 2.5
    if coverage.wanted and coverage.share >= 0.7:
        items.append(
            _item(STRENGTH, "Skills overlap", f"You cover {len(coverage.found)} of the {len(coverage.wanted)} skills the job lists.")
        )
    elif coverage.wanted:
        items.append(
            _item(
                MAJOR if coverage.share < 0.4 else MINOR,
                "Skills gap",
                f"You show {len(coverage.found)} of the {len(coverage.wanted)} skills the job "
                f"lists; the gap is {_names(coverage.missing)}.",
            )
        )

    level = job.experience_level
    years = _years(resume, this_year)
    leadership = _LEADERSHIP.findall(resume.text)
    if years is None:
        points += 2 if level is not ExperienceLevel.SENIOR or len(leadership) >= 2 else 1
        items.append(
            _item(
                MINOR,
                "Experience unclear",
                "Your years of experience are hard to tell: give each role dates, or say "
                "“5 years of experience” in your summary.",
            )
        )
    elif level is ExperienceLevel.SENIOR:
        if years >= 5:
            points += 3
            items.append(_item(STRENGTH, "Seniority", f"About {years} years of experience fits a senior role."))
        else:
            points += 1.5 if years >= 3 else 0.5
            items.append(
                _item(
                    MAJOR if years < 3 else MINOR,
                    "Seniority",
                    f"Your resume shows about {years} years of experience; senior roles usually "
                    "expect five or more. Make the scope of your work (ownership, leadership, "
                    "impact) unmistakable.",
                )
            )
        if len(leadership) < 2:
            items.append(
                _item(
                    MINOR,
                    "Leadership",
                    "A senior role expects leadership: mention what you led, owned, designed or "
                    "who you mentored.",
                )
            )
    elif level is ExperienceLevel.MID_LEVEL:
        points += 3 if years >= 2 else 1.5
        if years >= 2:
            items.append(_item(STRENGTH, "Experience level", f"About {years} years of experience fits a mid-level role."))
        else:
            items.append(
                _item(
                    MINOR,
                    "Experience level",
                    f"Your resume shows about {years} year{'s' if years != 1 else ''} of "
                    "experience; mid-level roles usually ask for two or more. Lead with projects "
                    "that show you working independently.",
                )
            )
    elif years <= 4:
        points += 3
        items.append(
            _item(
                STRENGTH,
                "Experience level",
                "Your experience so far suits a junior role."
                if years < 1
                else f"About {years} year{'s' if years != 1 else ''} of experience suits a junior role.",
            )
        )
    else:
        points += 2.5
        items.append(
            _item(
                MINOR,
                "Experience level",
                f"With about {years} years of experience you may be above this junior role; "
                "consider applying to mid-level roles too.",
            )
        )

    title_words = _title_words(job)
    phrase = " ".join(title_words)
    lowered = resume.text.lower()
    if title_words and phrase in lowered:
        points += 2
        items.append(_item(STRENGTH, "Job title", f"Your resume uses the job's own title, “{phrase}”."))
    elif title_words:
        near = title_words[-1] in lowered or sum(w in lowered for w in title_words) * 2 >= len(title_words)
        points += 1 if near else 0
        items.append(
            _item(
                MINOR,
                "Job title",
                f"The job title “{phrase}” does not appear in your resume. If it honestly "
                "describes your work, use it in your summary or headline.",
            )
        )
    else:
        points += 1

    score = _clamp(points)
    summary = (
        "A strong match for this job."
        if score >= 8
        else "A partial match for this job."
        if score >= 5
        else "A weak match for this job as written."
    )
    if coverage.missing and coverage.wanted:
        summary = summary[:-1] + f"; the biggest gap is {_names(coverage.missing[:3])}."
    return _category(points, summary, items)


# --- other --------------------------------------------------------------------


def _other(coverage: _Coverage, resume: _Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    points = 10.0

    repeated = [m.group(0) for m in _REPEATED_WORD.finditer(resume.text) if m.group(1).lower() != "that"]
    if repeated:
        points -= 2
        items.append(
            _item(
                MINOR,
                "Repeated words",
                "Check for typos: " + _names([_quote(r, 40) for r in dict.fromkeys(repeated)]) + ".",
            )
        )

    styles = {
        "month names": bool(_MONTH_DATE.search(resume.text)),
        "numeric dates": bool(_NUMERIC_DATE.search(resume.text)),
    }
    if all(styles.values()):
        points -= 1
        items.append(
            _item(
                MINOR,
                "Inconsistent dates",
                "Dates mix month names (“Jan 2021”) and numbers (“01/2021”); pick one style.",
            )
        )

    marks = set(resume.bullet_marks)
    if len(marks) > 1:
        points -= 1
        items.append(
            _item(
                MINOR,
                "Inconsistent bullets",
                f"Bullets use {len(marks)} different markers ({' '.join(sorted(marks))}); use one.",
            )
        )

    personal = list(dict.fromkeys(m.lower() for m in _PERSONAL_DETAILS.findall(resume.text)))
    if personal:
        points -= 2
        items.append(
            _item(
                MINOR,
                "Personal details",
                f"Leave out {_names(personal)}: they are not needed and can invite bias.",
            )
        )

    if _REFERENCES.search(resume.text):
        points -= 1
        items.append(
            _item(
                MINOR,
                "References line",
                "“References available on request” is assumed; use the line for an achievement.",
            )
        )

    dense = [line for line in resume.lines if len(line.split()) > _DENSE_PARAGRAPH_WORDS]
    if dense:
        points -= 1
        items.append(
            _item(
                MINOR,
                "Dense paragraphs",
                f"{len(dense)} paragraph{'s are' if len(dense) > 1 else ' is'} over "
                f"{_DENSE_PARAGRAPH_WORDS} words, e.g. {_quote(dense[0])}. Break them into bullets.",
            )
        )

    samples = _GITHUB.findall(resume.text) + [
        url for url in _URL.findall(resume.text) if "linkedin" not in url.lower()
    ]
    if samples:
        items.append(_item(STRENGTH, "Work samples", "You link to work a recruiter can look at."))
    elif coverage.from_taxonomy:
        points -= 1
        items.append(
            _item(
                MINOR,
                "No work samples",
                "Link to a portfolio, GitHub profile or project so a recruiter can see your work.",
            )
        )

    issues = sum(1 for item in items if item.type is not STRENGTH)
    if issues == 0:
        items.append(
            _item(STRENGTH, "Consistent and clean", "No typos, inconsistencies or unnecessary details were found.")
        )
    summary = (
        "Clean and consistent."
        if issues == 0
        else f"{issues} smaller issue{'s' if issues > 1 else ''} to tidy up."
    )
    return _category(points, summary, items)


# --- the analysis -------------------------------------------------------------


def analyze_resume(
    job: JobContext, resume_text: str, *, this_year: int | None = None
) -> ResumeAnalysis:
    """Score the resume against the job in five categories and overall, 0–10.
    ``this_year`` (default: the current year) is what “Present” means in a
    role's dates."""
    this_year = this_year or datetime.now(UTC).year
    resume = _read(resume_text)
    coverage = _coverage(job, resume)
    categories = {
        "ats": _ats(job, resume),
        "job_match": _job_match(job, resume, coverage, this_year),
        "writing_and_formatting": _writing(resume),
        "keyword_coverage": _keyword_coverage(coverage, resume),
        "other": _other(coverage, resume),
    }
    overall = sum(_WEIGHTS[name] * category.score for name, category in categories.items())
    return ResumeAnalysis(overall_score=_clamp(overall), **categories)
