"""Rate limiters whose state lives in Redis, so the limits hold across every
process and host that shares the server.

Each decision is one round trip: a Lua script (``EVALSHA``) reads the key's
hash, decides, writes and sets an expiry, atomically. The time is the Redis
server's ``TIME``, so hosts with skewed clocks still agree. The scripts are
``arithmetic.take`` and ``arithmetic.hit`` written in Lua, line for line;
numbers come back as strings (``%.17g``) because Redis would truncate Lua
numbers to integers. Scripts that call ``TIME`` before writing are allowed
since Redis 5 replicates their effects rather than the script.
"""

from __future__ import annotations

import redis

from adapters.ratelimit import arithmetic
from core.domain import Bucket, Decision

PREFIX = "darasa:ratelimit:"

_TAKE = """
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local tokens, tolerance = tonumber(ARGV[3]), tonumber(ARGV[4])
local function num(x) return string.format('%.17g', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local level, stamp = capacity, now
if saved[1] then
  local old = tonumber(saved[2])
  stamp = math.max(old, now)
  level = math.min(capacity, tonumber(saved[1]) + (stamp - old) * rate)
end
local left
if tokens <= level then
  left = level - tokens
elseif tokens > capacity or rate == 0 then
  return {0, 'inf', num(level)}
else
  local ready = stamp + (tokens - level) / rate
  if ready > now + tolerance then
    return {0, num(ready - now), num(level)}
  end
  left, stamp = 0, ready
end
redis.call('HSET', KEYS[1], 'tokens', num(left), 'stamp', num(stamp))
if rate > 0 then
  local full_in = math.max(0, stamp - now) + (capacity - left) / rate
  redis.call('PEXPIRE', KEYS[1], math.ceil(full_in * 1000) + 1)
else
  redis.call('PERSIST', KEYS[1])
end
return {1, '0', num(left)}
"""

_HIT = """
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local function num(x) return string.format('%.17g', x) end
local function room(estimate) return math.max(0, math.floor(limit - estimate + 1e-9)) end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local index = math.floor(now / window)
local current, previous = 0, 0
local saved = redis.call('HMGET', KEYS[1], 'index', 'current', 'previous')
if saved[1] then
  local old = tonumber(saved[1])
  if index <= old then
    index, current, previous = old, tonumber(saved[2]), tonumber(saved[3])
  elseif index == old + 1 then
    previous = tonumber(saved[2])
  end
end
local start = index * window
local covered = 1 - math.min(1, math.max(0, (now + tolerance - start) / window))
local estimate = previous * covered + current
local ready
if current >= limit then
  ready = start + window * (2 - (limit - 1) / current)
elseif previous == 0 then
  ready = -math.huge
else
  ready = start + window * math.max(0, 1 - (limit - 1 - current) / previous)
end
if ready > now + tolerance then
  return {0, num(ready - now), room(estimate)}
end
redis.call('HSET', KEYS[1], 'index', num(index), 'current', current + 1, 'previous', previous)
redis.call('PEXPIREAT', KEYS[1], math.ceil((index + 2) * window * 1000))
return {1, '0', room(estimate + 1)}
"""


def _decision(reply: list[bytes | str | int]) -> Decision:
    allowed, retry_after, remaining = reply
    return Decision(bool(int(allowed)), float(retry_after), float(remaining))


class RedisRateLimiter:
    """Token buckets in Redis hashes under ``darasa:ratelimit:bucket:<key>``."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._take = redis_client.register_script(_TAKE)

    def consume(self, key: str, bucket: Bucket, tokens: float = 1) -> Decision:
        arithmetic.check_bucket(bucket, tokens)
        args = [
            repr(float(bucket.capacity)),
            repr(arithmetic.rate_of(bucket)),
            repr(float(tokens)),
            repr(arithmetic.TOLERANCE),
        ]
        return _decision(self._take(keys=[f"{PREFIX}bucket:{key}"], args=args))


class RedisWindowLimiter:
    """Sliding-window counters in Redis hashes under ``darasa:ratelimit:window:<key>``."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._hit = redis_client.register_script(_HIT)

    def hit(self, key: str, limit: int, window: float) -> Decision:
        arithmetic.check_window(limit, window)
        args = [str(limit), repr(float(window)), repr(arithmetic.TOLERANCE)]
        return _decision(self._hit(keys=[f"{PREFIX}window:{key}"], args=args))
