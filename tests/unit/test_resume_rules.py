"""Resume analysis rules of issue 11: fit gates the overall score, keywords
come from what the job asks (never its company or place), a resume in
another language is recognised, and action verbs of every trade count."""

from __future__ import annotations

from adapters.ai.offline.resume import analyze_resume
from core.domain import ExperienceLevel, JobContext
from tests.unit.test_resume_analysis import SENIOR_PYTHON_JOB, STRONG_RESUME

NURSE_JOB = JobContext(
    "St Mary's Hospital",
    "Registered Nurse",
    ExperienceLevel.MID_LEVEL,
    "Registered Nurse for our surgical ward at St Mary's Hospital, London. Requirements: patient "
    "assessment, triage, medication administration, BLS and ACLS certification, SBAR handover, "
    "infection control, care planning, patient education.",
)
NURSE_RESUME = """Maria Santos, RN
maria.santos@example.com | +44 7700 900123 | linkedin.com/in/mariasantosrn

Summary
Registered Nurse with 6 years of experience on surgical wards.

Experience
Staff Nurse, Royal Free Hospital - Jun 2019 - Present
- Assessed and cared for up to 8 post-operative patients per shift, escalating with SBAR handover.
- Administered medication safely, with zero errors in 2023 audits.
- Triaged admissions and recognised early sepsis within the hour.
- Led infection control audits that cut infections by 25%.
- Educated 40 patients a month on wound care and care planning.

Education
BSc Nursing, King's College London - 2014 - 2017

Certifications
BLS, ACLS

Skills
Patient assessment, triage, medication administration, care planning, infection control
"""
GERMAN_RESUME = """Anna Schmidt
anna.schmidt@example.de | +49 30 1234567

Berufserfahrung
Pflegefachkraft, Charité Berlin, 03.2019 – heute
- Betreuung von bis zu 10 Patienten pro Schicht auf der chirurgischen Station und die Dokumentation
- Verabreichung von Medikamenten und die Überwachung der Vitalzeichen mit dem Team
- Einarbeitung von neuen Kolleginnen und Kollegen auf der Station

Ausbildung
Ausbildung zur Gesundheits- und Krankenpflegerin, 2015 bis 2018, an der Schule für Pflege in Berlin
"""


def test_a_resume_for_another_profession_scores_low_overall_and_is_told_why():
    analysis = analyze_resume(NURSE_JOB, STRONG_RESUME, this_year=2026)
    assert analysis.overall_score <= 4
    assert any(item.name == "Fit limits the overall score" for item in analysis.job_match.feedback)
    assert analyze_resume(NURSE_JOB, NURSE_RESUME, this_year=2026).overall_score >= 7
    assert analyze_resume(SENIOR_PYTHON_JOB, NURSE_RESUME, this_year=2026).overall_score <= 4


def test_keywords_are_the_job_requirements_never_its_company_or_place():
    analysis = analyze_resume(NURSE_JOB, "Jane Doe\nExperience\nCashier at a shop, 2020 - 2024.", this_year=2026)
    said = " ".join(item.message for item in analysis.keyword_coverage.feedback).lower()
    # Named as the taxonomy's skills where it knows them (Triage, SBAR), else as the job words them.
    assert "triage" in said and "sbar" in said
    assert "mary" not in said.lower() and "london" not in said.lower() and "hospital" not in said.lower()


def test_a_resume_in_german_is_recognised_and_its_dates_understood():
    analysis = analyze_resume(NURSE_JOB, GERMAN_RESUME, this_year=2026)
    notes = [item.message for item in analysis.other.feedback if item.name == "Resume in German"]
    assert notes and "German" in notes[0]
    assert any(item.name == "Dates on roles" for item in analysis.ats.feedback)


def test_action_verbs_of_other_trades_count():
    writing = analyze_resume(NURSE_JOB, NURSE_RESUME, this_year=2026).writing_and_formatting
    assert any(item.name == "Strong action verbs" for item in writing.feedback)
