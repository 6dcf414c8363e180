"""Resume analysis on the fakes, with the real offline coach and document
reader on real PDF and DOCX files: the max plan gets an analysis that names
the job's skills the resume lacks, kept and listed newest first; other plans,
other kinds of file and unreadable files are refused before any token is
taken; a failing coach stores nothing; and a JSON client cannot pass off
anything as a file."""

from __future__ import annotations

from adapters.fakes.coach import FailingCoach
from core.domain import UPLOAD_MAX_BYTES, Bucket, ResumeAnalysis, Upload
from core.errors import ErrorCode, Failure
from tests.conftest import FORBIDDEN, PLAN_LIMIT, TOO_LARGE, UNSUPPORTED, ai_failed, invalid, ok, rate_limited
from tests.fixtures_docs import (
    EXE_BYTES,
    PNG_BYTES,
    RESUME,
    docx_bytes,
    encrypted_office_bytes,
    encrypted_pdf_bytes,
    legacy_doc_bytes,
    pdf_bytes,
)
from tests.unit.app_on_fakes import FakeApp

JOB = {
    "name": "Backend",
    "title": "Senior Python Engineer",
    "experienceLevel": "senior",
    "description": "Senior Python engineer: PostgreSQL, Kubernetes, Kafka, REST APIs.",
}


def setup(app: FakeApp, plan: str = "max"):
    actor = app.user(plan=plan)
    return actor, ok(app.run("createJobInfo", actor, JOB)).id


def analyze(app: FakeApp, actor, job_id: str, data: bytes, filename: str = "resume.pdf"):
    return app.run("analyzeResume", actor, {"jobInfoId": job_id, "resumeFile": Upload(data, filename)})


def listed(app: FakeApp, actor, job_id: str) -> list:
    return ok(app.run("listResumeAnalyses", actor, {"jobInfoId": job_id})).analyses


def test_a_max_user_gets_an_analysis_of_a_pdf_and_a_docx_naming_the_missing_skills():
    app = FakeApp()
    actor, job_id = setup(app)
    for data in (pdf_bytes([RESUME]), docx_bytes(RESUME)):
        analysis = ok(analyze(app, actor, job_id, data)).analysis
        assert isinstance(analysis, ResumeAnalysis) and 0 <= analysis.overall_score <= 10
        coverage = analysis.keyword_coverage
        assert "Kubernetes" in coverage.summary and "Kafka" in coverage.summary
        missing = next(item for item in coverage.feedback if item.name == "Missing skills")
        assert "Kubernetes and Kafka" in missing.message
        assert any("Python" in item.message for item in coverage.feedback if item.type.value == "strength")


def test_analyses_are_kept_and_listed_newest_first():
    app = FakeApp()
    actor, job_id = setup(app)
    first = ok(analyze(app, actor, job_id, pdf_bytes([RESUME]))).analysis
    app.clock.advance(60)
    second = ok(analyze(app, actor, job_id, docx_bytes([*RESUME, "Kubernetes, Kafka"]))).analysis
    analyses = listed(app, actor, job_id)
    assert [a.analysis for a in analyses] == [second, first]
    assert analyses[0].created_at == app.clock.now() and analyses[1].created_at < analyses[0].created_at
    assert len({a.id for a in analyses}) == 2
    assert "Kafka" not in second.keyword_coverage.summary


def test_free_and_pro_plans_are_refused_before_the_file_is_read_and_take_no_token():
    app = FakeApp(ai_bucket=Bucket(capacity=1, refill=1, interval=3600))
    for plan in ("free", "pro"):
        actor, job_id = setup(app, plan)
        assert analyze(app, actor, job_id, pdf_bytes([RESUME])) == PLAN_LIMIT
        assert analyze(app, actor, job_id, PNG_BYTES) == PLAN_LIMIT
        assert listed(app, actor, job_id) == []
        app.set_plan(actor, "max")
        assert ok(analyze(app, actor, job_id, pdf_bytes([RESUME])))


def test_files_that_are_not_a_resume_are_refused_by_content_and_take_no_token():
    app = FakeApp(ai_bucket=Bucket(capacity=1, refill=1, interval=3600))
    actor, job_id = setup(app)
    for data, name in [
        (legacy_doc_bytes(), "resume.doc"),
        (PNG_BYTES, "resume.pdf"),  # the name does not matter
        (EXE_BYTES, "resume.docx"),
    ]:
        assert analyze(app, actor, job_id, data, name) == UNSUPPORTED
    for data in (
        encrypted_pdf_bytes(RESUME, "secret", "owner"),
        encrypted_office_bytes(),
        b"",
        pdf_bytes([[]]),  # a scan: no text
        b"%PDF-1.4\n" + b"\x00garbage" * 20,
    ):
        result = analyze(app, actor, job_id, data)
        assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION, result
        assert list(result.field_errors) == ["resume_file"] and result.field_errors["resume_file"][0]
    assert listed(app, actor, job_id) == []
    assert ok(analyze(app, actor, job_id, "\n".join(RESUME).encode(), "resume.txt"))


def test_a_file_over_10_mb_is_refused():
    app = FakeApp()
    actor, job_id = setup(app)
    too_big = analyze(app, actor, job_id, b"a" * (UPLOAD_MAX_BYTES + 1), "resume.txt")
    assert too_big == TOO_LARGE


def test_the_ai_bucket_limits_analyses():
    app = FakeApp(ai_bucket=Bucket(capacity=2, refill=2, interval=3600))
    actor, job_id = setup(app)
    ok(analyze(app, actor, job_id, pdf_bytes([RESUME])))
    ok(analyze(app, actor, job_id, pdf_bytes([RESUME])))
    limited = analyze(app, actor, job_id, pdf_bytes([RESUME]))
    assert limited == rate_limited(1800)
    assert len(listed(app, actor, job_id)) == 2


def test_a_failing_coach_gives_ai_failed_and_stores_nothing():
    app = FakeApp()
    actor, job_id = setup(app)
    broken = FakeApp(app.storage, app.cache, app.clock, app.ids, coach=FailingCoach())
    assert analyze(broken, actor, job_id, pdf_bytes([RESUME])) == ai_failed("Failed to generate analysis")
    assert listed(app, actor, job_id) == []


def test_someone_elses_job_info_looks_like_a_missing_one():
    app = FakeApp()
    owner, job_id = setup(app)
    ok(analyze(app, owner, job_id, pdf_bytes([RESUME])))
    stranger = app.user("stranger", plan="max")
    for target in (job_id, "00000000-0000-0000-0000-0000000000ff"):
        assert analyze(app, stranger, target, pdf_bytes([RESUME])) == FORBIDDEN
        assert app.run("listResumeAnalyses", stranger, {"jobInfoId": target}) == FORBIDDEN
    assert len(listed(app, owner, job_id)) == 1


def test_analyses_go_with_their_job_info():
    app = FakeApp()
    actor, job_id = setup(app)
    ok(analyze(app, actor, job_id, pdf_bytes([RESUME])))
    assert len(listed(app, actor, job_id)) == 1  # cached
    ok(app.run("deleteJobInfo", actor, {"id": job_id}))
    assert app.run("listResumeAnalyses", actor, {"jobInfoId": job_id}) == FORBIDDEN
    assert app.storage.snapshot().resume_analyses == {}


def test_a_json_client_cannot_pass_anything_off_as_a_file():
    app = FakeApp()
    actor, job_id = setup(app)
    for fake in ("JVBERi0xLjQK", {"data": "JVBERi0xLjQK", "filename": "cv.pdf"}, ["cv.pdf"], None):
        result = app.run("analyzeResume", actor, {"jobInfoId": job_id, "resumeFile": fake})
        assert result == invalid(resume_file=["Must be a file"])
    missing = app.run("analyzeResume", actor, {"jobInfoId": job_id})
    assert missing.field_errors == {"resume_file": ["Required"]}
