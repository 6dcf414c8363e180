"""Reading an uploaded file in a child process with a memory and a time
budget, so that no file — a zip whose directory lies about its sizes, a
document of millions of empty paragraphs, a PDF whose pages draw one huge
object again and again — can exhaust or stall the worker that serves
everyone else (issue 8, finding 3).

The child is a fresh interpreter (``spawn``: nothing of the parent's threads
or locks comes along) limited by ``RLIMIT_AS`` and ``RLIMIT_CPU``; the parent
waits at most ``seconds`` and kills it after. A file that breaks a limit is
refused with a message a person can act on. At most ``concurrency`` files
are read at once per process; more wait their turn, up to ``seconds``.
``multiprocessing`` is imported when the reader is first made (the first
file read), not at start-up.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from adapters.documents.reader import PypdfDocuments
from core.errors import Invalid, Unavailable, UnsupportedMedia

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

MEMORY_BYTES = 768 * 1024 * 1024
"""The child's whole address space (the interpreter and pypdf included)."""
SECONDS = 20.0
"""Wall-clock time a file may take to read, waiting for a turn included."""
CONCURRENCY = 2

_FIELD = "resume_file"
_TOO_COSTLY = (
    "This file is too large or too complex to read (it expands far beyond its size). "
    "Please export a simpler copy, e.g. a PDF saved from your word processor"
)


def _read_in_child(data: bytes, memory: int, cpu_seconds: int, out: Connection) -> None:
    """The child's whole life: set the limits, read, send back the text or
    the failure (as picklable parts)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        answer: tuple[str, Any] = ("text", PypdfDocuments().text_of(data))
    except Invalid as refused:
        answer = ("invalid", refused.field_errors)
    except UnsupportedMedia as unsupported:
        answer = ("unsupported", unsupported.message)
    except MemoryError:
        answer = ("too costly", None)
    out.send(answer)
    out.close()


class IsolatedDocuments:
    """The ``Documents`` port, each file read in a limited child process."""

    def __init__(
        self, memory: int = MEMORY_BYTES, seconds: float = SECONDS, concurrency: int = CONCURRENCY
    ) -> None:
        self._memory = memory
        self._seconds = seconds
        self._turns = threading.BoundedSemaphore(concurrency)
        import multiprocessing

        self._context = multiprocessing.get_context("spawn")

    def text_of(self, data: bytes) -> str:
        if not self._turns.acquire(timeout=self._seconds):
            raise Unavailable("Too many files are being read right now; please try again shortly")
        try:
            return self._read(data)
        finally:
            self._turns.release()

    def _read(self, data: bytes) -> str:
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_read_in_child,
            args=(data, self._memory, max(1, int(self._seconds)), sender),
            daemon=True,
        )
        child.start()
        sender.close()
        try:
            if not receiver.poll(self._seconds):
                raise Invalid({_FIELD: [_TOO_COSTLY]})
            kind, value = receiver.recv()
        except EOFError:  # the child died: over its memory or its CPU time
            raise Invalid({_FIELD: [_TOO_COSTLY]}) from None
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join(timeout=5)
        if kind == "text":
            return str(value)
        if kind == "invalid":
            raise Invalid(value)
        if kind == "unsupported":
            raise UnsupportedMedia(value)
        raise Invalid({_FIELD: [_TOO_COSTLY]})
