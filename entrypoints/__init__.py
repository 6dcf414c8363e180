"""Entrypoints: configuration, the dependency-injector container, the WSGI
app factory and the command line. The only place that knows every adapter."""

import sys
from types import ModuleType


def _load_dependency_injector() -> None:
    """dependency-injector's providers and containers import
    pydantic-settings (else pydantic) and PyYAML when installed, for ``Configuration.from_pydantic``
    and ``from_yaml``, which darasa does not use: about a sixth of start-up.
    They are hidden while it loads (``None`` in ``sys.modules`` fails an
    import; pydantic is a stand-in that is not version 1, which its compiled
    code reads), then anyone may import them as usual."""
    if "dependency_injector.providers" in sys.modules:
        return
    stand_in = ModuleType("pydantic")
    stand_in.VERSION = "hidden"  # type: ignore[attr-defined]
    hidden: dict[str, ModuleType | None] = {"pydantic_settings": None, "pydantic": stand_in, "yaml": None}
    hidden = {name: module for name, module in hidden.items() if name not in sys.modules}
    sys.modules.update(hidden)  # type: ignore[arg-type]
    try:
        import dependency_injector.containers
        import dependency_injector.providers  # noqa: F401
    finally:
        for name, module in hidden.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_load_dependency_injector()
