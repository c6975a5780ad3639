"""`record`: a dataclass whose comparison, repr and (unless it is made many times a run)
`__init__` are shared by every record, not written out for each class.

Python 3.11's `dataclass` writes `__init__`, `__repr__`, `__eq__` (and for a frozen class
`__hash__`, `__setattr__` and `__delattr__`) as source text and compiles each at import:
about a tenth of a millisecond per function, and a lint imports some forty classes before it
reads a plan. A record gets `__eq__`, `__repr__` and `__hash__` as three functions common to
all records, which read the fields the dataclass would (those with `compare` or `repr`), and
a frozen record the frozen guards the same way. Its `__init__` is one shared function too,
which binds the arguments to the fields as the dataclass's would: a few microseconds more per
object, nothing at import. A class made many times a run (a plan's sections, rows, findings)
says `many=True` and gets the `__init__` compiled for it, as the dataclass writes it. What a
record is and does is otherwise a dataclass's: `fields`, `replace`, `asdict` and
`is_dataclass` see one.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from reprlib import recursive_repr


def record(cls=None, /, *, frozen: bool = False, slots: bool = False, many: bool = False):
    """`@dataclass`, `@dataclass(frozen=True)`, `@dataclass(slots=True)`, as a record;
    `many` for a class made many times a run (see the module's docstring)."""

    def make(cls):
        own_init = "__init__" in cls.__dict__
        if many:
            made = dataclasses.dataclass(cls, frozen=frozen, slots=slots, eq=False, repr=False)
        else:  # nothing compiled: the __init__ and the frozen guards are shared
            made = dataclasses.dataclass(cls, init=False, slots=slots, eq=False, repr=False)
        fields = dataclasses.fields(made)
        if not many:
            if not own_init:
                made.__init__ = _shared_init(made, dataclasses.fields(made))
            if frozen:
                made.__setattr__, made.__delattr__ = _frozen_setattr, _frozen_delattr
                if slots:  # unpickled and copied through the guards' way round them
                    made.__getstate__, made.__setstate__ = _getstate, _setstate
        made.__record_compare__ = _values([f.name for f in fields if f.compare])
        made.__record_repr__ = tuple(f.name for f in fields if f.repr)
        for name, shared in (("__eq__", _eq), ("__repr__", _repr)):
            if name not in cls.__dict__:
                setattr(made, name, shared)
        if "__hash__" not in cls.__dict__:  # as dataclass: hashable when frozen, else not
            made.__hash__ = _hash if frozen else None
        return made

    return make if cls is None else make(cls)


def _shared_init(cls, fields):
    """An `__init__` for `cls` that binds its arguments to `fields` as the dataclass's
    would: in order or by name, each default or default factory for what is not given, the
    fields outside `__init__` set from theirs, then `__post_init__`."""
    missing = dataclasses.MISSING
    names = tuple(f.name for f in fields if f.init)
    known = frozenset(names)
    defaults = {f.name: (f.default, f.default_factory) for f in fields if f.init
                and (f.default is not missing or f.default_factory is not missing)}
    rest = [(f.name, f.default, f.default_factory) for f in fields if not f.init
            and (f.default is not missing or f.default_factory is not missing)]
    post = hasattr(cls, "__post_init__")
    put = object.__setattr__  # past the frozen guards, as the dataclass's does
    title = f"{cls.__qualname__}.__init__()"

    def __init__(self, *args, **kwargs):
        if len(args) > len(names):
            raise TypeError(f"{title} takes {len(names) + 1} positional arguments but "
                            f"{len(args) + 1} were given")
        values = dict(zip(names, args, strict=False))  # the rest by name or default
        for key, value in kwargs.items():
            if key in values:
                raise TypeError(f"{title} got multiple values for argument {key!r}")
            if key not in known:
                raise TypeError(f"{title} got an unexpected keyword argument {key!r}")
            values[key] = value
        for name in names:
            if name in values:
                put(self, name, values[name])
            elif name in defaults:
                default, factory = defaults[name]
                put(self, name, default if factory is missing else factory())
            else:
                raise TypeError(f"{title} missing required argument: {name!r}")
        for name, default, factory in rest:
            put(self, name, default if factory is missing else factory())
        if post:
            self.__post_init__()

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _frozen_setattr(self, name, value):
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self):
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self, state):
    for f, value in zip(dataclasses.fields(self), state, strict=True):
        object.__setattr__(self, f.name, value)


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
