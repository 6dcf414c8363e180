"""Start-up: how long ``darasa serve`` takes to its first 200 (``/healthz``,
which checks the database) against issue 10's "view", the hand-written
Flask + SQLAlchemy app of ``benchmarks/baseline.py`` on darasa's engine,
whose ``/healthz`` checks the database too, served the same way (waitress,
one process), and how many modules each has imported once serving. Three starts of each,
taken in turn; the database is migrated before, so a start does what a
restart does (``darasa serve`` then finds nothing to migrate), and darasa's
bytecode is compiled before (``compileall``), as any start after a
deployment's first finds it (unless ``PYTHONDONTWRITEBYTECODE`` is set:
``--cold`` measures that, each start compiling darasa's modules again).

Two more servers, for what they explain: "flask", a bare Flask view with
no database (what the figures here were compared with before 2026-12-01),
and "floor", that view after importing what darasa cannot serve without
(SQLAlchemy's engine and SQLite dialect, attrs, cattrs, dependency-injector,
loaded as ``entrypoints/__init__.py`` does).

    .venv/bin/python benchmarks/startup.py [--starts 3]

Issue 10's target: darasa's time to first 200 at most 1.5x the view's. On a
shared machine the CPU time each process used to its first 200, printed too,
varies far less than the time; every ratio is printed for both.
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
SERVE = """
from waitress import serve
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
"""
VIEW = """
import sys
sys.path.insert(0, "benchmarks")
from baseline import baseline_app
app = baseline_app()
""" + SERVE
FLASK = """
import sys
from flask import Flask, jsonify
app = Flask("flask")

@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})
""" + SERVE
FLOOR = """
import sqlalchemy, sqlalchemy.engine, sqlalchemy.dialects.sqlite, attrs, cattrs
import entrypoints, dependency_injector.wiring  # the package loads dependency-injector as darasa does
""" + FLASK
PREPARE = """
import os, sys
sys.path.insert(0, "benchmarks")
from baseline import prepare
prepare(os.environ["BASELINE_DATABASE_URL"])
"""
VIEW_MODULES = """
import sys
sys.path.insert(0, "benchmarks")
from baseline import baseline_app
baseline_app().test_client().get("/healthz")
import waitress
print(len(sys.modules))
"""
FLASK_MODULES = "import sys, flask, waitress; print(len(sys.modules))"
MODULES = """
import sys
from entrypoints.app import create_app
from entrypoints.settings import Settings
create_app(Settings.from_env()).test_client().get("/healthz")
import waitress
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
        env.update(BASELINE_DATABASE_URL=f"sqlite:///{Path(scratch) / 'darasa.sqlite3'}")  # darasa's database
        subprocess.run([sys.executable, "-c", PREPARE], cwd=source, env=env, check=True, capture_output=True)
        modules = {name: subprocess.run([sys.executable, "-c", code], cwd=source, env=env, check=True,
                                        capture_output=True, text=True).stdout.strip()
                   for name, code in (("darasa", MODULES), ("view", VIEW_MODULES), ("flask", FLASK_MODULES))}
        times: dict[str, list[float]] = {"darasa": [], "view": [], "flask": [], "floor": []}
        cpu: dict[str, list[float]] = {name: [] for name in times}
        starts = {
            "darasa": lambda port: ([sys.executable, "-m", "entrypoints.cli", "serve"], {**env, "PORT": str(port)}),
            "view": lambda port: ([sys.executable, "-c", VIEW, str(port)], env),
            "flask": lambda port: ([sys.executable, "-c", FLASK, str(port)], env),
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
        for name, against in (("darasa", "view"), ("darasa", "flask"), ("floor", "flask"), ("view", "flask")):
            ratios = sorted(d / v for d, v in zip(measured[name], measured[against], strict=True))
            ratio = statistics.median(ratios)
            verdict = f" (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})" if against == "view" else ""
            print(f"  ratio {name}/{against} (start by start): {ratios[0]:.2f} / {ratio:.2f} / {ratios[-1]:.2f}"
                  f"{verdict}")
    print("modules imported: " + ", ".join(f"{name} {count}" for name, count in modules.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
