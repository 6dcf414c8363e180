"""Choosing the AI coach and its rate limit by configuration: the offline
coach by default, an OpenAI-compatible API when asked, and a bad setting
refused at start with a message that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.ai.offline.coach import OfflineCoach
from adapters.ai.openai import OpenAiCoach
from core.domain import Bucket
from core.interviews import CREATE_INTERVIEW_BUCKET
from core.rate_limit import AI_BUCKET
from entrypoints import cli
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings, parse_rate_limit


def container(tmp_path: Path, **env: str) -> Container:
    return bootstrap(Settings.from_env({"DARASA_INSTANCE": str(tmp_path), **env}))


def test_the_offline_coach_and_20_an_hour_by_default(tmp_path: Path) -> None:
    wired = container(tmp_path)
    assert isinstance(wired.coach(), OfflineCoach)
    assert wired.buckets()["ai"] == AI_BUCKET == Bucket(capacity=20, refill=20, interval=3600)


def test_an_openai_compatible_coach_when_configured(tmp_path: Path) -> None:
    wired = container(
        tmp_path,
        AI_PROVIDER="openai",
        OPENAI_BASE_URL="http://127.0.0.1:11434",
        OPENAI_API_KEY="sk-local",
        OPENAI_MODEL="llama3.1",
        AI_RATE_LIMIT="5/minute",
    )
    coach = wired.coach()  # its URL, key and model reaching the server: tests/e2e/test_questions_http.py
    assert isinstance(coach, OpenAiCoach)
    assert wired.buckets()["ai"] == Bucket(capacity=5, refill=5, interval=60)
    coach.close()


def test_the_interview_rate_limit_is_its_default_unless_set(tmp_path: Path) -> None:
    assert container(tmp_path).buckets()["create_interview"] == CREATE_INTERVIEW_BUCKET
    assert container(tmp_path, INTERVIEW_RATE_LIMIT="30/day").buckets()["create_interview"] == Bucket(30, 30, 86_400)
    assert container(tmp_path, INTERVIEW_RATE_LIMIT="off").buckets()["create_interview"] is None


@pytest.mark.parametrize(
    ("spec", "bucket"),
    [("20/hour", Bucket(20, 20, 3600)), ("3 / day", Bucket(3, 3, 86_400)), ("1/second", Bucket(1, 1, 1)), ("off", None)],
)
def test_ai_rate_limit_reads_like_the_ip_limit(spec: str, bucket: Bucket | None) -> None:
    assert parse_rate_limit(spec) == bucket


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AI_PROVIDER": "gpt-4"}, "AI_PROVIDER must be one of offline, openai, not 'gpt-4'"),
        ({"AI_PROVIDER": "OpenAI"}, "AI_PROVIDER must be one of offline, openai, not 'OpenAI'"),
        ({"AI_RATE_LIMIT": "20"}, "AI_RATE_LIMIT must look like '20/hour' or be 'off', not '20'"),
        ({"AI_RATE_LIMIT": "0/hour"}, "AI_RATE_LIMIT must look like '20/hour' or be 'off', not '0/hour'"),
        ({"INTERVIEW_RATE_LIMIT": "4"}, "INTERVIEW_RATE_LIMIT must look like '20/hour' or be 'off', not '4'"),
    ],
)
def test_a_bad_ai_setting_stops_darasa_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    env: dict[str, str], message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"DARASA_INSTANCE": str(tmp_path), **env})
    monkeypatch.setenv("DARASA_INSTANCE", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["serve", "--port", "1"]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"
