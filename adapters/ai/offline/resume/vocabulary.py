"""The resume analysis's vocabulary and patterns: section headings, action
verbs, weak phrases, dates and contact details. Every pattern is linear on
any text: no nested quantifiers, and repetitions that could run over a
long token are bounded."""

from __future__ import annotations

import re

WEIGHTS = {
    "keyword_coverage": 0.25,
    "job_match": 0.25,
    "ats": 0.2,
    "writing_and_formatting": 0.2,
    "other": 0.1,
}


HEADINGS: dict[str, tuple[str, ...]] = {
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
HEADING_OF = {phrase: section for section, phrases in HEADINGS.items() for phrase in phrases}
HEADING_KEYWORDS = {
    "experience": "experience",
    "employment": "experience",
    "education": "education",
    "skills": "skills",
    "projects": "projects",
    "summary": "summary",
    "profile": "summary",
    "certifications": "certifications",
}
SECTION_LABELS = {
    "experience": "Experience",
    "education": "Education",
    "skills": "Skills",
    "summary": "Summary",
}

STRONG_VERBS = frozenset(
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
    administered assessed triaged treated monitored educated counselled counseled advised
    drafted reviewed closed prospected sold exceeded surpassed booked sourced recruited
    onboarded interviewed tutored coordinated scheduled supervised managed audited reconciled
    prepared processed forecast forecasted budgeted reported litigated represented advocated
    facilitated conducted evaluated diagnosed cared renewed retained converted resolved
    """.split()
)
WEAK_PHRASES = (
    "responsible for", "helped with", "helped to", "helped", "worked on", "assisted with",
    "assisted in", "involved in", "participated in", "tasked with", "duties included",
    "in charge of", "was part of", "took part in", "handled",
)
LEADERSHIP = re.compile(
    r"\b(led|lead|leading|mentored|mentoring|managed|managing|architected|owned|ownership|"
    r"head of|principal|staff engineer|tech lead|team lead|hired|coached|spearheaded)\b",
    re.IGNORECASE,
)
LEVEL_WORDS = frozenset(
    "senior sr sr. junior jr jr. mid mid-level level lead principal staff intern graduate entry "
    "i ii iii iv the a an of and for in at to with".split()
)
STOPWORDS = frozenset(
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


MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mär|mai|okt|dez|fév|avr|juin|juil|aoû"
    r"|déc|ene|abr|ago|dic|gen|giu|lug|ott|set)[a-zäéûñ]{0,7}\.?"
)
"""English, German, French, Spanish and Italian month names and abbreviations."""
YEAR = r"(?:19[5-9]\d|20\d\d)"
DATE = rf"(?:{MONTH}\s{{0,3}}'?{YEAR}|\d{{1,2}}\s{{0,3}}[/.]\s{{0,3}}{YEAR}|{YEAR})"
ONGOING = (
    r"present|current|now|today|date|ongoing|heute|aktuell|jetzt|dato|presente|actualidad|actual"
    r"|aujourd'hui|maintenant|en cours|heden|nu|oggi|atual|momento"
)
"""How a role still held ends, in the same languages ("2019 – heute")."""
DATE_RANGE = re.compile(
    rf"(?P<start>{DATE})\s{{0,3}}(?:-|–|—|to|until|till|bis|à|au|al|hasta|tot|a)\s{{0,3}}(?P<end>{DATE}|{ONGOING})",
    re.IGNORECASE,
)
SINCE = re.compile(rf"\b(?:since|seit|depuis|desde|dal|sinds)\s{{1,3}}(?P<start>{DATE})", re.IGNORECASE)
YEAR_RE = re.compile(YEAR)
MONTH_DATE = re.compile(rf"\b{MONTH}\s{{0,3}}'?{YEAR}\b", re.IGNORECASE)
NUMERIC_DATE = re.compile(rf"\b\d{{1,2}}\s{{0,3}}/\s{{0,3}}{YEAR}\b")
STATED_YEARS = re.compile(
    r"\b(\d{1,2})\s{0,3}\+?\s{0,3}(?:years|yrs|jahre|jahren|ans|años|anos|anni|jaar)\b", re.IGNORECASE
)
EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{7,24}\d")
LINKEDIN = re.compile(r"linkedin\.com/\S{1,200}", re.IGNORECASE)
GITHUB = re.compile(r"(?:github|gitlab)\.com/\S{1,200}", re.IGNORECASE)
URL = re.compile(r"(?:https?://|www\.)\S{1,300}", re.IGNORECASE)
BULLET = re.compile(r"^\s*(?:[-*•·▪◦●‣–—►▶✓✔➢➤❖■□○]|[\ue000-\uf8ff]|\d{1,2}[.)](?=\s))\s*")
NUMBER = re.compile(
    r"[$€£¥]\s?\d|\d\s?%|\b\d{1,12}(?:[.,]\d{1,6})?\s?(?:k|m|bn|x)?\b|\b(?:doubled|tripled|halved)\b",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(r"\bI\b|\b(?:me|my|mine|myself)\b", re.IGNORECASE)
REPEATED_WORD = re.compile(r"\b([A-Za-z]{2,30})\s{1,3}\1\b", re.IGNORECASE)
PERSONAL_DETAILS = re.compile(
    r"\b(date of birth|d\.?o\.?b\.?|marital status|religion|nationality|gender)\b", re.IGNORECASE
)
REFERENCES = re.compile(r"references (?:are )?(?:available )?(?:up)?on request", re.IGNORECASE)
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
WORD = re.compile(r"[A-Za-z0-9][\w'’+#./-]*")

MAX_NAMES = 12
OVERLONG_BULLET_WORDS = 35
DENSE_PARAGRAPH_WORDS = 90
