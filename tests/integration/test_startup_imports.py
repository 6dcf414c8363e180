"""Issue 10's start-up target: optional backends' clients are imported only
when configured, and what only some pages use (charts, markdown, the
password estimator) or actions use (the password hasher, the isolated
document reader) when first used. A fresh process creates the app on a migrated SQLite
database and reports which of them it loaded. And the web modules' every
injection is an ``@inject`` function, the only kind ``entrypoints.app.wire``
looks for. And no URL rule has compiled its builders by the first 200
(``adapters.web.rules``)."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from dependency_injector.wiring import Provide

from tests.integration._services import redis_url

LAZY = ("alembic", "redis", "psycopg", "pygal", "lxml", "zxcvbn", "markdown_it", "nh3", "pydantic", "yaml", "cryptography",
        "argon2", "multiprocessing")
CREATE = f"""
import json, sys
LAZY = {LAZY!r}
from entrypoints.app import create_app
from entrypoints.settings import Settings
app = create_app(Settings.from_env())
loaded = {{name: name in sys.modules for name in LAZY}}
app.test_client().get("/healthz")
loaded["redis after /healthz"] = "redis" in sys.modules
loaded["a URL builder compiled"] = any(rule._build.__code__.co_filename == "<werkzeug routing>"
                                      or rule._build_unknown.__code__.co_filename == "<werkzeug routing>"
                                      for rule in app.url_map.iter_rules())
print(json.dumps(loaded))
"""


def _modules_loaded(instance: Path, **env: str) -> dict[str, bool]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    base.update(DARASA_INSTANCE=str(instance), LOG_LEVEL="WARNING", **env)
    repo = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "entrypoints.cli", "db", "upgrade"], cwd=repo, env=base,
                   check=True, capture_output=True)
    ran = subprocess.run([sys.executable, "-c", CREATE], cwd=repo, env=base, check=True,
                         capture_output=True, text=True)
    return json.loads(ran.stdout.strip().splitlines()[-1])


def test_a_sqlite_app_without_redis_url_imports_none_of_them_to_serve(tmp_path: Path) -> None:
    assert not any(_modules_loaded(tmp_path).values())


def test_with_redis_url_its_client_is_imported_when_first_used(tmp_path: Path) -> None:
    # /healthz pings Redis (up or down, the client is then loaded)
    loaded = _modules_loaded(tmp_path, REDIS_URL=redis_url())
    assert loaded["redis after /healthz"]


def _web_modules() -> list[ModuleType]:
    from entrypoints.bootstrap import WEB_MODULES, WEB_PACKAGES

    modules = [importlib.import_module(name) for name in WEB_MODULES]
    for package in map(importlib.import_module, WEB_PACKAGES):
        modules += [package, *(importlib.import_module(found.name)
                               for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."))]
    return modules


def test_every_injection_of_the_web_modules_is_an_inject_function() -> None:
    checked = 0
    for module in _web_modules():
        functions = [m for m in vars(module).values() if inspect.isfunction(m) and m.__module__ == module.__name__]
        for cls in (m for m in vars(module).values() if inspect.isclass(m) and m.__module__ == module.__name__):
            functions += [m for m in vars(cls).values() if inspect.isfunction(m)]
        for function in functions:
            original = inspect.unwrap(function)
            if any(isinstance(p.default, Provide) for p in inspect.signature(original).parameters.values()):
                assert function is not original, f"{module.__name__}.{function.__name__} needs @inject"
                checked += 1
    assert checked > 20  # the search found them
