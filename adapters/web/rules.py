"""URL rules whose URL builders are compiled when they first build a URL.

Werkzeug compiles two functions for every rule as it is added, for
``url_for``: one that builds the rule's URL and one that also appends
unknown arguments as a query string. That is most of what adding darasa's
35 rules costs at start-up (about 30 ms of ``create_app``), and darasa
builds the URL of only one of them (``pages.static``, from the templates).
``LazyBuildRule``, the app's ``url_rule_class``, compiles each of the two
when it is first called, then puts the compiled one where Werkzeug keeps it;
matching requests to rules is Werkzeug's own, unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        kept_as = "_build_unknown" if append_unknown else "_build"

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, kept_as, compiled)
            return compiled(**values)

        return build
