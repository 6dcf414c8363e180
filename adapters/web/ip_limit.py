"""The per-client-IP limit on every route but the webhooks and the health
checks: N requests per window, sliding, answered with the RATE_LIMIT
envelope when exceeded. It fails open: while its backend is unreachable,
requests pass (and say so in the log)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from flask import Flask, Response, request

from adapters.web.envelope import refuse
from adapters.web.outages import outages
from core.errors import ErrorCode, RateLimited
from core.ports import WindowLimiter
from core.records import frozen

log = logging.getLogger("darasa.ip_limit")

EXEMPT_PREFIXES = ("/api/webhooks/", "/livez", "/healthz")
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*")


@frozen
class IpLimit:
    limit: int
    window: float

    @classmethod
    def parse(cls, spec: str) -> IpLimit | None:
        """``"100/minute"`` -> 100 per 60 s; ``"off"`` -> no limit."""
        if spec.strip().lower() == "off":
            return None
        match = _SPEC.fullmatch(spec.lower())
        if not match or int(match.group(1)) < 1:
            raise ValueError(f"IP_RATE_LIMIT must look like '100/minute' or be 'off', not {spec!r}")
        return cls(int(match.group(1)), _UNITS[match.group(2)])


def install(app: Flask, limiter: Callable[[], WindowLimiter], limit: IpLimit | None) -> None:
    if limit is None:
        return

    @app.before_request
    def limit_by_ip() -> Response | None:
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        try:
            decision = limiter().hit(f"ip:{request.remote_addr}", limit.limit, limit.window)
        except outages() as error:
            # Fail open: an unreachable limiter must not take the whole
            # service down with it; the outage is logged, requests go on.
            log.warning("per-IP limit skipped, its backend is unavailable: %s", type(error).__name__)
            return None
        if decision.allowed:
            return None
        seconds = RateLimited(decision.retry_after).retry_after
        return refuse(ErrorCode.RATE_LIMIT, retry_after=seconds)
