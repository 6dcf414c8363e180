"""A server process on a free local port: started from the repository with
its output in a log file, waited for until ``/healthz`` answers 200, stopped
at the end. No pytest here, so the benchmarks start their servers with it
too."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60
STOP_SECONDS = 15


class NotHealthy(Exception):
    """The server exited, or did not answer ``/healthz`` in time; the message
    ends with its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path,
                       seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NotHealthy(f"{_command(process)} exited with {process.returncode}:\n{log_text(log)}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise NotHealthy(f"{_command(process)} did not become healthy in {seconds}s:\n{log_text(log)}")


def _command(process: subprocess.Popen[bytes]) -> str:
    return " ".join(str(arg) for arg in process.args)


@contextmanager
def serving(command: Sequence[str], env: Mapping[str, str], url: str, log: Path,
            cwd: Path = REPO) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (which serves ``url``) from the repository (or
    ``cwd``, another checkout of it) for one block, once healthy; terminate
    it after, kill it if it will not stop."""
    with log.open("wb") as out:
        process = subprocess.Popen(list(command), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(url, process, log)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
