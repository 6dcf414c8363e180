"""The offline coach's data files (question bank, skill taxonomy, synonyms),
shipped as JSON inside the package and read with importlib.resources."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load(name: str) -> Any:
    """The parsed content of the JSON data file ``name`` (e.g. ``skills.json``)."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def names(prefix: str) -> list[str]:
    """The names of the JSON data files whose name starts with ``prefix``, sorted."""
    return sorted(
        entry.name
        for entry in resources.files(__name__).iterdir()
        if entry.name.startswith(prefix) and entry.name.endswith(".json")
    )
