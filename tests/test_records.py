"""A record behaves as the dataclass it stands for: equal, shown and hashed the same."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import pytest

from planbook.records import record


def shapes(make):
    """The same classes, made by `make` (`dataclass` or `record`)."""

    @make
    class Plain:
        name: str
        size: int = 0
        notes: list = field(default_factory=list, repr=False)
        cached: object = field(default=None, compare=False)

    @make(frozen=True)
    class Frozen:
        title: str
        tags: tuple = ()

    @make(slots=True)
    class Slotted:
        value: float
        parent: object = field(default=None, repr=False)

    @make
    class Child(Plain):
        extra: str = ""

    @make(frozen=True)
    class Empty:
        pass

    return Plain, Frozen, Slotted, Child, Empty


DATACLASS, RECORD = shapes(dataclass), shapes(record)
CASES = [
    (0, ("a",), ("a",)), (0, ("a", 1, [1]), ("a", 1, [2])),
    (0, ("a", 1, [], "x"), ("a", 1, [], "y")),
    (0, ("a", 1), ("a", 2)), (1, ("t", ("x",)), ("t", ("x",))), (1, ("t",), ("u",)),
    (2, (1.5,), (1.5,)), (2, (math.nan,), (math.nan,)), (3, ("a", 1, [], None, "e"),
                                                      ("a", 1, [], None, "e")),
    (3, ("a", 1, [], None, "e"), ("a", 1, [], None, "f")), (4, (), ()),
]


@pytest.mark.parametrize(("shape", "left", "right"), CASES)
def test_a_record_compares_and_shows_as_its_dataclass_does(shape, left, right):
    made = [(kind[shape](*left), kind[shape](*right)) for kind in (DATACLASS, RECORD)]
    (dl, dr), (rl, rr) = made
    assert (rl == rr, rl != rr) == (dl == dr, dl != dr)
    assert repr(rl) == repr(dl) and repr(rr) == repr(dr)
    assert (rl == dl) is False  # another class: not equal, as between two dataclasses
    if RECORD[shape].__hash__ is None:
        assert DATACLASS[shape].__hash__ is None
        with pytest.raises(TypeError):
            hash(rl)
    else:
        assert hash(rl) == hash(dl)
    assert dataclasses.asdict(rl) == dataclasses.asdict(dl)
    assert [f.name for f in dataclasses.fields(rl)] == [f.name for f in dataclasses.fields(dl)]
    assert dataclasses.replace(rl) == rl


def test_a_frozen_record_stays_frozen_and_a_slotted_one_has_no_dict():
    _plain, frozen, slotted, _child, _empty = RECORD
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen("t").title = "u"
    assert not hasattr(slotted(1.0), "__dict__") and "__slots__" in slotted.__dict__


def test_a_record_that_holds_itself_is_shown_without_end():
    shown = []
    for kind in (DATACLASS, RECORD):
        plain = kind[0]("a")
        plain.notes.append(plain)
        plain.cached = plain
        shown.append(repr(plain))
    assert shown[1] == shown[0] and shown[1].endswith("Plain(name='a', size=0, cached=...)")


def test_methods_a_class_writes_itself_are_kept():
    @record(frozen=True)
    class Named:
        name: str

        def __eq__(self, other):
            return isinstance(other, Named) and self.name.lower() == other.name.lower()

        def __hash__(self):
            return hash(self.name.lower())

        def __repr__(self):
            return f"<{self.name}>"

    assert Named("A") == Named("a") and hash(Named("A")) == hash(Named("a"))
    assert repr(Named("A")) == "<A>"
