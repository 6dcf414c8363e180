"""What an applicant tracking system needs: standard sections, contact
details, a fitting length, dates on roles and readable characters."""

from __future__ import annotations

import re

from adapters.ai.offline.resume.reading import MAJOR, MINOR, STRENGTH, Resume, feedback_item, listed, scored
from adapters.ai.offline.resume.vocabulary import (
    DATE_RANGE,
    EMAIL,
    GITHUB,
    LINKEDIN,
    PHONE,
    PRIVATE_USE,
    SECTION_LABELS,
    YEAR,
)
from core.domain import CategoryAnalysis, ExperienceLevel, FeedbackItem, JobContext


def _length_band(level: ExperienceLevel) -> tuple[int, int]:
    return {
        ExperienceLevel.JUNIOR: (250, 700),
        ExperienceLevel.MID_LEVEL: (350, 900),
        ExperienceLevel.SENIOR: (400, 1200),
    }[level]


def _phones(text: str) -> list[str]:
    found = []
    for match in PHONE.finditer(text):
        candidate = match.group(0)
        digits = re.sub(r"\D", "", candidate)
        if not 9 <= len(digits) <= 15:
            continue
        if re.fullmatch(rf"\s*(?:{YEAR}\D*){{2,}}", candidate):
            continue  # a range of years, not a phone number
        found.append(candidate)
    return found


def ats(job: JobContext, resume: Resume) -> CategoryAnalysis:
    items: list[FeedbackItem] = []
    points = 0.0

    section_points = {"experience": 1.25, "skills": 0.75, "education": 0.5, "summary": 0.5}
    present = [name for name in section_points if name in resume.sections]
    missing = [name for name in section_points if name not in resume.sections]
    points += sum(section_points[name] for name in present)
    if present:
        items.append(
            feedback_item(
                STRENGTH,
                "Standard section headings",
                "An applicant tracking system will recognise your "
                + listed([SECTION_LABELS[n] for n in present])
                + " section" + ("s." if len(present) > 1 else "."),
            )
        )
    for name in missing:
        label = SECTION_LABELS[name]
        if name == "experience" and "projects" in resume.sections:
            points += 0.75
            items.append(
                feedback_item(
                    MINOR,
                    "No Experience section",
                    "There is a Projects section but no Experience heading. If you have any work, "
                    "internship or volunteer experience, list it under a heading named "
                    "“Experience”.",
                )
            )
        elif name == "experience":
            items.append(
                feedback_item(
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
            items.append(feedback_item(MINOR, f"No {label} section", f"Add {article} “{label}” heading: {reason}."))

    emails = EMAIL.findall(resume.text)
    phones = _phones(resume.text)
    profiles = LINKEDIN.findall(resume.text) + GITHUB.findall(resume.text)
    if emails:
        points += 1.5
    else:
        items.append(
            feedback_item(MAJOR, "No email address", "Add an email address at the top so a recruiter can reach you.")
        )
    if phones:
        points += 1
    else:
        items.append(feedback_item(MINOR, "No phone number", "Add a phone number next to your email address."))
    if profiles:
        points += 0.5
    else:
        items.append(
            feedback_item(
                MINOR,
                "No LinkedIn or GitHub profile",
                "Add the address of your LinkedIn profile (and GitHub, for technical roles) to "
                "your contact details.",
            )
        )
    if emails and phones:
        items.append(
            feedback_item(STRENGTH, "Contact details", "Your email address and phone number are easy to find.")
        )

    low, high = _length_band(job.experience_level)
    words = resume.word_count
    if low <= words <= high:
        points += 2
        items.append(
            feedback_item(
                STRENGTH, "Length", f"At about {words} words, the length suits a {job.experience_level.value} role."
            )
        )
    elif words < low:
        short = words < low * 0.6
        points += 0 if short else 1
        items.append(
            feedback_item(
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
            feedback_item(
                MAJOR if long else MINOR,
                "Too long",
                f"At about {words} words your resume is longer than a recruiter will read for a "
                f"{job.experience_level.value} role; aim for {low}–{high} words by cutting older "
                "or less relevant detail.",
            )
        )

    ranges = DATE_RANGE.findall(resume.text)
    experience_lines = resume.sections.get("experience", [])
    if ranges:
        points += 2
        items.append(
            feedback_item(
                STRENGTH,
                "Dates on roles",
                f"{len(ranges)} date range{'s' if len(ranges) > 1 else ''} found, so your timeline is clear.",
            )
        )
    elif experience_lines:
        points += 0.5
        items.append(
            feedback_item(
                MAJOR,
                "No dates on roles",
                "Give every role a start and end date (for example “Mar 2021 – Present”); "
                "tracking systems use them to work out your years of experience.",
            )
        )

    glyphs = PRIVATE_USE.findall(resume.text)
    if glyphs:
        points -= 1
        items.append(
            feedback_item(
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
    return scored(points, summary, items)
