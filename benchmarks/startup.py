"""Start-up: how long ``darasa serve`` takes to its first 200 (``/healthz``)
against a minimal Flask view served the same way (waitress, one process),
and how many modules each has imported once serving. Three starts of each,
taken in turn; the database is migrated before, so a start does what a
restart does (``darasa serve`` then finds nothing to migrate), and darasa's
bytecode is compiled before (``compileall``), as any start after a
deployment's first finds it (unless ``PYTHONDONTWRITEBYTECODE`` is set:
``--cold`` measures that, each start compiling darasa's modules again).

A third server, "floor", is the view after importing what darasa cannot
serve without (SQLAlchemy's engine and SQLite dialect, attrs, cattrs,
dependency-injector, loaded as ``entrypoints/__init__.py`` does): the least
a start of darasa could take while it imports them before its first 200.

    .venv/bin/python benchmarks/startup.py [--starts 3]

Issue 10's target: darasa's time to first 200 at most 1.5x the view's. On a
shared machine the CPU time each process used to its first 200, printed too,
varies far less than the time.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5
VIEW = """
import sys
from flask import Flask, jsonify
from waitress import serve
app = Flask("view")

@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "modules": len(sys.modules)})

serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
"""
FLOOR = """
import sqlalchemy, sqlalchemy.engine, sqlalchemy.dialects.sqlite, attrs, cattrs
import entrypoints, dependency_injector.wiring  # the package loads dependency-injector as darasa does
""" + VIEW
MODULES = """
import sys
from entrypoints.app import create_app
from entrypoints.settings import Settings
create_app(Settings.from_env())
print(len(sys.modules))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _source(scratch: Path, cold: bool) -> Path:
    """Where darasa runs from: this repository, its bytecode compiled; or
    (``cold``) a copy without bytecode, kept so by ``PYTHONDONTWRITEBYTECODE``."""
    if not cold:
        subprocess.run([sys.executable, "-m", "compileall", "-q", "core", "adapters", "entrypoints"],
                       cwd=REPO, check=True)
        return REPO
    copy = scratch / "darasa"
    for package in ("core", "adapters", "entrypoints"):
        shutil.copytree(REPO / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _first_200(command: list[str], env: dict[str, str], port: int, cwd: Path = REPO) -> tuple[float, float]:
    """Seconds from starting ``command`` to its first 200 on ``/healthz``,
    and the CPU seconds it had used by then (Linux; the machine's other work
    does not change them, as it does the first)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=1) as client:
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{command} exited with {process.returncode}")
                try:
                    if client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        return time.perf_counter() - started, _cpu_seconds(process.pid)
                except httpx.TransportError:
                    pass
                time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(15)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` (NaN without /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="don't compile darasa's bytecode before")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="darasa-startup-") as scratch:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PORT"}}
        source = _source(Path(scratch), cold=args.cold)
        env.update(DARASA_INSTANCE=scratch, PYTHONPATH=str(source), LOG_LEVEL="WARNING")
        if args.cold:
            env.update(PYTHONDONTWRITEBYTECODE="1")
        subprocess.run([sys.executable, "-m", "entrypoints.cli", "db", "upgrade"], cwd=source, env=env,
                       check=True, capture_output=True)
        ours_modules = subprocess.run([sys.executable, "-c", MODULES], cwd=source, env=env, check=True,
                                      capture_output=True, text=True).stdout.strip()
        view_modules = subprocess.run(
            [sys.executable, "-c", "import sys, flask, waitress; print(len(sys.modules))"],
            env=env, check=True, capture_output=True, text=True).stdout.strip()
        times: dict[str, list[float]] = {"darasa": [], "view": [], "floor": []}
        cpu: dict[str, list[float]] = {name: [] for name in times}
        starts = {
            "darasa": lambda port: ([sys.executable, "-m", "entrypoints.cli", "serve"], {**env, "PORT": str(port)}),
            "view": lambda port: ([sys.executable, "-c", VIEW, str(port)], env),
            "floor": lambda port: ([sys.executable, "-c", FLOOR, str(port)], env),
        }
        for _ in range(args.starts):
            for name, start in starts.items():
                port = _free_port()
                command, its_env = start(port)
                wall, used = _first_200(command, its_env, port, source)
                times[name].append(wall)
                cpu[name].append(used)
    bytecode = "compiled at every start (--cold)" if args.cold else "compiled before"
    print(f"{args.starts} starts each, darasa's bytecode {bytecode}: min / median / max")
    for label, measured in (("time to first 200 (s)", times), ("CPU used by then (s)", cpu)):
        print(f"{label}:")
        for name, seconds in measured.items():
            print(f"  {name:<7} {min(seconds):.2f} / {statistics.median(seconds):.2f} / {max(seconds):.2f}")
        for name in ("darasa", "floor"):
            ratios = sorted(d / v for d, v in zip(measured[name], measured["view"], strict=True))
            ratio = statistics.median(ratios)
            verdict = f" (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})" if name == "darasa" else ""
            print(f"  ratio {name}/view (start by start): {ratios[0]:.2f} / {ratio:.2f} / {ratios[-1]:.2f}{verdict}")
    print(f"modules imported: darasa's app {ours_modules}, Flask + waitress {view_modules}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
