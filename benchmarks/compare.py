"""A change measured side by side: darasa at a git ref (``before``, HEAD
unless told) and darasa as this checkout has it (``after``), both against
the baseline of ``actions.py``, in one run, on one database.

The three servers are loaded in turn by wrk, round after round, as
``actions.py`` loads its two, so that the machine's drift touches each
alike. For each side it prints throughput and p50 as ratios to the
baseline's (min/median/max of the rounds), and the server's CPU time and
context switches per request, read from ``/proc`` for its process and
threads (what wrk's numbers alone cannot tell: a side may lose
throughput to waiting as well as to work). Last, after/before of each.
``--env NAME=VALUE`` sets a variable on the ``after`` side only, to
measure a setting, or the same code with a switch turned.

    .venv/bin/python benchmarks/compare.py [--ref HEAD~1] [--setup postgres-redis]
        [--actions createJobInfo] [--rounds 5] [--seconds 3] [--env NAME=VALUE ...]

The ref is checked out into a temporary git worktree, removed at the end;
it must have this checkout's migrations (the database is migrated once,
by this checkout's code: an older ref would run on a schema it was not
written for). Needs wrk, as ``actions.py`` does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import actions  # beside this script
from attrs import frozen

REPO = Path(__file__).resolve().parents[1]


@frozen
class Usage:
    """CPU seconds (user and system) and context switches of a process's threads."""

    seconds: float
    switches: int

    def __sub__(self, other: Usage) -> Usage:
        return Usage(self.seconds - other.seconds, self.switches - other.switches)


def usage(pids: list[int]) -> Usage:
    ticks, switches = 0, 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                status = (task / "status").read_text().splitlines()
            except FileNotFoundError:
                continue  # a thread that ended meanwhile
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            switches += sum(int(line.split()[1]) for line in status if "ctxt_switches" in line)
    return Usage(ticks / os.sysconf("SC_CLK_TCK"), switches)


@frozen
class Round:
    per_second: float
    p50_ms: float
    cpu_ms: float
    """Server CPU per request."""
    switches: float
    """Server context switches per request."""


def _worktree(ref: str, scratch: Path) -> Path:
    where = scratch / "before"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(where), ref], check=True)
    return where


def _environment(pairs: list[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise SystemExit(f"--env takes NAME=VALUE, not {pair!r}")
        env[name] = value
    return env


def report(action: str, rounds: dict[str, list[Round]]) -> None:
    base = rounds["baseline"]
    print(f"\n{action}: ratios to the baseline, min/median/max of {len(base)} rounds")
    print(f"  {'side':<9} {'req/s':>16} {'p50':>16} {'req/s':>8} {'CPU ms/req':>11} {'switches/req':>13}")
    for side, measured in rounds.items():
        throughput = [m.per_second / b.per_second for m, b in zip(measured, base, strict=True)]
        p50 = [m.p50_ms / b.p50_ms for m, b in zip(measured, base, strict=True)]
        print(f"  {side:<9} {actions.spread(throughput):>16} {actions.spread(p50):>16} "
              f"{statistics.median(m.per_second for m in measured):>8.0f} "
              f"{statistics.median(m.cpu_ms for m in measured):>11.3f} "
              f"{statistics.median(m.switches for m in measured):>13.1f}")
    after, before = rounds["after"], rounds["before"]
    throughput = [a.per_second / b.per_second for a, b in zip(after, before, strict=True)]
    cpu = statistics.median(a.cpu_ms for a in after) / statistics.median(b.cpu_ms for b in before)
    print(f"  after/before: throughput {actions.spread(throughput)}, CPU per request {cpu:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="HEAD", help="the git ref of the 'before' side")
    parser.add_argument("--setup", default="postgres-redis", help="one of actions.py's setups")
    parser.add_argument("--actions", default="createJobInfo")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the 'after' side")
    actions.add_load_options(parser)
    args = parser.parse_args(argv)
    actions.ready_to_load()
    if args.setup not in actions.SETUPS:
        raise SystemExit(f"--setup is one of {', '.join(actions.SETUPS)}")
    extra = _environment(args.env)
    print(f"before: {args.ref}; after: this checkout{' with ' + ' '.join(args.env) if args.env else ''}; "
          f"{args.setup}; gunicorn 1 worker x 4 threads each; wrk 1 thread x {args.connections} connections, "
          f"{args.seconds} s a run")
    with tempfile.TemporaryDirectory(prefix="darasa-compare-") as scratch, ExitStack() as stack:
        root = Path(scratch)
        before = _worktree(args.ref, root)
        stack.callback(subprocess.run, ["git", "-C", str(REPO), "worktree", "remove", "--force", str(before)],
                       check=False)
        url, proxy = stack.enter_context(actions.database(args.setup, root, args))
        baseline = actions.start_baseline(stack, args.setup, url, root)  # first: it migrates the database
        servers = [actions.start_darasa(stack, "before", args.setup, url, root, args, repo=before),
                   actions.start_darasa(stack, "after", args.setup, url, root, args, extra_env=extra), baseline]
        ids = {server.name: actions.seed(server) for server in servers}
        for action in args.actions.split(","):
            actions.warm_up(servers, action, ids, root)
            rounds: dict[str, list[Round]] = {server.name: [] for server in servers}
            for _ in range(args.rounds):
                for server in servers:
                    pids = actions.process_tree(server.process.pid)
                    start = usage(pids)
                    measured = actions.wrk(server, action, ids[server.name], args, root, proxy)
                    spent = usage(pids) - start
                    requests = max(measured.requests, 1)
                    rounds[server.name].append(Round(measured.per_second, measured.p50_ms,
                                                     spent.seconds * 1000 / requests, spent.switches / requests))
            report(action, rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
