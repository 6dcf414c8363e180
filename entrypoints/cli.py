"""The ``darasa`` command: serve the app, migrate the database, manage users."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from entrypoints.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from gunicorn.app.base import BaseApplication

    from entrypoints.app import configure_logging, create_app

    configure_logging(settings.log_level)
    workers = args.workers or settings.workers or 1
    if workers != settings.workers:
        os.environ["WEB_CONCURRENCY"] = str(workers)
        settings = Settings.from_env()

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port or settings.port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", None)
            # gunicorn's control socket lives at one path per user: servers
            # started side by side (tests, benchmarks) would overwrite it.
            self.cfg.set("control_socket_disable", True)

        def load(self):  # noqa: ANN202 - gunicorn's API
            return create_app(settings)

    from adapters.db.engine import make_engine
    from adapters.db.migrate import upgrade

    upgrade(make_engine(settings.database_url))
    print(f"darasa serving on http://{args.host}:{args.port or settings.port}", flush=True)
    Server().run()
    return 0


def _db_upgrade(_: argparse.Namespace, settings: Settings) -> int:
    from adapters.db.engine import make_engine
    from adapters.db.migrate import upgrade

    upgrade(make_engine(settings.database_url))
    print("database is up to date")
    return 0


def _users_create(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.web.converter import structure
    from core.accounts import SignUpCommand
    from core.errors import ActionFailed, Invalid
    from entrypoints.app import create_app

    password = args.password or os.environ.get("DARASA_PASSWORD") or getpass.getpass("Password: ")
    app = create_app(settings)
    try:
        command = structure(SignUpCommand, {"email": args.email, "password": password, "name": args.name})
        signed_in = app.container.sign_up()(command, ip=None)  # type: ignore[attr-defined]
    except ActionFailed as failed:
        problems = failed.field_errors if isinstance(failed, Invalid) else {}
        details = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in problems.items())
        print(f"error: {failed.message}" + (f" ({details})" if details else ""), file=sys.stderr)
        return 1
    print(f"created user {signed_in.user.id} <{signed_in.user.email}>")
    return 0


def _plans_set(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.db.migrate import upgrade
    from core.plans import UnknownPlan, UnknownUser
    from entrypoints.container import Container

    container = Container()
    container.config.from_dict(settings.as_config())
    try:
        container.plan_catalog()
    except ValueError as bad_setting:
        print(f"error: {bad_setting}", file=sys.stderr)
        return 1
    upgrade(container.engine())
    try:
        user = container.change_plan()(args.email, args.plan)
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
