"""A spoken mock interview in a real browser: Debian's Chromium with a fake
microphone that plays a recording spoken by espeak-ng, against a real
darasa server whose speech to text is a fake transcription server on
127.0.0.1 (which also gives the interviewer a voice) and whose coach is a
fake OpenAI-compatible server. The user
starts a call, answers two questions aloud, sees the transcript grow, the
timer run and the level meter move, ends the call and gets feedback that
quotes the words per minute measured on their recordings. In voice-activity
mode a pause sends the answer by itself. A refused microphone offers the
text interview instead, which works.

Skipped when Chromium, playwright or espeak-ng is missing, unless
DARASA_REQUIRE_SERVICES=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import pytest
from attrs import frozen

from tests.audio_files import ESPEAK, RATE, encoded, silence, spoken
from tests.e2e.browser import TIMEOUT_MS, Watched, chromium, signed_in, unavailable
from tests.e2e.conftest import Account, Server, act, envelope, running_server, sign_up
from tests.fake_speech import FakeSpeech
from tests.integration.fake_openai import FakeOpenAi

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

JOB = {"name": "Payments at Acme", "title": "Backend Engineer", "experienceLevel": "mid-level",
       "description": "Python, Django and PostgreSQL for a payments platform."}
ANSWERS = [
    "I have built Django services for six years, mostly payments and ledgers.",
    "I moved our reporting to PostgreSQL read replicas and cut the load by half.",
]
QUESTION = "Tell me about a system you are proud of."


def coach(body: Any) -> str:
    """The fake coach: feedback quotes the words per minute it was given,
    any other request is the interviewer's next question."""
    messages = body.get("messages", []) if isinstance(body, dict) else []
    prompt = "\n".join(str(m.get("content", "")) for m in messages)
    if "<transcript>" not in prompt or "reviewing the transcript" not in prompt:
        return QUESTION
    turns = json.loads(prompt.split("<transcript>")[1].split("</transcript>")[0])
    rates = [t["speech"]["wordsPerMinute"] for t in turns if t.get("speech")]
    return ("# Overall Rating: 7/10\n\n## Pacing and Timing (Rating: 8/10)\n"
            + " ".join(f"You spoke at {round(rate)} words per minute." for rate in rates))


@frozen
class Microphone:
    path: Path
    period_ms: int
    """How long the fake microphone takes to say its answer, then be quiet, once."""


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Microphone:
    """What the fake microphone plays, over and over: the first answer, then
    a second of quiet. Holding Talk for one period records the answer once,
    whatever the moment it starts, so its words per minute are espeak-ng's."""
    if ESPEAK is None:
        unavailable("espeak-ng is missing (apt-get install espeak-ng)")
    samples = np.concatenate([spoken(ANSWERS[0]), silence(1.0)])
    path = tmp_path_factory.mktemp("microphone") / "answer.wav"
    path.write_bytes(encoded(samples, "wav"))
    return Microphone(path, round(len(samples) / RATE * 1000))


@pytest.fixture(scope="module")
def speech() -> Iterator[FakeSpeech]:
    with FakeSpeech(texts=ANSWERS) as fake:
        yield fake


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAi]:
    with FakeOpenAi(responder=coach) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, speech: FakeSpeech,
           fake_openai: FakeOpenAi) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("instance-voice"), STT_BASE_URL=speech.base_url,
                        STT_API_KEY="stt-key", TTS_BASE_URL=speech.base_url, AI_PROVIDER="openai",
                        OPENAI_BASE_URL=fake_openai.base_url, OPENAI_MODEL="fake-model") as running:
        yield running


def signed_in_page(browser: Browser, server: Server, account: Account) -> Watched:
    return Watched(signed_in(browser, server, account, viewport={"width": 1100, "height": 900}).new_page())


def new_job(server: Server) -> tuple[Account, str]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        account = sign_up(client)
        job_id = envelope(act(client, account, "createJobInfo", JOB))["id"]
    return account, job_id


def answer_aloud(page: Page, microphone: Microphone, answers_so_far: int) -> None:
    """Tap Talk, speak, tap again to send; wait for the reply."""
    talk = page.locator("#call-talk")
    talk.click()
    level = page.locator("#call-level")
    for _ in range(100):  # the meter moves (polled here: the page's CSP forbids evaluated script)
        if float(level.evaluate("meter => meter.value")) > 0.2:
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError("the level meter never moved")
    page.wait_for_timeout(microphone.period_ms)
    talk.click()
    transcript = page.locator("#call-transcript li")
    transcript.nth(2 * answers_so_far + 2).wait_for()
    said = page.locator("#call-transcript li.candidate").nth(answers_so_far)
    assert said.locator("p").inner_text() == ANSWERS[answers_so_far]
    assert transcript.nth(2 * answers_so_far + 2).locator("p").inner_text() == QUESTION


def test_a_spoken_interview_from_start_to_feedback(
    server: Server, speech: FakeSpeech, microphone: Microphone
) -> None:
    account, job_id = new_job(server)
    with chromium(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                   f"--use-file-for-fake-audio-capture={microphone.path}",
                   "--autoplay-policy=no-user-gesture-required"]) as browser:
        watched = signed_in_page(browser, server, account)
        page = watched.page
        page.goto(f"/app/job-infos/{job_id}/interviews/voice")
        assert page.locator("#call").get_attribute("data-recognition") == "server"
        assert page.locator("#call").get_attribute("data-voice") == "server"

        page.locator("#call-start").click()
        page.locator("#call-transcript li.interviewer").first.wait_for()
        page_opening = page.locator("#call-transcript li.interviewer p").first.inner_text()
        assert page.locator("#call-start").is_disabled()
        answer_aloud(page, microphone, 0)
        answer_aloud(page, microphone, 1)
        assert page.locator("#call-transcript li").count() == 5
        assert page.locator("#call-timer").inner_text() >= "00:05"  # it ran through both answers

        page.locator("#call-end").click()
        page.locator("#call-after").wait_for()
        assert re.fullmatch(r"\d\d:\d\d:\d\d", page.locator("#call-duration").inner_text())
        page.locator("#call-feedback").click()
        feedback = page.locator("#call-feedback-text")
        feedback.wait_for(timeout=3 * TIMEOUT_MS)
        rates = [int(n) for n in re.findall(r"(\d+) words per minute", feedback.inner_text())]
        assert len(rates) == 2 and all(100 < rate < 240 for rate in rates), rates  # espeak-ng: ~160
        watched.assert_quiet()

    assert [heard.model for heard in speech.requests] == ["whisper-1", "whisper-1"]
    assert [asked.body["input"] for asked in speech.spoken[:3]] == [  # type: ignore[index]
        page_opening, QUESTION, QUESTION
    ]  # the interviewer spoke with the server's voice
    assert all(heard.content_type in {"audio/webm", "audio/ogg"} for heard in speech.requests)
    assert all(heard.authorization == "Bearer stt-key" for heard in speech.requests)


def test_in_voice_activity_mode_a_pause_sends_the_answer(
    server: Server, tmp_path: Path
) -> None:
    quiet_after = tmp_path / "answer-then-quiet.wav"  # longer than the pause that ends an answer
    quiet_after.write_bytes(encoded(np.concatenate([spoken(ANSWERS[0]), silence(2.5)]), "wav"))
    account, job_id = new_job(server)
    with chromium(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                   f"--use-file-for-fake-audio-capture={quiet_after}"]) as browser:
        watched = signed_in_page(browser, server, account)
        page = watched.page
        page.goto(f"/app/job-infos/{job_id}/interviews/voice")
        page.get_by_label("speaking (voice activity)").check()

        page.locator("#call-start").click()
        assert page.locator("#call-talk").is_disabled()  # nothing to press in this mode
        page.locator("#call-transcript li.candidate").first.wait_for(timeout=3 * TIMEOUT_MS)
        page.locator("#call-transcript li").nth(2).wait_for()
        page.locator("#call-end").click()
        page.locator("#call-after").wait_for()
        watched.assert_quiet()


def test_a_refused_microphone_offers_the_text_interview(server: Server) -> None:
    account, job_id = new_job(server)
    with chromium(["--use-fake-device-for-media-stream", "--deny-permission-prompts"]) as browser:
        watched = signed_in_page(browser, server, account)
        page = watched.page
        page.goto(f"/app/job-infos/{job_id}/interviews/voice")

        page.locator("#call-start").click()
        problem = page.locator("#call-problem")
        problem.wait_for()
        assert "refused" in problem.inner_text()
        assert page.locator("#call-transcript li").count() == 0  # no interview was spent on it

        page.get_by_role("button", name="Answer in text instead").click()
        page.locator("#call-transcript li.interviewer").first.wait_for()
        page.get_by_label("Your answer").fill(ANSWERS[1])
        page.get_by_role("button", name="Send").click()
        page.locator("#call-transcript li").nth(2).wait_for()
        assert page.locator("#call-transcript li.candidate p").inner_text() == ANSWERS[1]
        assert page.locator("#call-end").is_enabled()
        watched.assert_quiet()
