"""The ``darasa`` command: serve the app, migrate the database, manage users.

Commands call use cases through the same container as the app
(``entrypoints.bootstrap``), with a context of nobody and no client address:
no Flask app is built to run them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from attrs import evolve

from core.errors import Failure
from core.pipeline import Context
from core.plans import ChangePlan, ChangePlanCommand, UnknownPlan, UnknownUser
from entrypoints.bootstrap import Container, bootstrap, build
from entrypoints.settings import Settings

SLOW_CLIENT_SECONDS = 30
"""A connection that sends nothing for this long is closed."""
BODY_LIMIT_BYTES = 16 * 1024 * 1024
"""The server refuses bodies beyond this before the app sees them (the app's
own limits, 1 MB of JSON and 10 MB files, are lower)."""


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.web.malformed import use_json_error_pages
    from entrypoints.app import create_app, with_periodic_purge
    from entrypoints.logs import configure_logging

    configure_logging(settings.log_level, settings.log_flush_ms)
    use_json_error_pages()  # what the server refuses itself gets the envelope too
    settings = evolve(settings, workers=args.workers or settings.workers or 1)
    port = args.port or settings.port
    _upgrade(settings)
    print(f"darasa serving on http://{args.host}:{port}", flush=True)
    if settings.workers == 1:
        # One process: waitress reads whole requests on its event loop and
        # only then gives them to a thread, so slow or idle clients hold a
        # socket, never a thread (gunicorn's threads would wait on them).
        import signal

        import waitress

        # SIGTERM stops it as Ctrl-C does: waitress winds down and Python
        # exits, writing what the log holds (``entrypoints.logs``).
        signal.signal(signal.SIGTERM, _stop)
        waitress.serve(
            with_periodic_purge(create_app(settings)),
            host=args.host,
            port=port,
            threads=args.threads,
            connection_limit=1000,
            channel_timeout=SLOW_CLIENT_SECONDS,
            max_request_body_size=BODY_LIMIT_BYTES,
            send_bytes=1,  # stream server-sent events as they are written
            asyncore_use_poll=True,
            ident="darasa",
            _quiet=True,
        )
        return 0
    _gunicorn(args, settings, port)
    return 0


def _stop(signal_number: int, _frame: object) -> None:
    raise SystemExit(128 + signal_number)


def _gunicorn(args: argparse.Namespace, settings: Settings, port: int) -> None:
    """Several worker processes: gunicorn. Put a buffering reverse proxy in
    front of it (see the README): its threads wait on slow clients."""
    from gunicorn.app.base import BaseApplication

    from entrypoints.app import create_app, with_periodic_purge

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{port}")
            self.cfg.set("workers", settings.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", None)
            # gunicorn's control socket lives at one path per user: servers
            # started side by side (tests, benchmarks) would overwrite it.
            self.cfg.set("control_socket_disable", True)

        def load(self):  # noqa: ANN202 - gunicorn's API
            return with_periodic_purge(create_app(settings))  # in each worker: migrated already, before

    Server().run()


def _upgrade(settings: Settings) -> None:
    from adapters.db.engine import make_engine
    from adapters.db.migrate import upgrade

    engine = make_engine(settings.database_url, bounded=False)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _purge(_: argparse.Namespace, settings: Settings) -> int:
    from adapters.db.engine import make_engine
    from adapters.db.purge import purge
    from adapters.system import SystemClock

    engine = make_engine(settings.database_url, bounded=False)
    try:
        purged = purge(engine, SystemClock())
    finally:
        engine.dispose()
    print(f"purged {purged.sessions} sessions, {purged.idempotency_keys} idempotency keys, "
          f"{purged.rate_limit_rows} rate-limit rows")
    return 0


def _db_upgrade(_: argparse.Namespace, settings: Settings) -> int:
    _upgrade(settings)
    print("database is up to date")
    return 0


def _container(settings: Settings) -> Container | None:
    """The container, the database migrated; ``None`` (and the error
    printed) when a setting it reads is wrong."""
    try:
        container = bootstrap(settings)
    except ValueError as bad_setting:
        print(f"error: {bad_setting}", file=sys.stderr)
        return None
    _upgrade(settings)
    return container


def _users_create(args: argparse.Namespace, settings: Settings) -> int:
    if settings.identity != "local":
        print("error: IDENTITY=clerk: accounts are created in Clerk and arrive by its webhook",
              file=sys.stderr)
        return 1
    password = args.password or os.environ.get("DARASA_PASSWORD") or getpass.getpass("Password: ")
    container = _container(settings)
    if container is None:
        return 1
    payload = {"email": args.email, "password": password, "name": args.name}
    result = container.actions().run("signUp", Context(), payload)
    if isinstance(result, Failure):
        problems = result.field_errors or {}
        details = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in problems.items())
        print(f"error: {result.message}" + (f" ({details})" if details else ""), file=sys.stderr)
        return 1
    user = result.data.user
    print(f"created user {user.id} <{user.email}>")
    return 0


def _plans_set(args: argparse.Namespace, settings: Settings) -> int:
    if settings.plans != "local":
        print("error: PLANS=clerk: plans come from the Clerk session token; change them in Clerk",
              file=sys.stderr)
        return 1
    container = _container(settings)
    if container is None:
        return 1
    change_plan = build(container, ChangePlan)
    try:
        user = change_plan(Context(), ChangePlanCommand(email=args.email, plan=args.plan))
    except (UnknownPlan, UnknownUser) as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    print(f"{user.email} is now on the {args.plan} plan")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="darasa", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the app (migrates the database first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 5000")
    serve.add_argument("--workers", type=int, default=None, help="default: $WEB_CONCURRENCY or 1")
    serve.add_argument("--threads", type=int, default=8)
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="migrate to the latest schema").set_defaults(run=_db_upgrade)

    commands.add_parser(
        "purge", help="delete expired sessions, used idempotency keys and idle rate-limit rows"
    ).set_defaults(run=_purge)

    users = commands.add_parser("users", help="accounts").add_subparsers(dest="users", required=True)
    create = users.add_parser("create", help="create a local account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--password", help="default: $DARASA_PASSWORD, else asked for")
    create.set_defaults(run=_users_create)

    plans = commands.add_parser("plans", help="users' plans").add_subparsers(dest="plans", required=True)
    set_plan = plans.add_parser("set", help="change a user's plan")
    set_plan.add_argument("email")
    set_plan.add_argument("plan")
    set_plan.set_defaults(run=_plans_set)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as bad_setting:
        print(f"error: {bad_setting}", file=sys.stderr)
        return 2
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
