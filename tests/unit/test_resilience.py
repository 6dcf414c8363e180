"""The circuit breaker (``adapters.resilience``): it refuses calls while open,
and after its cool-down one caller runs its trial while the others are
still refused; the trial's verdict closes it or opens it again."""

from __future__ import annotations

import threading
import time

from adapters.resilience import CircuitBreaker

COOL_DOWN = 0.05


def test_without_a_trial_calls_go_through_again_after_the_cool_down() -> None:
    breaker = CircuitBreaker(COOL_DOWN)
    assert breaker.allow()
    breaker.failed()
    assert not breaker.allow()
    time.sleep(COOL_DOWN * 2)
    assert breaker.allow() and breaker.allow()
    breaker.succeeded()
    assert breaker.allow()


def test_a_failed_trial_opens_it_again_and_a_passed_one_closes_it() -> None:
    verdicts = [False, True]
    breaker = CircuitBreaker(COOL_DOWN, trial=lambda: verdicts.pop(0))
    breaker.failed()
    assert not breaker.allow()  # cooling down: no trial yet
    time.sleep(COOL_DOWN * 2)
    assert not breaker.allow()  # the trial failed
    assert not breaker.allow() and verdicts == [True]  # open again: no second trial yet
    time.sleep(COOL_DOWN * 2)
    assert breaker.allow()  # the trial passed
    assert breaker.allow() and verdicts == []  # closed: no more trials


def test_one_caller_runs_the_trial_while_the_others_are_refused() -> None:
    started, verdict = threading.Event(), threading.Event()

    def trial() -> bool:
        started.set()
        return verdict.wait(10)

    breaker = CircuitBreaker(COOL_DOWN, trial=trial)
    breaker.failed()
    time.sleep(COOL_DOWN * 2)
    results: list[bool] = []
    trying = threading.Thread(target=lambda: results.append(breaker.allow()))
    trying.start()
    assert started.wait(10)
    assert not breaker.allow()  # refused at once while the trial runs
    verdict.set()
    trying.join(10)
    assert results == [True] and breaker.allow()
