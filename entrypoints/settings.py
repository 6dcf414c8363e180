"""Configuration from environment variables, with defaults that serve the
embedded deployment (one machine, nothing to install)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from attrs import frozen


@frozen
class Settings:
    instance_path: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    port: int
    ip_rate_limit: str
    plan_catalog: str | None
    workers: int | None
    """Worker processes, when known (``darasa serve`` knows; a bare gunicorn
    tells us only through WEB_CONCURRENCY)."""
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("DARASA_INSTANCE", "instance")).resolve()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'darasa.sqlite3'}"
        return cls(
            instance_path=instance,
            database_url=database_url,
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY") or _kept_secret(instance),
            port=int(env.get("PORT", "5000")),
            ip_rate_limit=env.get("IP_RATE_LIMIT", "100/minute"),
            plan_catalog=env.get("PLAN_CATALOG") or None,
            workers=int(env["WEB_CONCURRENCY"]) if env.get("WEB_CONCURRENCY") else None,
            log_level=env.get("LOG_LEVEL", "INFO"),
        )

    def as_config(self) -> dict[str, object]:
        return {
            "instance_path": str(self.instance_path),
            "database_url": self.database_url,
            "redis_url": self.redis_url,
            "secret_key": self.secret_key,
            "ip_rate_limit": self.ip_rate_limit,
            "plan_catalog": self.plan_catalog,
            "workers": self.workers,
            "limits_backend": "redis" if self.redis_url else "sql",
            "cache_backend": self.cache_backend,
        }

    @property
    def cache_backend(self) -> str:
        if self.redis_url:
            return "redis"
        return "memory" if self.workers == 1 else "none"


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
