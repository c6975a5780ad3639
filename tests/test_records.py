"""A record behaves as the dataclass it stands for: equal, shown and hashed the same."""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import pickle
import sys
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
MANY = shapes(functools.partial(record, many=True))  # each with the dataclass's __init__
CASES = [
    (0, ("a",), ("a",)), (0, ("a", 1, [1]), ("a", 1, [2])),
    (0, ("a", 1, [], "x"), ("a", 1, [], "y")),
    (0, ("a", 1), ("a", 2)), (1, ("t", ("x",)), ("t", ("x",))), (1, ("t",), ("u",)),
    (2, (1.5,), (1.5,)), (2, (math.nan,), (math.nan,)), (3, ("a", 1, [], None, "e"),
                                                      ("a", 1, [], None, "e")),
    (3, ("a", 1, [], None, "e"), ("a", 1, [], None, "f")), (4, (), ()),
]


@pytest.mark.parametrize("kind", [RECORD, MANY], ids=["record", "many"])
@pytest.mark.parametrize(("shape", "left", "right"), CASES)
def test_a_record_compares_and_shows_as_its_dataclass_does(kind, shape, left, right):
    made = [(k[shape](*left), k[shape](*right)) for k in (DATACLASS, kind)]
    (dl, dr), (rl, rr) = made
    if sys.version_info >= (3, 13) and _holds_nan(left):
        # a record compares its fields as one tuple, as the dataclass did up to 3.12, so the
        # same NaN is equal to itself; from 3.13 the dataclass compares field by field
        assert (rl == rr, rl != rr) == (True, False)
    else:
        assert (rl == rr, rl != rr) == (dl == dr, dl != dr)
    assert repr(rl) == repr(dl) and repr(rr) == repr(dr)
    assert (rl == dl) is False  # another class: not equal, as between two dataclasses
    if kind[shape].__hash__ is None:
        assert DATACLASS[shape].__hash__ is None
        with pytest.raises(TypeError):
            hash(rl)
    else:
        assert hash(rl) == hash(dl)
    assert dataclasses.asdict(rl) == dataclasses.asdict(dl)
    assert [f.name for f in dataclasses.fields(rl)] == [f.name for f in dataclasses.fields(dl)]
    assert dataclasses.replace(rl) == rl


@pytest.mark.parametrize("kind", [RECORD, MANY], ids=["record", "many"])
def test_a_frozen_record_stays_frozen_and_a_slotted_one_has_no_dict(kind):
    _plain, frozen, slotted, _child, _empty = kind
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen("t").title = "u"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del frozen("t").title
    assert not hasattr(slotted(1.0), "__dict__") and "__slots__" in slotted.__dict__


def _holds_nan(values) -> bool:
    return any(isinstance(v, float) and math.isnan(v) for v in values)


def _init_outcome(cls, *args, **kwargs):
    """What constructing `cls` gives: its fields' values, or the kind of error raised."""
    try:
        made = cls(*args, **kwargs)
    except TypeError:
        return TypeError
    return {f.name: getattr(made, f.name, "<unset>") for f in dataclasses.fields(made)}


CALLS = [
    (0, ("a",), {}), (0, (), {"name": "a", "size": 2}), (0, ("a", 2, [1], "c"), {}),
    (0, (), {}), (0, ("a",), {"name": "b"}), (0, ("a",), {"colour": 1}),
    (0, ("a", 1, [], None, "extra"), {}), (3, ("a",), {"extra": "e", "size": 3}),
    (1, ("t",), {"tags": ("x",)}), (2, (), {"value": 1.0, "parent": "p"}), (4, (), {}),
    (4, (1,), {}),
]


@pytest.mark.parametrize(("shape", "args", "kwargs"), CALLS)
def test_a_record_binds_its_arguments_as_its_dataclass_does(shape, args, kwargs):
    """In order or by name, defaults for what is not given; too many, too few, unknown or
    twice-given arguments are a TypeError, as the dataclass's `__init__` has them."""
    expected = _init_outcome(DATACLASS[shape], *args, **kwargs)
    assert _init_outcome(RECORD[shape], *args, **kwargs) == expected
    assert _init_outcome(MANY[shape], *args, **kwargs) == expected


def test_factories_fields_outside_init_and_post_init_run_as_the_dataclasses_do():
    def shape(make):
        @make(frozen=True)
        class Made:
            name: str
            items: list = field(default_factory=list)
            count: int = field(default=0, init=False)
            made: list = field(default_factory=lambda: ["fresh"], init=False)
            shout: str = field(default="", init=False)

            def __post_init__(self):
                object.__setattr__(self, "shout", self.name.upper())

        return Made

    for make in (dataclass, record, functools.partial(record, many=True)):
        made = shape(make)
        one, two = made("a"), made("b", [1])
        assert (one.items, one.count, one.made, one.shout) == ([], 0, ["fresh"], "A")
        assert (two.items, two.shout) == ([1], "B") and one.made is not made("c").made
        with pytest.raises(TypeError):
            made("a", count=1)  # not an argument of __init__


@record(frozen=True, slots=True)
class Pinned:  # at module level, where pickle finds classes
    where: str
    what: tuple = ()


@record(frozen=True)
class Sealed:
    name: str


@record(slots=True)
class Tight:
    value: float
    notes: list = field(default_factory=list)


@record(frozen=True, slots=True, many=True)
class PinnedMany:
    where: str


def test_a_record_pickles_and_copies_as_its_dataclass_does():
    """Frozen and slotted records cross to a worker process and back, and copy."""
    for made in (Pinned("here", ("one",)), Sealed("s"), Tight(1.5, [1]), PinnedMany("w")):
        assert pickle.loads(pickle.dumps(made)) == made
        assert copy.copy(made) == made and copy.deepcopy(made) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        pickle.loads(pickle.dumps(Pinned("here"))).where = "there"


def test_the_written_inits_are_the_records_own():
    """`planbook.record_inits` holds what `make docs` would write now, and the package's
    records made many times a run take their `__init__` from it instead of compiling one."""
    from pathlib import Path

    from planbook import finding, model, record_inits, records

    assert Path(record_inits.__file__).read_text(encoding="utf-8") == records.inits_module(), \
        "planbook/record_inits.py is stale: run `make docs`"
    for cls in (model.Block, model.Section, finding.Finding):
        assert cls.__init__.__code__.co_filename == record_inits.__file__, cls


def test_a_class_the_written_inits_do_not_know_gets_one_compiled():
    @record(frozen=True, many=True)
    class Unusual:
        """Its fields are in no record of the package."""

        odd_name_one: str
        odd_name_two: list = field(default_factory=list)

    made = Unusual("x")
    assert (made.odd_name_one, made.odd_name_two) == ("x", [])
    assert Unusual.__init__.__code__.co_filename == "<string>"
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.odd_name_one = "y"
