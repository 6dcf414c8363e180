"""multipart/form-data action bodies through the real Flask app on the
in-memory fakes: an uploaded resume is analysed and answered in the design's
camelCase shape; a file over 10 MB is refused while it is read, after no more
than the limit and a chunk, and a body over the app's limit before any of it
is; malformed forms, mixed-up fields and unauthenticated uploads get the
JSON envelope; nothing is written to disk."""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.web.uploads import CHUNK
from core.domain import UPLOAD_MAX_BYTES
from tests.fixtures_docs import PNG_BYTES, RESUME, docx_bytes, pdf_bytes
from tests.unit.web_on_fakes import web_app_on_fakes

JOB = {
    "name": "Backend",
    "title": "Senior Python Engineer",
    "experienceLevel": "senior",
    "description": "Senior Python engineer: PostgreSQL, Kubernetes, Kafka, REST APIs.",
}
BOUNDARY = "darasa-test-boundary"
TOO_LARGE = {"error": True, "code": "PAYLOAD_TOO_LARGE", "message": "File size exceeds 10MB limit"}


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    return tmp_path / "instance"


@pytest.fixture
def app(instance: Path) -> Iterator[Flask]:
    with web_app_on_fakes(instance) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def account(app: Flask, client: FlaskClient, plan: str = "max") -> tuple[dict[str, str], str]:
    """A signed-up user on ``plan`` with a job info: bearer headers and the job's id."""
    email = f"user-{os.urandom(4).hex()}@example.com"
    body = client.post("/auth/sign-up", json={"email": email, "password": "pw-long-enough", "name": "Amina"}).json
    storage = app.container.storage()
    with storage.unit_of_work(write=True) as uow:
        uow.users.set_plan(body["user"]["id"], plan)
        uow.commit()
    headers = {"Authorization": f"Bearer {body['token']}"}
    job = client.post("/actions/createJobInfo", json=JOB, headers=headers).json
    return headers, job["id"]


class CountingStream(io.RawIOBase):
    """A request body that counts how much of it the server read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.taken = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._data.seek(offset, whence)

    def tell(self) -> int:
        return self._data.tell()

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
        count = self._data.readinto(buffer)
        self.taken += count
        return count


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        )
    for name, (filename, data) in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data)
    return b"\r\n".join(parts) + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_form(client: FlaskClient, name: str, body: bytes, headers: dict[str, str], **extra):  # noqa: ANN201
    stream = CountingStream(body)
    response = client.post(
        f"/actions/{name}",
        input_stream=stream,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        content_length=extra.pop("content_length", len(body)),
        headers=headers,
        **extra,
    )
    return response, stream


def test_an_uploaded_pdf_and_docx_are_analysed_in_the_designs_shape(app: Flask, client: FlaskClient) -> None:
    headers, job_id = account(app, client)
    for filename, data in [("resume.pdf", pdf_bytes([RESUME])), ("resume.docx", docx_bytes(RESUME))]:
        body = multipart({"jobInfoId": job_id}, {"resumeFile": (filename, data)})
        response, _ = post_form(client, "analyzeResume", body, headers)
        assert response.status_code == 200, response.json
        analysis = response.json["analysis"]
        assert set(analysis) == {"overallScore", "ats", "jobMatch", "writingAndFormatting", "keywordCoverage", "other"}
        assert set(analysis["keywordCoverage"]) == {"score", "summary", "feedback"}
        assert "Kubernetes" in analysis["keywordCoverage"]["summary"]
        assert {item["type"] for c in analysis.values() if isinstance(c, dict) for item in c["feedback"]} <= {
            "strength", "minor-improvement", "major-improvement"
        }
    listed = client.post("/actions/listResumeAnalyses", json={"jobInfoId": job_id}, headers=headers).json
    assert len(listed["analyses"]) == 2 and set(listed["analyses"][0]) == {"id", "createdAt", "analysis"}


def test_a_file_over_10_mb_is_refused_while_it_is_read(app: Flask, client: FlaskClient) -> None:
    headers, job_id = account(app, client)
    body = multipart({"jobInfoId": job_id}, {"resumeFile": ("resume.txt", b"a" * (UPLOAD_MAX_BYTES + CHUNK * 15))})
    assert len(body) < app.config["MAX_CONTENT_LENGTH"]
    tracemalloc.start()
    try:
        response, stream = post_form(client, "analyzeResume", body, headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (response.status_code, response.json) == (413, TOO_LARGE)
    # the rest is read and dropped, so that a client still sending gets the answer
    assert stream.taken == len(body)
    assert peak < UPLOAD_MAX_BYTES + 8 * CHUNK  # buffering the whole file would take 15
    at_the_limit = multipart({"jobInfoId": job_id}, {"resumeFile": ("resume.txt", b"a " * (UPLOAD_MAX_BYTES // 2))})
    response, _ = post_form(client, "analyzeResume", at_the_limit, headers)
    assert response.status_code != 413


def test_a_body_over_the_apps_limit_is_refused_before_it_is_read(app: Flask, client: FlaskClient) -> None:
    headers, job_id = account(app, client)
    body = multipart({"jobInfoId": job_id}, {"resumeFile": ("resume.txt", b"a" * (11 * 1024 * 1024))})
    response, stream = post_form(client, "analyzeResume", body, headers)
    assert (response.status_code, response.json) == (413, TOO_LARGE)
    assert stream.taken == 0


def test_an_upload_by_nobody_is_not_read(app: Flask, client: FlaskClient) -> None:
    body = multipart({"jobInfoId": "x"}, {"resumeFile": ("resume.pdf", pdf_bytes([RESUME]))})
    response, stream = post_form(client, "analyzeResume", body, {})
    assert (response.status_code, response.json["code"]) == (401, "UNAUTHENTICATED")
    assert stream.taken == 0


def test_other_kinds_of_file_are_refused_by_content(app: Flask, client: FlaskClient) -> None:
    headers, job_id = account(app, client)
    body = multipart({"jobInfoId": job_id}, {"resumeFile": ("resume.pdf", PNG_BYTES)})
    response, _ = post_form(client, "analyzeResume", body, headers)
    assert response.status_code == 415
    assert response.json == {
        "error": True, "code": "UNSUPPORTED_MEDIA", "message": "Please upload a PDF, Word document, or text file"
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (lambda job: multipart({"jobInfoId": job, "resumeFile": "JVBERi0="}, {}), {"resumeFile": ["Must be a file"]}),
        (lambda job: multipart({}, {"jobInfoId": ("id.txt", job.encode()), "resumeFile": ("r.txt", b"x")}),
         {"jobInfoId": ["Must be a string"]}),
        (lambda job: multipart({"jobInfoId": job, "userId": "someone"}, {"resumeFile": ("r.txt", b"Resume")}),
         {"userId": ["Unknown field"]}),
        (lambda job: multipart({"jobInfoId": job}, {}), {"resumeFile": ["Required"]}),
        (lambda job: multipart({"jobInfoId": job}, {"resumeFile": ("r.txt", b"Resume")})[:-30],
         {"$": ["Body is not valid multipart/form-data"]}),
        (lambda job: multipart({"jobInfoId": job}, {"resumeFile": ("r.txt", b"Resume")}).replace(
            b'name="resumeFile"', b'name="jobInfoId"'), {"$": ["Field 'jobInfoId' is given more than once"]}),
        (lambda job: multipart({"jobInfoId": job}, {}).replace(job.encode(), b"caf\xe9"),
         {"$": ["Field 'jobInfoId' must be UTF-8 text"]}),
    ],
)
def test_malformed_or_mixed_up_forms_are_validation_errors(app: Flask, client: FlaskClient, body, errors) -> None:
    headers, job_id = account(app, client)
    response, _ = post_form(client, "analyzeResume", body(job_id), headers)
    assert response.status_code == 422, response.json
    assert response.json["fieldErrors"] == errors


def test_a_form_without_a_boundary_is_a_validation_error(app: Flask, client: FlaskClient) -> None:
    headers, _ = account(app, client)
    response = client.post(
        "/actions/analyzeResume", data=b"jobInfoId=1", content_type="multipart/form-data", headers=headers
    )
    assert response.status_code == 422
    assert response.json["fieldErrors"] == {"$": ["Body must be multipart/form-data with a boundary"]}


def test_any_action_takes_a_form(app: Flask, client: FlaskClient) -> None:
    headers, _ = account(app, client)
    response, _ = post_form(client, "createJobInfo", multipart(JOB, {}), headers)
    assert response.status_code == 200 and response.json["redirectTo"].startswith("/app/job-infos/")


def test_an_uploaded_file_is_never_written_to_disk(app: Flask, client: FlaskClient, instance: Path) -> None:
    headers, job_id = account(app, client)
    before = sorted(p for p in instance.rglob("*"))
    for filename in ("../../escape.pdf", "/tmp/darasa-upload.pdf", "resume.pdf"):
        body = multipart({"jobInfoId": job_id}, {"resumeFile": (filename, pdf_bytes([RESUME]))})
        assert post_form(client, "analyzeResume", body, headers)[0].status_code == 200
    assert sorted(p for p in instance.rglob("*")) == before
    assert not Path("/tmp/darasa-upload.pdf").exists() and not (instance.parent.parent / "escape.pdf").exists()
