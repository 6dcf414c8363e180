"""The local account use cases as the account tests drive them: the
application's container over one set of fakes, and commands with defaults."""

from __future__ import annotations

from adapters.cache.memory import MemoryTagCache
from adapters.fakes import FakeClock, FakeStorage, SequentialIds
from adapters.fakes.passwords import FakePasswordHasher
from adapters.identity.tokens import KeyedTokens
from adapters.ratelimit.memory import MemoryRateLimiter
from core.accounts import SignedIn, SignInCommand, SignOutCommand, SignUpCommand
from core.accounts import actions as account_actions
from core.pipeline import Context, Handler
from entrypoints.bootstrap import bootstrap, build
from tests.unit.app_on_fakes import fake_settings

ACCOUNT_ACTIONS = {action.name: action for action in account_actions}
SECRET = "test-secret-key"
PASSWORD = "correct horse battery"


class Accounts:
    """The account use cases and the identity port of the application's
    container, over one set of fakes; ``session_lifetime`` overrides the
    setting."""

    def __init__(self, hasher: FakePasswordHasher | None = None, **options: object) -> None:
        self.cache = MemoryTagCache()
        self.storage = FakeStorage(self.cache)
        self.clock = FakeClock()
        self.ids = SequentialIds()
        self.hasher = hasher or FakePasswordHasher()
        self.tokens = KeyedTokens(SECRET)
        self.limiter = MemoryRateLimiter(self.clock)
        self.container = bootstrap(
            fake_settings(SECRET_KEY=SECRET),
            storage=self.storage, cache=self.cache, clock=self.clock, ids=self.ids,
            password_hasher=self.hasher, tokens=self.tokens, rate_limiter=self.limiter,
            **options,
        )
        self.identity = self.container.identity()
        self.built: dict[str, Handler] = {}

    def _use_case(self, name: str) -> Handler:
        """The action's use case, built once by the bootstrap's ``build``."""
        if name not in self.built:
            action = ACCOUNT_ACTIONS[name]
            self.built[name] = build(self.container, action.use_case, action)
        return self.built[name]

    def sign_up(self, command: SignUpCommand, ip: str | None = None) -> SignedIn:
        return self._use_case("signUp")(Context(client_ip=ip), command)

    def sign_in(self, command: SignInCommand, ip: str | None = None) -> SignedIn:
        return self._use_case("signIn")(Context(client_ip=ip), command)

    def sign_out(self, token: str) -> None:
        actor = self.identity.authenticate(token)
        self._use_case("signOut")(Context(actor), SignOutCommand())


def sign_up_command(email: str = "ada@example.com", password: str = PASSWORD, name: str = "Ada"):
    return SignUpCommand(email=email, password=password, name=name)


def sign_in_command(email: str = "ada@example.com", password: str = PASSWORD):
    return SignInCommand(email=email, password=password)
