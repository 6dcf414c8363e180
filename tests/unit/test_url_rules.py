"""``adapters.web.rules.LazyBuildRule`` builds the URLs Werkzeug's own rules
build, compiling each builder on its first use only."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.routing import BuildError, Map, Rule

from adapters.web.rules import LazyBuildRule

RULES = [
    ("/assets/<path:filename>", "static", {}),
    ("/job-infos/<job_info_id>/questions", "questions", {}),
    ("/items/<int:number>", "item", {}),
    ("/pages/", "pages", {"defaults": {"page": 1}}),
    ("/pages/<int:page>", "pages", {}),
    ("/a b/<name>", "spaced", {}),
]
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("static", {"filename": "app.js"}),
    ("static", {"filename": "dir/x y.css", "v": "3"}),
    ("questions", {"job_info_id": "7e1b", "after": "x&y", "limit": 5}),
    ("item", {"number": 42}),
    ("pages", {}),
    ("pages", {"page": 1}),
    ("pages", {"page": 3}),
    ("spaced", {"name": "é/?"}),
]


def adapter(rule_class: type[Rule]) -> Any:
    return Map([rule_class(path, endpoint=endpoint, **options) for path, endpoint, options in RULES]).bind("localhost")


@pytest.mark.parametrize("append_unknown", [True, False])
def test_builds_what_werkzeug_builds(append_unknown: bool) -> None:
    eager, lazy = adapter(Rule), adapter(LazyBuildRule)
    for endpoint, values in CALLS * 2:  # compiled on the first call, kept for the second
        assert lazy.build(endpoint, values, append_unknown=append_unknown) == \
            eager.build(endpoint, values, append_unknown=append_unknown)
    with pytest.raises(BuildError):
        lazy.build("item", {})


def test_a_rule_compiles_its_builders_when_first_used() -> None:
    lazy = adapter(LazyBuildRule)
    rule = next(r for r in lazy.map.iter_rules() if r.endpoint == "item")
    first = rule._build_unknown
    assert "<werkzeug routing>" not in first.__code__.co_filename
    assert lazy.build("item", {"number": 1}) == "/items/1"
    assert rule._build_unknown is not first and rule._build_unknown.__code__.co_filename == "<werkzeug routing>"
    assert lazy.match("/items/7") == ("item", {"number": 7})
