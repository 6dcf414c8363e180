"""Calls released together, for tests of what holds under concurrency: on
threads (``at_once``) or on forked processes (``in_processes``)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
WAIT_SECONDS = 120


def at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run the calls on threads released together by a barrier; their results
    in order. An exception in a call is raised here."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=WAIT_SECONDS)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def in_processes(work: Callable[[], list[Any]], processes: int) -> list[Any]:
    """Run ``work`` in ``processes`` forked processes released together by a
    barrier; the items of all their results. Each process must exit cleanly."""
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(processes), context.Queue()

    def run() -> None:
        start.wait(timeout=WAIT_SECONDS)
        out.put(work())

    workers = [context.Process(target=run) for _ in range(processes)]
    for worker in workers:
        worker.start()
    results = [item for _ in workers for item in out.get(timeout=WAIT_SECONDS)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0, f"a process exited with {worker.exitcode}"
    return results
