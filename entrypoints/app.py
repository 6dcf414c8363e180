"""The application factory: the Flask app around the container that
``entrypoints.bootstrap`` builds. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dependency_injector import wiring
from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from adapters.db.storage import SqlStorage
from adapters.web import actions, auth, ip_limit, malformed, meta, observability, pages, webhooks
from adapters.web.envelope import JsonProvider
from adapters.web.rules import LazyBuildRule
from entrypoints.bootstrap import WEB_MODULES, WEB_PACKAGES, Container, bootstrap
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings


def create_app(
    settings: Settings | None = None,
    container: Container | None = None,
    migrate: bool = False,
) -> Flask:
    """Build the WSGI app. ``container`` lets tests bring one bootstrapped
    with fakes; ``migrate`` brings the database schema up to date first
    (``darasa serve`` migrates once, before its workers start)."""
    settings = settings or Settings.from_env()
    if container is None:
        container = bootstrap(settings)
    if migrate:
        from adapters.db.migrate import upgrade

        upgrade(container.engine())

    app = App("darasa", instance_path=str(settings.instance_path))
    if settings.trusted_proxies:
        # Behind N proxies: the client's address (per-IP limit, logs), scheme
        # (Secure cookie, the Origin check) and host come from their headers.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.wsgi_app = malformed.guard_input(app.wsgi_app)  # type: ignore[method-assign]
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=11 * 1024 * 1024)
    app.session_interface = NoSessions()  # SECRET_KEY keys the pages' CSRF tokens, not a cookie session
    app.container = container  # type: ignore[attr-defined]
    wire(container)
    _one_connection_per_request(app, container)
    observability.install(app)
    ip_limit.install(app, container.window_limiter, settings.ip_rate_limit)
    if settings.clerk is not None:
        # Clerk signs people in and out: the local account routes are not
        # part of this deployment (404), pages send visitors to Clerk
        from adapters.identity.clerk import SESSION_COOKIE as CLERK_SESSION_COOKIE

        app.config.update(TOKEN_COOKIE=CLERK_SESSION_COOKIE, SIGN_IN_URL=settings.clerk.sign_in_url)
    else:
        app.register_blueprint(auth.blueprint)
    app.register_blueprint(actions.blueprint())
    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(meta.blueprint)
    app.register_blueprint(pages.blueprint)
    pages.install(app)
    return app


def _one_connection_per_request(app: Flask, container: Container) -> None:
    """A request's units of work (authentication's read, the action's reads
    and its write) share one pooled connection, given back once the view
    has answered (before a streamed body, whose units of work then open
    their own) or, whatever happened, when the request ends; storage that
    pools nothing (the tests' fakes) has nothing to hold."""
    storage = container.storage()
    if not isinstance(storage, SqlStorage):
        return

    def let_go(response: Response) -> Response:
        storage.let_go_of_connection()
        return response

    app.before_request(storage.hold_connection)
    app.after_request(let_go)
    app.teardown_request(storage.let_go_of_connection)


def wire(container: Container) -> None:
    """Bind the ``@inject`` functions of the web modules to ``container``.

    ``container.wire`` binds them, but first reads the signature of every
    function and method of every other member of those modules (imported
    classes included) looking for markers outside ``@inject``: about 40 ms
    of start-up, finding nothing, since darasa marks every injection with
    ``@inject`` (``tests/integration/test_startup_imports.py`` checks it). Those members are
    left out of the search here, for the length of the call."""
    wiring.INSPECT_EXCLUSION_FILTERS.append(_not_injected)
    try:
        container.wire(modules=WEB_MODULES, packages=WEB_PACKAGES, warn_unresolved=True)
    finally:
        wiring.INSPECT_EXCLUSION_FILTERS.remove(_not_injected)


def _not_injected(member: object) -> bool:
    """Anything but a function ``@inject`` wrapped."""
    return not hasattr(member, "__wrapped__")


class App(Flask):
    """Flask, with two costs of its own taken off every request and every
    start: its URL rules (its own static files' too, added as it is made)
    compile their URL builders on first use (``adapters.web.rules``), and
    every view, hook and error handler is taken to be a plain ``def``, as
    all of darasa's are (``tests/unit/test_app_hooks.py`` checks), where
    ``ensure_sync`` would ask ``inspect.iscoroutinefunction`` of each on
    every request (five times for an action)."""

    url_rule_class = LazyBuildRule
    json_provider_class = JsonProvider  # keys in the order given; one encoder kept

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


class NoSessions(SessionInterface):
    """darasa keeps no state in Flask's cookie session (its sessions are
    tokens, ``adapters.web.credentials``): never open nor save one, which
    Flask would otherwise do on every request since ``SECRET_KEY`` is set."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then uses a null session, which refuses writes

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def with_periodic_purge(app: Flask) -> Flask:
    """Purge what the database no longer needs every 15 minutes or so, in
    the background of this worker (``adapters.db.purge``)."""
    from adapters.db.purge import purge, start_periodic_purge

    container = app.container  # type: ignore[attr-defined]
    start_periodic_purge(lambda: purge(container.engine(), container.clock()))
    return app


def wsgi(env: Mapping[str, str] | None = None) -> Flask:
    """The WSGI entry for gunicorn: ``gunicorn 'entrypoints.app:wsgi()'``.
    It does not migrate (every worker would): run ``darasa db upgrade``
    first; a worker that finds the database behind stops with a message
    saying so, and gunicorn with it. Each worker purges periodically."""
    from adapters.db.migrate import require_current

    settings = Settings.from_env(env)
    configure_logging(settings.log_level, settings.log_flush_ms)
    malformed.use_json_error_pages()
    app = create_app(settings)
    require_current(app.container.engine())  # type: ignore[attr-defined]
    return with_periodic_purge(app)
