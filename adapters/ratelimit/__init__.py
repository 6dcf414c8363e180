"""Rate limiters: the token bucket (``RateLimiter``) and the sliding-window
counter (``WindowLimiter``) over three backends.

``arithmetic`` holds the pure decision rules; ``memory`` (one process),
``sql`` (SQLite or PostgreSQL, shared by every process using the database) and
``redis`` (one Lua script per decision, shared by every host) only store the
state and apply those rules atomically.
"""
