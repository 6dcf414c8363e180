"""The progress page end to end against a real server, as plain HTTP: it
asks a signed-out visitor to sign in first; a new user sees what to do
instead of empty charts; after practice it draws its charts as inline SVG
with nothing the CSP refuses (no script, no style element or attribute),
each named by its caption and with its numbers in a table; each weakest
topic's button is a plain form that generates a question on that topic
and leads to it; and getProgress is in the API description."""

from __future__ import annotations

import re

import httpx

from tests.e2e.conftest import Server, set_plan, sign_up
from tests.e2e.test_pages import JOB, act, cookie, csrf_of, page
from tests.e2e.test_practice_pages import Tags, assert_inert

BAD = "I am not sure, something about computers maybe."


def test_a_signed_out_visitor_is_asked_to_sign_in_first(client: httpx.Client) -> None:
    response = client.get("/app/progress")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=/app/progress"


def test_a_new_user_is_told_what_to_do_and_the_navigation_leads_here(client: httpx.Client) -> None:
    ada = sign_up(client, "Ada")
    html = page(client, ada, "/app/progress")
    assert "Nothing to show yet" in html and "<svg" not in html
    assert '<a href="/app/progress" aria-current="page">Progress</a>' in html
    assert '<a href="/app/progress">Progress</a>' in page(client, ada, "/app/upgrade")


def test_practice_is_drawn_as_charts_the_csp_allows_with_a_table_of_numbers(
    client: httpx.Client, server: Server
) -> None:
    ada = sign_up(client, "Ada")
    set_plan(server, ada, "pro")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    for difficulty in ("easy", "hard"):
        asked = act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": difficulty})
        act(client, ada, "generateQuestionFeedback", {"questionId": asked["questionId"], "answer": BAD})

    html = page(client, ada, "/app/progress")

    assert_inert(html)
    assert "<style" not in html and " style=" not in html
    assert 'href="/assets/progress.css"' in html
    svgs = [attrs for tag, attrs in Tags(html).tags if tag == "svg"]
    assert len(svgs) >= 3
    captions = {attrs["id"] for tag, attrs in Tags(html).tags if tag == "figcaption"}
    for svg in svgs:
        assert svg["role"] == "img" and svg["aria-labelledby"] in captions
    assert re.search(r"<th scope=\"row\">Easy</th><td>\d+(\.\d)?</td><td>1</td>", html), html
    assert "Topics to work on" in html and "Mock interviews" in html


def test_a_weakest_topic_button_generates_a_question_on_it_without_javascript(
    client: httpx.Client, server: Server
) -> None:
    ada = sign_up(client, "Ada")
    set_plan(server, ada, "pro")
    job_id = act(client, ada, "createJobInfo", JOB)["id"]
    asked = act(client, ada, "generateQuestion", {"jobInfoId": job_id, "difficulty": "medium"})
    act(client, ada, "generateQuestionFeedback", {"questionId": asked["questionId"], "answer": BAD})
    html = page(client, ada, "/app/progress")
    [weakest] = act(client, ada, "getProgress", {})["weakestTopics"]
    forms = re.findall(r'<form method="post" action="/forms/generateQuestion".*?</form>', html, re.S)
    assert len(forms) == 1
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', forms[0]))
    assert fields["topic"] == weakest["topic"] and fields["jobInfoId"] == job_id
    assert fields["next"] == f"/app/job-infos/{job_id}/questions"
    assert f"Practise {weakest['topic']}" in forms[0]

    data = {**fields, "csrf_token": csrf_of(html)}
    response = client.post("/forms/generateQuestion", headers=cookie(ada), data=data)

    assert response.status_code == 303 and response.headers["Location"] == fields["next"]
    newest = act(client, ada, "listQuestions", {"jobInfoId": job_id})["questions"][0]
    assert newest["id"] != asked["questionId"]
    assert weakest["topic"].lower() in newest["text"].split("\n")[0].lower()


def test_get_progress_is_described_in_the_api(client: httpx.Client) -> None:
    described = client.get("/openapi.json").json()
    assert "/actions/getProgress" in described["paths"]
    ada = sign_up(client, "Ada")
    assert act(client, ada, "getProgress", {})["answers"] == 0
