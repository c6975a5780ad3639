"""`record`: a dataclass whose comparison and repr are shared by every record, not written
out for each class.

Python 3.11's `dataclass` writes `__init__`, `__repr__`, `__eq__` (and for a frozen class
`__hash__`, `__setattr__` and `__delattr__`) as source text and compiles each at import:
about a third of a millisecond per class, and a lint imports some forty of them before it
reads a plan. A record gets the `__init__` and the frozen guards written out as before (they
run for every object), and `__eq__`, `__repr__` and `__hash__` as three functions common to
all records, which read the fields the dataclass would (those with `compare` or `repr`). What
a record is and does is otherwise a dataclass's: `fields`, `replace`, `asdict` and
`is_dataclass` see one.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from reprlib import recursive_repr


def record(cls=None, /, *, frozen: bool = False, slots: bool = False):
    """`@dataclass`, `@dataclass(frozen=True)`, `@dataclass(slots=True)`, as a record."""

    def make(cls):
        made = dataclasses.dataclass(cls, frozen=frozen, slots=slots, eq=False, repr=False)
        fields = dataclasses.fields(made)
        made.__record_compare__ = _values([f.name for f in fields if f.compare])
        made.__record_repr__ = tuple(f.name for f in fields if f.repr)
        for name, shared in (("__eq__", _eq), ("__repr__", _repr)):
            if name not in cls.__dict__:
                setattr(made, name, shared)
        if "__hash__" not in cls.__dict__:  # as dataclass: hashable when frozen, else not
            made.__hash__ = _hash if frozen else None
        return made

    return make if cls is None else make(cls)


def _values(names: list[str]):
    """A function giving an object's values of `names`, as one tuple."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return staticmethod(lambda obj: (one(obj),))
    return staticmethod(attrgetter(*names) if names else lambda obj: ())


def _eq(self, other):
    if other.__class__ is self.__class__:
        return self.__record_compare__(self) == self.__record_compare__(other)
    return NotImplemented


def _hash(self) -> int:
    return hash(self.__record_compare__(self))


@recursive_repr()
def _repr(self) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{self.__class__.__qualname__}({shown})"
