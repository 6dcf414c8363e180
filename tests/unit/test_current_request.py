"""``adapters.web.current``'s ``current_request`` and ``current_g`` are the
objects Flask's proxies stand for (through the proxies'
``_get_current_object``)."""

from __future__ import annotations

from flask import Flask, g, request

from adapters.web.current import current_g, current_request


def test_they_are_what_the_proxies_stand_for() -> None:
    app = Flask(__name__)
    with app.test_request_context("/somewhere", method="POST"):
        served = current_request()
        assert type(served) is app.request_class
        assert served.path == request.path == "/somewhere"
        current_g().mark = 1
        assert type(current_g()) is app.app_ctx_globals_class
        assert g.mark == 1
