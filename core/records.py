"""attrs' ``frozen`` and ``define``, every class they make given an
``__repr__``, ``__eq__`` and ``__hash__`` that are not compiled for it.

attrs writes the source of each class's ``__init__``, ``__eq__``,
``__hash__`` and ``__repr__`` and compiles it when the class is made. For
darasa's ~140 classes that was about a tenth of the instructions a start-up
runs to its first 200 (``benchmarks/startup.py``; 210 million of 2,230
counted with callgrind), the ``__repr__`` (an f-string of every field) half
of it. Here attrs compiles the ``__init__`` only, and the other three are
closures over the class's fields that do what attrs' would:

- ``__repr__`` prints ``Name(a=1, b='x')``, fields with ``repr=False`` left
  out (passwords, tokens), a field's own repr callable used as given,
  ``...`` for an object met again while it is being printed;
- ``__eq__`` compares the fields with ``eq`` (through their ``eq`` key, if
  any) of two objects of the same class, ``NotImplemented`` for any other
  class, and answers what attrs' ``a == b and c == d`` answers;
- ``__hash__`` hashes the class and those fields, as attrs' does (the same
  number); a class that is not frozen is unhashable, as with attrs.

They cost a few tenths of a microsecond more a call than attrs' (a loop
over the fields): nothing that a request would notice, where start-up saves
tens of milliseconds. A class that defines any of them itself, or passes
attrs an option about them (``repr``, ``eq``, ``order``, ``hash``...), or is
an exception, is left for attrs to make as it would.

For type checkers these are attrs' own decorators (mypy's attrs plugin knows
them by name), so ``from core.records import frozen`` is checked exactly as
``from attrs import frozen`` is. ruff (TID251, ``pyproject.toml``) refuses
attrs' own decorators in ``core``, ``adapters`` and ``entrypoints``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

__all__ = ["define", "frozen"]

_printing = threading.local()
"""The ids of the objects this thread is printing, as attrs keeps them."""


def _repr_of(cls: type) -> Callable[[object], str]:
    """The ``__repr__`` attrs would compile for ``cls``, as a closure."""
    shown = tuple((a.name, repr if a.repr is True else a.repr, a.init)
                  for a in attrs.fields(cls) if a.repr is not False)

    def __repr__(self: object) -> str:  # noqa: N807 - the method it becomes
        try:
            printing: set[int] = _printing.ids
        except AttributeError:
            printing = _printing.ids = set()
        if id(self) in printing:
            return "..."
        printing.add(id(self))
        try:
            parts = []
            for name, shown_as, init in shown:
                value = getattr(self, name) if init else getattr(self, name, attrs.NOTHING)
                parts.append(f"{name}={shown_as(value)}" if shown_as is not repr else f"{name}={value!r}")
            return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"
        finally:
            printing.discard(id(self))

    return _named(__repr__, cls)


def _eq_of(cls: type) -> Callable[[object, object], object]:
    """The ``__eq__`` attrs would compile for ``cls``, as a closure."""
    compared = tuple((a.name, a.eq_key) for a in attrs.fields(cls) if a.eq)

    def __eq__(self: object, other: object) -> object:  # noqa: N807 - the method it becomes
        if other.__class__ is not self.__class__:
            return NotImplemented
        equal: object = True
        for name, key in compared:
            mine, theirs = getattr(self, name), getattr(other, name)
            equal = key(mine) == key(theirs) if key else mine == theirs
            if not equal:
                return equal
        return equal

    return _named(__eq__, cls)


def __ne__(self: object, other: object) -> object:  # noqa: N807 - attrs' own, shared by its classes too
    """Check equality and either forward a NotImplemented or
    return the result negated."""
    equal = self.__eq__(other)
    return NotImplemented if equal is NotImplemented else not equal


def _hash_of(cls: type) -> Callable[[object], int]:
    """The ``__hash__`` attrs would compile for ``cls``, as a closure."""
    hashed = tuple((a.name, a.eq_key) for a in attrs.fields(cls) if a.hash is True or (a.hash is None and a.eq))
    of_class = hash(f"<attrs generated hash {cls.__module__}.{cls.__qualname__}>")

    def __hash__(self: object) -> int:  # noqa: N807 - the method it becomes
        return hash((of_class, *(key(getattr(self, name)) if key else getattr(self, name) for name, key in hashed)))

    return _named(__hash__, cls)


F = TypeVar("F", bound=Callable[..., Any])


def _named(method: F, cls: type) -> F:
    """``method`` named as attrs names the methods it makes for ``cls``."""
    method.__module__ = cls.__module__
    method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
    method.__doc__ = f"Method generated by attrs for class {cls.__qualname__}."
    return method


_ABOUT_EQUALITY = {"eq", "order", "hash", "unsafe_hash", "cache_hash", "cmp"}


def _making(attrs_decorator: Callable[..., Any], frozen: bool) -> Callable[..., Any]:
    def decorator(maybe_cls: type | None = None, **options: Any) -> Any:
        def wrap(cls: type) -> type:
            own = vars(cls)
            ours: dict[str, bool] = {}
            if options.get("repr", True) is not False and "__repr__" not in own:
                ours["repr"] = False
            if not (_ABOUT_EQUALITY & options.keys() or {"__eq__", "__ne__", "__hash__"} & own.keys()
                    or issubclass(cls, BaseException)):
                ours["eq"] = False
            made: type = attrs_decorator(cls, **{**options, **ours})
            if "repr" in ours:
                made.__repr__ = _repr_of(made)  # type: ignore[assignment]
            if "eq" in ours:
                made.__eq__ = _eq_of(made)  # type: ignore[assignment]
                made.__ne__ = __ne__  # type: ignore[assignment]
                made.__hash__ = _hash_of(made) if options.get("frozen", frozen) else None  # type: ignore[assignment]
            return made

        return wrap if maybe_cls is None else wrap(maybe_cls)

    return decorator


if TYPE_CHECKING:
    from attrs import define, frozen
else:
    frozen = _making(attrs.frozen, frozen=True)
    define = _making(attrs.define, frozen=False)
