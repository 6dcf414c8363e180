"""How integration tests reach the PostgreSQL and Redis servers: the URL, or a
skip when the server is unreachable (a failure instead when
DARASA_REQUIRE_SERVICES=1, as on CI); and a fresh PostgreSQL schema."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
import redis
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import URL

from adapters.db.engine import make_engine

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def postgres_url() -> str:
    url = os.environ.get("DARASA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    problem = _postgres_problem(url)
    if problem:
        _unreachable("PostgreSQL", url, problem)
    return url


def redis_url() -> str:
    url = os.environ.get("DARASA_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    problem = _redis_problem(url)
    if problem:
        _unreachable("Redis", url, problem)
    return url


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_postgres_schema(server: URL) -> Iterator[str]:
    """A new, randomly named schema; yields a URL that works inside it."""
    schema = f"darasa_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(render(server))
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield render(server.update_query_dict({"options": f"-csearch_path={schema}"}))
    finally:
        with admin.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '30s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def random_key(prefix: str = "test") -> str:
    """A key no other test run will use, even on a shared server."""
    return f"{prefix}-{uuid.uuid4().hex}"


@functools.cache
def _postgres_problem(url: str) -> str | None:
    engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # anything that stops us reaching the server
        return repr(exc)
    finally:
        engine.dispose()
    return None


@functools.cache
def _redis_problem(url: str) -> str | None:
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        return repr(exc)
    finally:
        client.close()
    return None


def _unreachable(name: str, url: str, problem: str) -> NoReturn:
    message = f"{name} at {url} is unreachable: {problem}"
    if os.environ.get("DARASA_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)
