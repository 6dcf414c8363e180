"""Configuration from environment variables, with defaults that serve the
embedded deployment (one machine, nothing to install).

Every value is parsed here, once, at start: a bad one stops darasa with an
error that names the variable. The composition root
(``entrypoints.bootstrap``) builds everything from the parsed ``Settings``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from attrs import field

from adapters.web.ip_limit import IpLimit
from core.accounts import SESSION_LIFETIME, SIGN_IN_PER_EMAIL, SIGN_IN_PER_EMAIL_IP, SIGN_IN_PER_IP, SIGN_UP_PER_IP
from core.domain import Bucket
from core.interviews import CREATE_INTERVIEW_BUCKET
from core.jobinfos import MAX_JOB_INFOS
from core.rate_limit import AI_BUCKET
from core.records import frozen
from entrypoints.clerk_settings import ClerkSettings, identity_and_plans

AI_PROVIDERS = ("offline", "openai")

DEFAULT_BUCKETS: Mapping[str, Bucket | None] = {
    "create_interview": CREATE_INTERVIEW_BUCKET,
    "ai": AI_BUCKET,
    "sign_up_per_ip": SIGN_UP_PER_IP,
    "sign_in_per_email_ip": SIGN_IN_PER_EMAIL_IP,
    "sign_in_per_ip": SIGN_IN_PER_IP,
    "sign_in_per_email": SIGN_IN_PER_EMAIL,
}
"""The token buckets actions name (``Action.buckets``); ``None`` is no limit."""


@frozen
class Settings:
    instance_path: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    port: int
    ip_rate_limit: IpLimit | None
    """The per-client-IP limit; ``None`` is off."""
    plan_catalog: str | None
    """``PLAN_CATALOG`` as given: JSON or a path. The bootstrap reads it (in
    ``adapters.plans``) when it builds the container, before anything runs."""
    workers: int | None
    """Worker processes, when known (``darasa serve`` knows; a bare gunicorn
    tells us only through WEB_CONCURRENCY)."""
    log_level: str
    log_flush_ms: int
    """How long a log line below WARNING may be held before it is written
    (``LOG_FLUSH_MS``, 0 to 10000; 0 writes each at once)."""
    ai_provider: str
    """Which coach: the built-in "offline" one, or "openai" (any
    OpenAI-compatible chat API at ``openai_base_url``)."""
    openai_base_url: str
    openai_api_key: str | None
    openai_model: str
    hume_api_key: str | None
    """When set, a voice interview's transcript is read from Hume."""
    identity: str
    """Who signs in: "local" accounts or "clerk" session tokens."""
    plans: str
    """Where plan features come from: "local" (the database) or "clerk"
    (the session token's claims)."""
    clerk: ClerkSettings | None
    """The Clerk deployment's settings, when ``identity`` is "clerk"."""
    stt_base_url: str | None
    """An OpenAI-compatible transcription API for spoken answers; none by
    default (the page then uses the browser's own speech recognition)."""
    stt_api_key: str | None
    stt_model: str
    keep_audio: bool
    """Whether spoken answers are kept (under the instance folder)."""
    tts_base_url: str | None
    """An OpenAI-compatible speech API for the interviewer's voice; none by
    default (the browser's own speech synthesis speaks)."""
    tts_api_key: str | None
    tts_model: str
    tts_voice: str
    trusted_proxies: int = 0
    """How many reverse proxies in front of darasa to believe about the
    client's address, scheme and host (``X-Forwarded-*``)."""
    buckets: Mapping[str, Bucket | None] = field(factory=lambda: dict(DEFAULT_BUCKETS))
    session_lifetime: timedelta = SESSION_LIFETIME
    max_job_infos: int = MAX_JOB_INFOS
    """How many job infos one user may keep (``MAX_JOB_INFOS``)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("DARASA_INSTANCE", "instance")).resolve()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'darasa.sqlite3'}"
        identity, plans = identity_and_plans(env)
        return cls(
            instance_path=instance,
            database_url=database_url,
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY") or _kept_secret(instance),
            port=_whole_number(env, "PORT") or 5000,
            ip_rate_limit=IpLimit.parse(env.get("IP_RATE_LIMIT", "100/minute")),
            plan_catalog=env.get("PLAN_CATALOG") or None,
            workers=_whole_number(env, "WEB_CONCURRENCY"),
            log_level=env.get("LOG_LEVEL", "INFO"),
            log_flush_ms=_log_flush_ms(env.get("LOG_FLUSH_MS") or "1000"),
            ai_provider=_ai_provider(env.get("AI_PROVIDER") or "offline"),
            openai_base_url=env.get("OPENAI_BASE_URL") or "https://api.openai.com/v1",
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            openai_model=env.get("OPENAI_MODEL") or "gpt-4o-mini",
            hume_api_key=env.get("HUME_API_KEY") or None,
            identity=identity,
            plans=plans,
            clerk=ClerkSettings.from_env(env) if identity == "clerk" else None,
            stt_base_url=env.get("STT_BASE_URL") or None,
            stt_api_key=env.get("STT_API_KEY") or None,
            stt_model=env.get("STT_MODEL") or "whisper-1",
            keep_audio=_flag("KEEP_AUDIO", env.get("KEEP_AUDIO", "")),
            tts_base_url=env.get("TTS_BASE_URL") or None,
            tts_api_key=env.get("TTS_API_KEY") or None,
            tts_model=env.get("TTS_MODEL") or "tts-1",
            tts_voice=env.get("TTS_VOICE") or "alloy",
            buckets=_buckets(env),
            trusted_proxies=_proxies(env.get("TRUSTED_PROXIES") or "0"),
            max_job_infos=_whole_number(env, "MAX_JOB_INFOS") or MAX_JOB_INFOS,
        )

    def shared_backend(self, several_workers: str) -> str:
        """Where state that every worker must agree on lives: Redis when
        there is one; this process when it is the only one; otherwise
        ``several_workers`` (the database for rate limits, nowhere for the
        cache, which is then off rather than ever stale)."""
        if self.redis_url:
            return "redis"
        return "memory" if self.workers == 1 else several_workers


def _whole_number(env: Mapping[str, str], name: str) -> int | None:
    """The variable as a whole number of at least 1; ``None`` when unset."""
    raw = env.get(name)
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return value


def _log_flush_ms(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) > 10_000:
        raise ValueError(f"LOG_FLUSH_MS must be a whole number of milliseconds from 0 to 10000, not {raw!r}")
    return int(raw)


def _proxies(raw: str) -> int:
    if not raw.isdigit() or int(raw) > 10:
        raise ValueError(f"TRUSTED_PROXIES must be a whole number from 0 to 10, not {raw!r}")
    return int(raw)


def _ai_provider(name: str) -> str:
    if name not in AI_PROVIDERS:
        raise ValueError(f"AI_PROVIDER must be one of {', '.join(AI_PROVIDERS)}, not {name!r}")
    return name


def _flag(name: str, value: str) -> bool:
    if value not in ("", "0", "1"):
        raise ValueError(f"{name} must be 1 or 0, not {value!r}")
    return value == "1"


def _buckets(env: Mapping[str, str]) -> dict[str, Bucket | None]:
    """The default buckets with ``AI_RATE_LIMIT`` (each AI action's) and
    ``INTERVIEW_RATE_LIMIT`` (createInterview's; unset: 12 at once, then 4 a
    day) as set."""
    buckets = {**DEFAULT_BUCKETS, "ai": parse_rate_limit(env.get("AI_RATE_LIMIT") or "20/hour")}
    if spec := env.get("INTERVIEW_RATE_LIMIT"):
        buckets["create_interview"] = parse_rate_limit(spec, "INTERVIEW_RATE_LIMIT")
    return buckets


def parse_rate_limit(spec: str, name: str = "AI_RATE_LIMIT") -> Bucket | None:
    """A per-user token bucket as the setting ``name`` gives it: ``"20/hour"``
    holds 20 tokens and refills 20 an hour; ``"off"`` lifts the limit."""
    try:
        limit = IpLimit.parse(spec)
    except ValueError:
        raise ValueError(f"{name} must look like '20/hour' or be 'off', not {spec!r}") from None
    return None if limit is None else Bucket(limit.limit, limit.limit, limit.window)


def _kept_secret(instance: Path) -> str:
    """A secret key generated on first use and kept in the instance folder,
    so that sessions survive restarts and all workers agree on it. Written
    aside and linked into place, so a concurrent reader never sees it half
    written."""
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
