"""The log lines ``configure_logging`` sets up read as ``logging.Formatter``
writes them with the same format, its ``asctime`` formatted once a second;
lines below WARNING are written in batches, and none is lost or repeated."""

from __future__ import annotations

import io
import logging
import os
import time
from pathlib import Path

import pytest

from entrypoints.logs import BATCH_CHARACTERS, LOG_FORMAT, BatchingStreamHandler, SecondFormatter, configure_logging


def _record(created: float, level: int = logging.INFO, message: str = '{"requestId": "%s"}') -> logging.LogRecord:
    record = logging.LogRecord("darasa.requests", level, "", 0, message, None, None)
    record.created, record.msecs = created, (created - int(created)) * 1000
    return record


@pytest.mark.parametrize("start", [1_764_660_000.0, 1_764_660_000.999, 1_774_742_399.5, 0.25])
def test_lines_read_as_the_stdlib_formatter_writes_them(start: float) -> None:
    ours, stdlib = SecondFormatter(LOG_FORMAT), logging.Formatter(LOG_FORMAT)
    for offset in (0.0, 0.0004, 0.5, 0.9999, 1.0, 1.001, 3600.0, 0.5):  # the same second again, then others
        record = _record(start + offset)
        assert ours.format(record) == stdlib.format(_record(start + offset))
    record = _record(start)
    assert ours.formatTime(record, "%H:%M") == stdlib.formatTime(record, "%H:%M")


def test_configure_logging_is_basic_config_with_the_formatter() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()  # pytest's own capture handlers, back below
    try:
        configure_logging("WARNING", flush_ms=0)
        (handler,) = root.handlers
        assert type(handler) is logging.StreamHandler and root.level == logging.WARNING
        assert isinstance(handler.formatter, SecondFormatter) and handler.formatter._fmt == LOG_FORMAT
        configure_logging("INFO")  # a root logger with handlers is left as it is, as basicConfig leaves it
        assert root.handlers == [handler] and root.level == logging.WARNING
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_configure_logging_batches_lines_for_a_second_by_default() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        configure_logging("INFO")
        (handler,) = root.handlers
        assert isinstance(handler, BatchingStreamHandler) and handler.seconds == 1.0
        assert isinstance(handler.formatter, SecondFormatter)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _handlers(seconds: float = 3600.0) -> tuple[BatchingStreamHandler, io.StringIO, logging.StreamHandler, io.StringIO]:
    """A batching handler and a plain one, each writing to its own text."""
    batching, plain = BatchingStreamHandler(seconds), logging.StreamHandler()
    batching.stream, plain.stream = io.StringIO(), io.StringIO()
    for handler in (batching, plain):
        handler.setFormatter(SecondFormatter(LOG_FORMAT))
    return batching, batching.stream, plain, plain.stream


def test_held_lines_are_written_as_a_stream_handler_writes_them() -> None:
    batching, batched, plain, written = _handlers()
    for n in range(5):
        record = _record(1_764_660_000.0 + n, message=f'{{"requestId": "{n}", "path": "/caf\u00e9"}}')
        batching.handle(record)
        plain.handle(record)
    assert batched.getvalue() == ""  # held, within the hour
    batching.flush()
    assert batched.getvalue() == written.getvalue() and written.getvalue().count("\n") == 5


def test_a_warning_is_written_at_once_after_the_lines_held_before_it() -> None:
    batching, batched, plain, written = _handlers()
    for record in (_record(1.0), _record(2.0, logging.WARNING, "backend unavailable"), _record(3.0)):
        batching.handle(record)
        plain.handle(record)
    first_two = written.getvalue().splitlines(keepends=True)[:2]
    assert batched.getvalue() == "".join(first_two)
    batching.flush()
    assert batched.getvalue() == written.getvalue()


def test_no_more_than_the_batch_is_held() -> None:
    batching, batched, _, _ = _handlers()
    line = "x" * 1000
    for _ in range(BATCH_CHARACTERS // 1000 + 1):
        batching.handle(_record(1.0, message=line))
    held = batching._held  # noqa: SLF001 - what is still held
    assert batched.getvalue().count(line) + len(held) == BATCH_CHARACTERS // 1000 + 1
    assert len(batched.getvalue()) >= BATCH_CHARACTERS > sum(map(len, held))


def test_held_lines_are_written_within_the_interval_with_nothing_more_logged() -> None:
    batching, batched, _, _ = _handlers(seconds=0.05)
    batching.handle(_record(1.0))
    deadline = time.monotonic() + 10  # generous: a loaded machine; the point is that it comes unasked
    while not batched.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert batched.getvalue().endswith('{"requestId": "%s"}\n')


def test_a_forked_child_does_not_write_its_parents_lines_again(tmp_path: Path) -> None:
    log = tmp_path / "log"
    batching = BatchingStreamHandler(3600.0)
    batching.setFormatter(logging.Formatter("%(message)s"))
    with log.open("a") as stream:
        batching.stream = stream
        batching.handle(_record(1.0, message="parent, before the fork"))
        child = os.fork()
        if child == 0:  # the child: one line of its own, written at its exit
            batching.handle(_record(1.0, message="child"))
            batching.flush()
            os._exit(0)
        os.waitpid(child, 0)
        batching.handle(_record(1.0, message="parent, after"))
        batching.flush()
    assert sorted(log.read_text().splitlines()) == ["child", "parent, after", "parent, before the fork"]


class _BrokenPipe(io.StringIO):
    def flush(self) -> None:
        raise BrokenPipeError("the reader went away")


def test_a_broken_stream_never_fails_the_caller(capsys: pytest.CaptureFixture[str]) -> None:
    """A request logs a warning (a backend outage) when standard error is a
    closed pipe: logging reports the failure, the request goes on."""
    batching = BatchingStreamHandler(3600.0)
    batching.stream = _BrokenPipe()
    batching.handle(_record(1.0, message="held"))
    batching.handle(_record(2.0, logging.WARNING, "backend unavailable"))  # flushes: no exception
    assert "BrokenPipeError" in capsys.readouterr().err


def test_a_stream_that_fails_is_reported_as_logging_reports_it(capsys: pytest.CaptureFixture[str]) -> None:
    batching, batched, _, _ = _handlers()
    batching.handle(_record(1.0, message="lost"))
    batched.close()
    batching.flush()  # no exception: logging prints what failed to standard error
    assert "lost" in capsys.readouterr().err and batching._held == []  # noqa: SLF001


@pytest.mark.parametrize(("raw", "flush_ms"), [(None, 1000), ("", 1000), ("0", 0), ("250", 250), ("10000", 10000)])
def test_log_flush_ms_is_read_from_the_environment(tmp_path: Path, raw: str | None, flush_ms: int) -> None:
    from entrypoints.settings import Settings

    env = {"DARASA_INSTANCE": str(tmp_path), "SECRET_KEY": "s"} | ({} if raw is None else {"LOG_FLUSH_MS": raw})
    assert Settings.from_env(env).log_flush_ms == flush_ms


@pytest.mark.parametrize("bad", ["-1", "10001", "1.5", "soon", "١٠"])
def test_a_log_flush_ms_out_of_range_is_refused_with_its_name(tmp_path: Path, bad: str) -> None:
    from entrypoints.settings import Settings

    with pytest.raises(ValueError, match="LOG_FLUSH_MS must be a whole number of milliseconds from 0 to 10000"):
        Settings.from_env({"DARASA_INSTANCE": str(tmp_path), "SECRET_KEY": "s", "LOG_FLUSH_MS": bad})
