"""The HTML pages end to end against a real server (plain HTTP, no
JavaScript): a user reads their job infos and a job's hub with what the plan
allows and uses; the job form, sign-in and delete work as plain POSTs with a
CSRF token; sign-in returns to the page asked for and never to another site;
hostile text in a job info comes out inert; someone else's job info is the
same 404 as an id that names nothing; unknown browser URLs get the HTML 404
page while the API keeps its JSON."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import REPO, Account, Server, sign_up

JOB = {
    "name": "Payments platform",
    "title": "Senior Backend Engineer",
    "experienceLevel": "senior",
    "description": "Build payment APIs in **Python** on PostgreSQL:\n\n- query tuning\n- Redis caching",
}
HOSTILE = (
    "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "[y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
    '<a href="javascript:alert(2)" onclick="alert(3)">z</a>'
)



# --- helpers -------------------------------------------------------------------


def cookie(account: Account) -> dict[str, str]:
    return {"Cookie": f"darasa_session={account.token}"}


def act(client: httpx.Client, account: Account, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/actions/{name}", json=payload, headers=account.bearer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["error"] is False, body
    return body


def page(client: httpx.Client, account: Account | None, path: str, status: int = 200) -> str:
    response = client.get(path, headers=cookie(account) if account else {})
    assert response.status_code == status, (response.status_code, response.text[:2000])
    assert response.headers["Content-Type"].startswith("text/html"), response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    return response.text


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str) -> None:
    """No script but our own file, no event handler, no link or source to
    anything but http(s), mailto or our own paths."""
    for tag, attrs in Elements(html).tags:
        if tag == "script":
            assert attrs in ({"src": "/assets/app.js", "defer": None}, {"src": "/assets/more.js", "defer": None},
                             {"src": "/assets/theme.js"},
                             {"src": "/assets/call.js", "type": "module"}), attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("/", "#", "http:", "https:", "mailto:")), (tag, attrs)
            assert not value.startswith("//"), (tag, attrs)


def make_max(server: Server, account: Account) -> None:
    """``darasa plans set <email> max`` on the server's own database."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY"}}
    env.update(DARASA_INSTANCE=str(server.log.parent))
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "plans", "set", account.email, "max"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def accounts(server: Server) -> dict[str, Account]:
    """The module's users, signed up once: sign-ups are limited per IP."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return {name: sign_up(http, name) for name in ["Ada", "Bob", "Max", "Eve", "Mallory", "Zed", "Pat"]}


# --- tests ---------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client: httpx.Client, accounts: dict[str, Account]) -> None:
    someone = accounts["Ada"]
    job_id = act(client, someone, "createJobInfo", JOB)["id"]
    asked = {"/app": "/sign-in", "/app/job-infos/new": "/sign-in?next=/app/job-infos/new",
             f"/app/job-infos/{job_id}": f"/sign-in?next=/app/job-infos/{job_id}",
             "/app?q=a%20b": "/sign-in?next=/app%3Fq%3Da%2520b",
             "/app/upgrade": "/sign-in?next=/app/upgrade",
             f"/app/job-infos/{job_id}/interviews/new": f"/sign-in?next=/app/job-infos/{job_id}/interviews/new"}
    for path, sign_in in asked.items():
        for headers in [{}, {"Cookie": "darasa_session=not-a-session"}]:
            response = client.get(path, headers=headers)
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["Location"] == sign_in
    for path in ["/sign-in", "/sign-up"]:
        html = page(client, None, path)
        assert f'data-action="/auth{path}"' in html and f'action="{path}"' in html
        assert_inert(html)
    home = page(client, None, "/")
    assert 'href="/sign-up"' in home and 'href="/sign-in"' in home and "Offline by default" in home
    assert client.get("/sign-in", headers=cookie(someone)).headers["Location"] == "/app"
    assert client.get("/", headers=cookie(someone)).headers["Location"] == "/app"


@pytest.mark.parametrize("asked", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_sign_in_never_sends_anyone_to_another_site(
    client: httpx.Client, accounts: dict[str, Account], asked: str
) -> None:
    ada = accounts["Ada"]
    assert client.get("/sign-in", params={"next": asked}, headers=cookie(ada)).headers["Location"] == "/app"
    html = page(client, None, f"/sign-in?next={asked}")
    assert 'name="next" value="/app"' in html
    response = client.post("/sign-in", data={"email": ada.email, "password": ada.password, "next": asked})
    assert response.status_code == 303 and response.headers["Location"] == "/app"


def test_signing_in_without_javascript_returns_to_the_page_asked_for(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada = accounts["Ada"]
    wrong = client.post("/sign-in", data={"email": ada.email, "password": "wrong-password", "next": "/app/upgrade"})
    assert wrong.status_code == 401 and "There is a problem" in wrong.text
    assert f'value="{ada.email}"' in wrong.text and "wrong-password" not in wrong.text
    response = client.post("/sign-in", data={"email": ada.email, "password": ada.password, "next": "/app/upgrade"},
                           headers={"Origin": client.base_url.scheme + "://" + client.base_url.netloc.decode()})
    assert response.status_code == 303 and response.headers["Location"] == "/app/upgrade"
    token = response.cookies["darasa_session"]
    assert client.get("/app/upgrade", headers={"Cookie": f"darasa_session={token}"}).status_code == 200
    foreign = client.post("/sign-in", data={"email": ada.email, "password": ada.password},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "darasa_session" not in foreign.cookies


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF token in the form"
    return found[1]


def test_the_job_form_works_without_javascript_and_keeps_the_input_on_errors(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    eve = accounts["Eve"]
    form = page(client, eve, "/app/job-infos/new")
    token = csrf_of(form)
    assert '<option value="" selected>Choose a level</option>' in form  # no silent default
    bad = client.post("/app/job-infos/new", headers=cookie(eve), data={
        "csrf_token": token, "name": "Kept name", "title": "", "experienceLevel": "", "description": ""})
    assert bad.status_code == 422
    html = bad.text
    assert 'class="error-summary"' in html and 'href="#field-experienceLevel"' in html
    assert 'href="#field-description"' in html and 'href="#field-name"' not in html
    assert 'value="Kept name"' in html
    summary = html[html.index('class="error-summary"'):html.index("</ul>")]
    assert summary.index("Choose the experience level of the role") < summary.index("Enter the job description")
    assert "Required" not in summary  # an empty field says what to enter, GOV.UK style
    assert re.search(r'id="field-description"[^>]*aria-describedby="field-description-hint '
                     r'field-description-error"[^>]*aria-invalid="true"', html), html
    refused = client.post("/app/job-infos/new", headers=cookie(eve), data={**JOB, "csrf_token": "0" * 64})
    assert refused.status_code == 403
    assert client.get("/app", headers=cookie(eve)).headers["Location"] == "/app/job-infos/new"  # still none
    made = client.post("/app/job-infos/new", headers=cookie(eve), data={**JOB, "csrf_token": token})
    assert made.status_code == 303
    path = made.headers["Location"]
    assert re.fullmatch(r"/app/job-infos/[0-9a-f-]{36}", path)
    edit = page(client, eve, f"{path}/edit")
    assert f'value="{JOB["name"]}"' in edit and '<option value="senior" selected>' in edit
    changed = client.post(f"{path}/edit", headers=cookie(eve),
                          data={**JOB, "name": "Renamed", "csrf_token": csrf_of(edit)})
    assert changed.status_code == 303 and changed.headers["Location"] == path
    assert "Renamed" in page(client, eve, path)
    deleted = client.post("/forms/deleteJobInfo", headers=cookie(eve),
                          data={"id": path.rsplit("/", 1)[1], "csrf_token": token})
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/app/job-infos/new"
    page(client, eve, path, 404)


def test_the_assets_are_served(server: Server, client: httpx.Client) -> None:
    script = client.get("/assets/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "/actions/" in script.text
    style = client.get("/assets/app.css")
    assert style.status_code == 200 and style.headers["Content-Type"].startswith("text/css")


def test_app_lists_the_users_job_infos_newest_first_and_searches(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada, bob = accounts["Ada"], accounts["Bob"]
    first = act(client, ada, "createJobInfo", {**JOB, "name": "Data engineer at Foo",
                                               "description": "Spark and Airflow"})["id"]
    second = act(client, ada, "createJobInfo", JOB)["id"]
    act(client, bob, "createJobInfo", {**JOB, "name": "Bob's secret job"})
    html = page(client, ada, "/app")
    assert html.index(f"/app/job-infos/{second}") < html.index(f"/app/job-infos/{first}")
    assert "Data engineer at Foo" in html and "Payments platform" in html
    assert "Bob&#39;s secret job" not in html and "Bob's secret job" not in html
    found = page(client, ada, "/app?q=airflow")
    assert f"/app/job-infos/{first}" in found and f"/app/job-infos/{second}" not in found
    assert_inert(html)
    none = client.get("/app", headers=cookie(accounts["Zed"]))
    assert none.status_code == 303 and none.headers["Location"] == "/app/job-infos/new"
    new = page(client, ada, "/app/job-infos/new")
    assert 'data-action="createJobInfo"' in new and 'name="experienceLevel"' in new


def test_a_job_info_hub_shows_what_the_plan_allows_and_uses(
    server: Server, client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada = accounts["Max"]
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    other = act(client, ada, "createJobInfo", {**JOB, "name": "Another job"})["id"]
    act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "hard"})
    act(client, ada, "generateQuestion", {"jobInfoId": other, "difficulty": "easy"})
    act(client, ada, "createInterview", {"jobInfoId": job_id})

    html = page(client, ada, f"/app/job-infos/{job_id}")
    assert_inert(html)
    text = " ".join(" ".join(Elements(html).text).split())
    assert "<strong>Python</strong>" in html and "<li>query tuning</li>" in html  # markdown, rendered
    for section in ["questions", "interviews", "resume", "edit"]:
        assert f'href="/app/job-infos/{job_id}/{section}"' in html
    assert "1 for this job · 2 of 5 questions used" in text  # the allowance counts every job's
    assert "1 for this job · 1 of 1 interview used" in text
    assert "0 analyses · not in your plan" in text
    assert 'data-action="deleteJobInfo"' in html and "data-confirm=" in html
    make_max(server, ada)
    text = " ".join(" ".join(Elements(page(client, ada, f"/app/job-infos/{job_id}")).text).split())
    assert "2 of 5" not in text and "unlimited on your plan" in text and "included in your plan" in text


def more_link(html: str) -> str | None:
    found = re.search(r'href="([^"]*)" data-more="#[\w-]+"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_long_lists_show_more_a_page_at_a_time(client: httpx.Client, accounts: dict[str, Account]) -> None:
    pat = accounts["Pat"]
    for n in range(53):
        act(client, pat, "createJobInfo", {**JOB, "name": f"Job {n:02}"})
    html = page(client, pat, "/app")
    assert html.count('class="card card--link"') == 50 and "Job 52" in html and "Job 02" not in html
    following = more_link(html)
    assert following is not None and following.startswith("/app?cursor=")
    rest = page(client, pat, following)
    assert rest.count('class="card card--link"') == 3 and "Job 02" in rest and "Job 03" not in rest
    assert more_link(rest) is None
    searched = more_link(page(client, pat, "/app?q=payment"))
    assert searched is not None and searched.startswith("/app?q=payment&cursor=")
    assert page(client, pat, "/app?cursor=nonsense", 404)  # a cursor that names nothing


def test_a_long_list_of_questions_shows_more_and_the_hub_counts_past_a_page(
    server: Server, client: httpx.Client, accounts: dict[str, Account]
) -> None:
    pat = accounts["Pat"]
    make_max(server, pat)
    job_id = act(client, pat, "createJobInfo", JOB)["id"]
    for n in range(52):
        act(client, pat, "addQuestion", {"jobInfoId": job_id, "text": f"Question number {n:02}?", "difficulty": "easy"})
    text = " ".join(" ".join(Elements(page(client, pat, f"/app/job-infos/{job_id}")).text).split())
    assert "50+ for this job · unlimited on your plan" in text
    listing = f"/app/job-infos/{job_id}/questions"
    html = page(client, pat, listing)
    following = more_link(html)
    assert following is not None and following.startswith(f"{listing}?cursor=")
    assert "Question number 51" in html and "Question number 02" in html and "Question number 01" not in html
    rest = page(client, pat, following)
    assert "Question number 01" in rest and "Question number 00" in rest and "Question number 02" not in rest
    assert more_link(rest) is None


def test_hostile_text_is_shown_escaped_or_sanitised(client: httpx.Client, accounts: dict[str, Account]) -> None:
    mallory = accounts["Mallory"]
    job_id = act(client, mallory, "createJobInfo", {
        **JOB, "name": "<script>alert(1)</script>", "title": "[x](javascript:alert(1))",
        "description": HOSTILE,
    })["id"]
    for path in ["/app", f"/app/job-infos/{job_id}", "/app?q=script"]:
        html = page(client, mallory, path)
        assert_inert(html)
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not re.search(r"<a [^>]*href=\"(javascript|data):", html, re.IGNORECASE)
    detail = page(client, mallory, f"/app/job-infos/{job_id}")
    assert not [t for t, _ in Elements(detail).tags if t in {"img", "iframe", "object", "embed"}]
    assert "[x](javascript:alert(1))" in detail  # the title is plain text, escaped


def test_the_voice_interview_page_offers_a_call_beside_the_text_one(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada, bob = accounts["Ada"], accounts["Bob"]
    job_id = act(client, ada, "createJobInfo", {**JOB, "name": "Voice <b>job</b>"})["id"]

    assert f'href="/app/job-infos/{job_id}/interviews/voice"' in page(client, ada, f"/app/job-infos/{job_id}")
    assert f'href="/app/job-infos/{job_id}/interviews/voice"' in page(client, ada, f"/app/job-infos/{job_id}/interviews/new")
    html = page(client, ada, f"/app/job-infos/{job_id}/interviews/voice")

    ids = {attrs.get("id") for _, attrs in Elements(html).tags}
    assert {"call-start", "call-talk", "call-mute", "call-end", "call-level", "call-timer",
            "call-transcript", "call-voice", "call-use-text"} <= ids
    assert f'data-job-info-id="{job_id}"' in html
    assert 'data-recognition="browser"' in html and 'data-voice="browser"' in html  # no STT/TTS here
    assert "Voice &lt;b&gt;job&lt;/b&gt;" in html
    assert_inert(html)
    script = client.get("/assets/call.js")
    assert script.status_code == 200 and "sendInterviewAudio" in script.text
    assert page(client, bob, f"/app/job-infos/{job_id}/interviews/voice", 404) == page(
        client, bob, f"/app/job-infos/{uuid.uuid4()}/interviews/voice", 404
    )


def test_someone_elses_job_info_is_the_same_404_as_a_missing_one(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada, bob = accounts["Ada"], accounts["Bob"]
    bobs = act(client, bob, "createJobInfo", {**JOB, "name": "Bob's private job"})["id"]
    theirs = page(client, ada, f"/app/job-infos/{bobs}", 404)
    missing = page(client, ada, f"/app/job-infos/{uuid.uuid4()}", 404)
    nonsense = page(client, ada, "/app/job-infos/" + "x" * 300, 404)
    assert theirs == missing == nonsense
    assert "Bob" not in theirs
    assert "Bob&#39;s private job" in page(client, bob, f"/app/job-infos/{bobs}")


def test_the_upgrade_page_shows_the_plans_in_plain_words_and_the_usage(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    ada = accounts["Ada"]
    act(client, ada, "createJobInfo", JOB)
    html = page(client, ada, "/app/upgrade")
    assert_inert(html)
    text = " ".join(" ".join(Elements(html).text).split())
    assert "You are on the Free plan." in text
    assert "0 of 1 mock interview used" in text
    assert "1 mock interview" in text and "5 practice questions" in text and "No resume analysis" in text
    assert "Unlimited practice questions" in text and "Resume analysis" in text  # the other plans
    assert "_questions" not in text and "unlimited_" not in text  # plain words, not feature ids
    assert text.count("Your plan") >= 2 and 'aria-current="true"' in html


def test_browser_urls_get_html_error_pages_and_machine_urls_json(
    client: httpx.Client, accounts: dict[str, Account]
) -> None:
    for headers in [{}, cookie(accounts["Ada"])]:
        missing = client.get("/no/such/page", headers=headers)
        assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("text/html")
        assert "Page not found" in missing.text and "script-src 'self'" in missing.headers["Content-Security-Policy"]
    for path in ["/actions/noSuchAction", "/api/anything", "/auth/nothing"]:
        response = client.post(path, json={})
        assert response.status_code == 404 and response.json()["error"] is True, path
    assert client.get("/favicon.ico").headers["Location"] == "/assets/favicon.svg"
    assert client.get("/assets/favicon.svg").status_code == 200


@pytest.mark.parametrize("path", ["/app/job-infos/new", "/app/upgrade", "/app"])
def test_pages_are_not_cached(client: httpx.Client, accounts: dict[str, Account], path: str) -> None:
    ada = accounts["Ada"]
    response = client.get(path, headers=cookie(ada))
    assert response.headers["Cache-Control"] == "no-store"
