"""The dependency-injector container: which adapter serves each port, chosen
by configuration. Tests override providers with fakes."""

from __future__ import annotations

import itertools

from dependency_injector import containers, providers

from adapters.cache.memory import MemoryTagCache
from adapters.db.engine import make_engine
from adapters.db.storage import SqlStorage
from adapters.identity.local import LocalIdentity
from adapters.identity.passwords import Argon2PasswordHasher
from adapters.identity.tokens import KeyedTokens
from adapters.plans import LocalPlans, load_catalog
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.system import SystemClock, UuidIds
from adapters.web.converter import structure
from core.accounts import SignIn, SignOut, SignUp
from core.interviews import interview_actions
from core.jobinfos import job_info_actions
from core.pipeline import Actions
from core.plans import ChangePlan, plan_actions

WEB_MODULES = [
    "adapters.web.actions",
    "adapters.web.auth",
    "adapters.web.meta",
]


class Container(containers.DeclarativeContainer):
    wiring_config = containers.WiringConfiguration(modules=WEB_MODULES, warn_unresolved=True)

    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidIds)

    engine = providers.Singleton(make_engine, config.database_url)
    storage = providers.Singleton(SqlStorage, engine)
    cache = providers.Singleton(MemoryTagCache)

    limiter = providers.Singleton(MemoryRateLimiter, clock)

    plan_catalog = providers.Singleton(load_catalog, config.plan_catalog)
    plans = providers.Singleton(LocalPlans, storage, plan_catalog)
    change_plan = providers.Singleton(ChangePlan, storage, cache, plan_catalog)

    password_hasher = providers.Singleton(Argon2PasswordHasher)
    tokens = providers.Singleton(KeyedTokens, config.secret_key)
    identity = providers.Singleton(LocalIdentity, storage, tokens, clock)
    sign_up = providers.Singleton(SignUp, storage, password_hasher, tokens, clock, ids, limiter)
    sign_in = providers.Singleton(SignIn, storage, password_hasher, tokens, clock, ids, limiter)
    sign_out = providers.Singleton(SignOut, storage, tokens, clock)

    action_list = providers.Callable(
        lambda *groups: list(itertools.chain(*groups)),
        providers.Callable(job_info_actions, storage, cache, clock, ids),
        providers.Callable(
            interview_actions, storage, cache, clock, ids, plans, plan_catalog, limiter
        ),
        providers.Callable(plan_actions, plans),
    )
    actions = providers.Singleton(Actions, action_list, structure)
