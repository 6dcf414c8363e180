"""``core.records``: classes made by its ``frozen`` and ``define`` print,
compare and hash exactly as attrs' own would, and are otherwise attrs'
classes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import attrs
import pytest
from attrs import field

import core
from core import records


def twins(decorator: str, **options: Any) -> tuple[type, type]:
    """The same class made by attrs and by ``core.records``."""
    made = []
    for maker in (getattr(attrs, decorator), getattr(records, decorator)):

        class Sample:
            name: str
            secret: str = field(repr=False)
            data: bytes = field(repr=lambda data: f"<{len(data)} bytes>")
            tags: list[object] = field(factory=list)
            later: int = field(init=False, default=3)
            unset: int = field(init=False)

        made.append(maker(**options)(Sample))
    return made[0], made[1]


@pytest.mark.parametrize("decorator, options", [("frozen", {}), ("frozen", {"kw_only": True}),
                                                ("define", {}), ("define", {"eq": False})])
def test_prints_as_attrs_does(decorator: str, options: dict[str, Any]) -> None:
    theirs, ours = twins(decorator, **options)
    args = {"name": "Ada 'L'", "secret": "hunter2", "data": b"\x00" * 5}
    assert repr(ours(**args)) == repr(theirs(**args))
    assert "hunter2" not in repr(ours(**args))
    assert str(ours(**args)) == str(theirs(**args))
    assert ours.__repr__.__qualname__ == theirs.__repr__.__qualname__
    assert ours.__repr__.__module__ == theirs.__repr__.__module__


@pytest.mark.parametrize("decorator, options", [("frozen", {}), ("frozen", {"kw_only": True}), ("define", {})])
def test_compares_and_hashes_as_attrs_does(decorator: str, options: dict[str, Any]) -> None:
    def make(maker: Any) -> type:
        class Keyed:
            name: str = field(eq=str.lower)
            score: float = 0.0
            note: str = field(eq=False, default="")
            weight: int = field(hash=False, default=1)

        return maker(**options)(Keyed)  # type: ignore[no-any-return]

    theirs, ours = make(getattr(attrs, decorator)), make(getattr(records, decorator))
    nan = float("nan")
    pairs = [({"name": "Ada"}, {"name": "ADA", "note": "other"}), ({"name": "Ada"}, {"name": "Bob"}),
             ({"name": "a", "score": nan}, {"name": "a", "score": nan}), ({"name": "a", "weight": 2}, {"name": "a"})]
    for left, right in pairs:
        assert (ours(**left) == ours(**right)) == (theirs(**left) == theirs(**right))
        assert (ours(**left) != ours(**right)) == (theirs(**left) != theirs(**right))
        if decorator == "frozen":
            assert hash(ours(**left)) == hash(theirs(**left))  # the same number
        else:
            assert ours.__hash__ is None and theirs.__hash__ is None
    same = ours(name="a", score=nan)
    assert (same == same) is False  # NaN: attrs compares the fields, not their identity
    assert ours(name="a").__eq__(theirs(name="a")) is NotImplemented
    assert ours(name="a") != theirs(name="a") and ours(name="a") != "a"
    assert ours.__eq__.__qualname__ == theirs.__eq__.__qualname__


def test_an_object_met_again_while_printed_is_three_dots() -> None:
    theirs, ours = twins("define")
    assert repr(ours(name="x", secret="s", data=b"", tags=[1])).endswith("tags=[1], later=3, unset=NOTHING)")
    mine, same = ours(name="a", secret="s", data=b""), theirs(name="a", secret="s", data=b"")
    for loop, cls in ((mine, ours), (same, theirs)):
        loop.tags.extend([loop, cls(name="b", secret="s", data=b"", tags=[loop])])
    assert repr(mine) == repr(same)
    assert repr(mine) == repr(mine)  # nothing left behind by the first


def test_a_failing_field_repr_leaves_nothing_behind() -> None:
    @records.frozen
    class Broken:
        value: object = field(repr=lambda _: 1 / 0)

    broken = Broken(1)
    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            repr(broken)


def test_a_nested_class_prints_its_own_name() -> None:
    def inner() -> tuple[object, object]:
        @attrs.frozen
        class Theirs:
            x: int

        @records.frozen
        class Ours:
            x: int

        return Theirs(1), Ours(1)

    theirs, ours = inner()
    assert repr(ours) == repr(theirs).replace("Theirs", "Ours") == "Ours(x=1)"


def test_a_class_with_its_own_repr_or_none_keeps_it() -> None:
    @records.frozen
    class Own:
        x: int

        def __repr__(self) -> str:
            return "own"

    @records.frozen(repr=False)
    class Plain:
        x: int

    @records.frozen(eq=False)
    class Unequal:
        x: int

    @records.frozen
    class Failed(Exception):
        x: int

    assert repr(Own(1)) == "own" and Own(1) == Own(1)
    assert Unequal(1) != Unequal(1) and Unequal.__hash__ is object.__hash__
    assert Failed(1) != Failed(1) and repr(Failed(1)) == "Failed(x=1)"
    assert repr(Plain(1)).startswith("<") and Plain.__repr__ is object.__repr__


def test_still_attrs_classes() -> None:
    @records.frozen
    class Point:
        x: int
        y: int = field(eq=False)

    one = Point(1, 2)
    assert attrs.has(Point) and one == Point(1, 3) and hash(one) == hash(Point(1, 3)) and one != Point(2, 2)
    assert attrs.evolve(one, x=5) == Point(5, 2) and attrs.asdict(one) == {"x": 1, "y": 2}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        one.x = 3  # type: ignore[misc]
    assert not hasattr(one, "__dict__")  # slotted, as attrs makes them


def test_every_class_of_the_core_prints_what_attrs_would() -> None:
    """Each attrs class of the core, remade by attrs itself, prints the
    same for the same values, and equals (and hashes as) its copy."""
    compared = 0
    for found in pkgutil.walk_packages(core.__path__, "core."):
        module = importlib.import_module(found.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and attrs.has(cls) and cls.__module__ == module.__name__):
                continue
            fields = attrs.fields(cls)
            values = {a.name: f"v{i}" for i, a in enumerate(fields)}
            ours = object.__new__(cls)
            for name, value in values.items():
                object.__setattr__(ours, name, value)
            remade = attrs.make_class(cls.__name__, {a.name: attrs.field(repr=a.repr, init=a.init) for a in fields},
                                      slots=False, frozen=False)
            theirs = object.__new__(remade)
            theirs.__dict__.update(values)
            assert repr(ours) == repr(theirs), cls
            twin = object.__new__(cls)
            for name, value in values.items():
                object.__setattr__(twin, name, value)
            assert ours == twin and not ours != twin and (cls.__hash__ is None or hash(ours) == hash(twin)), cls
            compared += 1
    assert compared > 100
