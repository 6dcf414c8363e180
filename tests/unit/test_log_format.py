"""The log lines ``configure_logging`` sets up read as ``logging.Formatter``
writes them with the same format, its ``asctime`` formatted once a second."""

from __future__ import annotations

import logging

import pytest

from entrypoints.app import LOG_FORMAT, _SecondFormatter, configure_logging


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("darasa.requests", logging.INFO, "", 0, '{"requestId": "%s"}', None, None)
    record.created, record.msecs = created, (created - int(created)) * 1000
    return record


@pytest.mark.parametrize("start", [1_764_660_000.0, 1_764_660_000.999, 1_774_742_399.5, 0.25])
def test_lines_read_as_the_stdlib_formatter_writes_them(start: float) -> None:
    ours, stdlib = _SecondFormatter(LOG_FORMAT), logging.Formatter(LOG_FORMAT)
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
        configure_logging("WARNING")
        (handler,) = root.handlers
        assert type(handler) is logging.StreamHandler and root.level == logging.WARNING
        assert isinstance(handler.formatter, _SecondFormatter) and handler.formatter._fmt == LOG_FORMAT
        configure_logging("INFO")  # a root logger with handlers is left as it is, as basicConfig leaves it
        assert root.handlers == [handler] and root.level == logging.WARNING
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
