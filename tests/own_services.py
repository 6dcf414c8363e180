"""Throwaway Redis and PostgreSQL servers of a test's (or a benchmark's) own,
on spare ports, that it may kill, freeze (SIGSTOP) and restart: the shared
services the other tests use are never touched. No pytest here, so the soak
benchmark starts its servers with it too.

PostgreSQL refuses to run as root: as root, its folder is given to the
``postgres`` user and its processes run as that user. A signal is sent to
every process of a server: the postmaster and each of its children (each
PostgreSQL backend is a process group of its own)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.server_process import free_port

REDIS_SERVER = shutil.which("redis-server")
_PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
PG_BIN = Path(_PG_BINS[-1]).parent if _PG_BINS else (
    Path(found).parent if (found := shutil.which("postgres")) else None)
STARTUP_SECONDS = 30


def _wait_for_port(port: int, what: str, process: subprocess.Popen[bytes], log: Path | None = None) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not start on port {port}\n{tail}")


def _children(parent: int) -> list[int]:
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(Path(stat).parent.name))
    return found


class OwnService:
    process: subprocess.Popen[bytes] | None = None

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to every process of the server."""
        assert self.process is not None
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if sig == signal.SIGKILL:
            self.process.wait(timeout=10)  # reaped: a restart must not find it alive

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


class OwnRedis(OwnService):
    """A redis-server on a spare port, keeping nothing on disk unless
    ``persist`` (then it writes every command to its append-only file and
    reads it back when restarted, like a Redis that returns with its data)."""

    def __init__(self, folder: Path, persist: bool = False) -> None:
        self.port = free_port()
        self.folder = folder
        self.persist = persist

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None, "redis-server is not installed"
        durability = ["--appendonly", "yes", "--appendfsync", "always"] if self.persist else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *durability, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        _wait_for_port(self.port, "redis-server", self.process)

    def stop(self) -> None:
        self.kill()


class OwnPostgres(OwnService):
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 at
    a spare port (trust authentication, user ``postgres``, database
    ``darasa``); fsync off, as nothing in it outlives the test."""

    def __init__(self) -> None:
        assert PG_BIN is not None, "PostgreSQL's server binaries are not installed"
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="darasa-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self._user = "postgres" if os.geteuid() == 0 else None
        if self._user:
            shutil.chown(self.folder, self._user)
        subprocess.run([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, user=self._user)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/darasa"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.folder),
                 "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"],
                stdout=out, stderr=subprocess.STDOUT, user=self._user, start_new_session=True,
            )
        _wait_for_port(self.port, "postgres", self.process, self.log)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:  # the port opens before recovery after a crash has finished
            ready = subprocess.run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                                    "-d", "postgres", "-tAc", "SELECT 1"], capture_output=True)
            if ready.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)

    def create_database(self) -> None:
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "darasa"], check=True)

    def stop(self) -> None:
        self.kill()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def own_redis(folder: Path, persist: bool = False) -> Iterator[OwnRedis]:
    redis = OwnRedis(folder, persist)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    postgres = OwnPostgres()
    try:
        postgres.start()
        postgres.create_database()
        yield postgres
    finally:
        postgres.remove()
