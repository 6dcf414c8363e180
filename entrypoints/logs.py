"""The log every serving process writes to standard error: one format,
``asctime`` formatted once a second, and lines below WARNING written in
batches (as nginx's ``access_log ... buffer= flush=``) rather than one write
each: a request's line then costs no system call, which under load was
about a tenth of a small action's throughput (measured with wrk against
``benchmarks/actions.py``'s servers)."""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
BATCH_CHARACTERS = 64 * 1024
"""At most this much text is held before it is written."""


class SecondFormatter(logging.Formatter):
    """``logging.Formatter``, its default ``asctime`` (``2026-12-02
    07:40:01,123``) formatted once a second rather than on every record:
    the local time and ``strftime`` of a second are the same for all of its
    records, only the milliseconds differ."""

    _second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        if datefmt or not self.default_msec_format:
            return super().formatTime(record, datefmt)
        second, stamp = self._second
        if second != int(record.created):
            second = int(record.created)
            stamp = time.strftime(self.default_time_format, self.converter(second))
            self._second = (second, stamp)  # one tuple: threads see both or neither
        return self.default_msec_format % (stamp, record.msecs)


class BatchingStreamHandler(logging.StreamHandler):
    """A ``StreamHandler`` that holds the lines of records below WARNING and
    writes them together: within ``seconds`` (a daemon thread of the process
    writes what is held that often), once ``BATCH_CHARACTERS`` are held,
    right before a record at WARNING or above (which is written at once,
    after them), before the process forks, and when logging shuts down at
    exit (``logging.shutdown`` flushes every handler). The text written is
    what ``StreamHandler`` writes, line for line."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self._held: list[str] = []
        self._size = 0
        self._writing = False  # whether this process runs its writer thread
        _BATCHING.add(self)

    def emit(self, record: logging.LogRecord) -> None:  # called holding self.lock
        try:
            line = self.format(record) + self.terminator
        except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
            self.handleError(record)
            return
        self._held.append(line)
        self._size += len(line)
        if record.levelno >= logging.WARNING or self._size >= BATCH_CHARACTERS:
            self.flush()
        elif not self._writing:
            self._writing = True
            threading.Thread(target=self._write_every, args=(weakref.ref(self),), name="log-writer",
                             daemon=True).start()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr] # an RLock: emit holds it already
            text, self._held, self._size = "".join(self._held), [], 0
            try:
                if text:
                    self.stream.write(text)
                if hasattr(self.stream, "flush"):
                    self.stream.flush()
            except Exception:  # noqa: BLE001 - a closed or broken stream: reported as StreamHandler reports it
                self.handleError(logging.makeLogRecord({"msg": text}))

    @staticmethod
    def _write_every(handler: weakref.ref[BatchingStreamHandler]) -> None:
        while (alive := handler()) is not None:
            seconds = alive.seconds
            del alive  # a handler dropped meanwhile is let go
            time.sleep(seconds)
            if (alive := handler()) is not None:
                alive.flush()
                del alive


_BATCHING: weakref.WeakSet[BatchingStreamHandler] = weakref.WeakSet()


def _flush_before_fork() -> None:
    """A child would write the parent's held lines again."""
    for handler in list(_BATCHING):
        handler.flush()


def _no_writer_in_child() -> None:
    """A forked child has none of its parent's threads: its first held line starts one."""
    for handler in list(_BATCHING):
        handler._writing = False  # noqa: SLF001 - this module's own


os.register_at_fork(before=_flush_before_fork, after_in_child=_no_writer_in_child)


def configure_logging(level: str = "INFO", flush_ms: int = 1000) -> None:
    """``logging.basicConfig`` at ``level`` with our format; lines below
    WARNING are written at most ``flush_ms`` after they are logged (0: each
    at once, by a plain ``StreamHandler``)."""
    handler = BatchingStreamHandler(flush_ms / 1000) if flush_ms else logging.StreamHandler()
    handler.setFormatter(SecondFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])  # unused if the root logger has handlers
    # No log line of ours names its source file or thread: skip finding
    # them on every record (the logging HOWTO's "Optimization"). The process
    # id stays: gunicorn's own lines name it (``[%(process)d]``), and without
    # it every one of them is a "Logging error" traceback.
    logging._srcfile = None  # noqa: SLF001 - the documented switch
    logging.logThreads = logging.logMultiprocessing = False
