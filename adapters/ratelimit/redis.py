"""Rate limiters whose state lives in Redis, so the limits hold across every
process and host that shares the server.

Each decision is one round trip: a Lua script (``EVALSHA``) reads the key,
decides and writes it with its expiry, atomically (a server that lost the
script, restarted or flushed, is sent it whole once: two round trips). The
time is the Redis server's ``TIME``, so hosts with skewed clocks still
agree. The scripts are ``arithmetic.take`` and ``arithmetic.hit`` written
in Lua, line for line.

Decimal conversions (``tonumber``, ``%.17g``) were much of what a script
cost the server, so the state is one string of packed doubles
(``struct.pack``: exact, no conversion), written by ``SET`` with its expiry
in the same command; an allowed decision answers one number (an integer, or
``%.17g`` text, since Redis would truncate a fractional Lua number), a
refusal the pair ``[retry_after, remaining]``. Needs Redis 6.2 (``SET …
PXAT``); scripts that call ``TIME`` before writing are allowed since Redis 5
replicates their effects rather than the script.

The keys carry the state's format (``v2``): the hashes of the first format
(``darasa:ratelimit:bucket:…``) are never read and expire by themselves, so
each key starts afresh once, and while a deployment rolls out, processes of
the old and new format keep separate counts.
"""

from __future__ import annotations

import hashlib
from typing import Any

import redis
from redis.exceptions import NoScriptError

from adapters.ratelimit import arithmetic
from core.domain import Bucket, Decision

PREFIX = "darasa:ratelimit:v2:"

_TAKE = """
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2]) / tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local saved = redis.call('GET', KEYS[1])
local level, stamp = capacity, now
if saved then
  local kept, old = struct.unpack('<dd', saved)
  stamp = math.max(old, now)
  level = math.min(capacity, kept + (stamp - old) * rate)
end
local left
if tokens <= level then
  left = level - tokens
elseif tokens > capacity or rate == 0 then
  return {'inf', string.format('%.17g', level)}
else
  local ready = stamp + (tokens - level) / rate
  if ready > now + TOLERANCE then
    return {string.format('%.17g', ready - now), string.format('%.17g', level)}
  end
  left, stamp = 0, ready
end
local state = struct.pack('<dd', left, stamp)
if rate > 0 then
  local full_in = math.max(0, stamp - now) + (capacity - left) / rate
  redis.call('SET', KEYS[1], state, 'PX', math.ceil(full_in * 1000) + 1)
else
  redis.call('SET', KEYS[1], state)
end
if left == math.floor(left) and left < 2^53 then return left end
return redis.status_reply(string.format('%.17g', left))
""".replace("TOLERANCE", repr(arithmetic.TOLERANCE))

_HIT = """
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local function room(estimate) return math.max(0, math.floor(limit - estimate + 1e-9)) end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local index = math.floor(now / window)
local current, previous = 0, 0
local saved = redis.call('GET', KEYS[1])
if saved then
  local old, kept_current, kept_previous = struct.unpack('<ddd', saved)
  if index <= old then
    index, current, previous = old, kept_current, kept_previous
  elseif index == old + 1 then
    previous = kept_current
  end
end
local start = index * window
local covered = 1 - math.min(1, math.max(0, (now + TOLERANCE - start) / window))
local estimate = previous * covered + current
local ready
if current >= limit then
  ready = start + window * (2 - (limit - 1) / current)
elseif previous == 0 then
  ready = -math.huge
else
  ready = start + window * math.max(0, 1 - (limit - 1 - current) / previous)
end
if ready > now + TOLERANCE then
  return {string.format('%.17g', ready - now), room(estimate)}
end
local state = struct.pack('<ddd', index, current + 1, previous)
redis.call('SET', KEYS[1], state, 'PXAT', math.ceil((index + 2) * window * 1000))
return room(estimate + 1)
""".replace("TOLERANCE", repr(arithmetic.TOLERANCE))


class _Script:
    """A script run by its digest, or sent whole (which also loads it) when
    the server does not know it."""

    def __init__(self, client: redis.Redis, source: str) -> None:
        self._client, self._source = client, source
        self.sha = hashlib.sha1(source.encode()).hexdigest()

    def __call__(self, key: str, *args: bytes) -> Decision:
        try:
            reply = self._client.evalsha(self.sha, 1, key, *args)
        except NoScriptError:
            reply = self._client.eval(self._source, 1, key, *args)
        return _decision(reply)


def _decision(reply: Any) -> Decision:
    """An allowed decision is the number remaining; a refusal is
    ``[retry_after, remaining]``."""
    if isinstance(reply, list):
        retry_after, remaining = reply
        return Decision(False, float(retry_after), float(remaining))
    return Decision(True, 0.0, float(reply))


def _text(number: float) -> bytes:
    return repr(float(number)).encode()


class RedisRateLimiter:
    """Token buckets in Redis under ``darasa:ratelimit:v2:bucket:<key>``."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._take = _Script(redis_client, _TAKE)

    def consume(self, key: str, bucket: Bucket, tokens: float = 1) -> Decision:
        arithmetic.check_bucket(bucket, tokens)
        # The script divides refill by interval as arithmetic.rate_of does.
        args = (bucket.capacity, bucket.refill, bucket.interval, tokens)
        return self._take(f"{PREFIX}bucket:{key}", *map(_text, args))


class RedisWindowLimiter:
    """Sliding-window counters in Redis under ``darasa:ratelimit:v2:window:<key>``."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._hit = _Script(redis_client, _HIT)

    def hit(self, key: str, limit: int, window: float) -> Decision:
        arithmetic.check_window(limit, window)
        return self._hit(f"{PREFIX}window:{key}", b"%d" % limit, _text(window))
