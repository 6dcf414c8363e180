"""``adapters.web.current.current_request`` is the request itself, which
Flask's proxy stands for (through the proxies' ``_get_current_object``)."""

from __future__ import annotations

from flask import Flask, request

from adapters.web.current import current_request


def test_it_is_the_request_the_proxy_stands_for() -> None:
    app = Flask(__name__)
    with app.test_request_context("/somewhere", method="POST"):
        served = current_request()
        assert type(served) is app.request_class
        assert served.path == request.path == "/somewhere"
