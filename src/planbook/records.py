"""`record`: a dataclass whose comparison, repr, frozen guards and `__init__` are not
compiled for each class at import.

Python 3.11's `dataclass` writes `__init__`, `__repr__`, `__eq__` (and for a frozen class
`__hash__`, `__setattr__` and `__delattr__`) as source text and compiles each at import:
about a tenth of a millisecond per function, and a lint imports some forty classes before it
reads a plan. A record gets `__eq__`, `__repr__`, `__hash__` and the frozen guards as
functions common to all records, which read the fields the dataclass would (those with
`compare` or `repr`). Its `__init__` is one shared function too, which binds the arguments
to the fields as the dataclass's would: a microsecond or so more per object, nothing at
import. A class made many times a run (a plan's sections, rows, findings) says `many=True`
and gets an `__init__` written for its fields, as the dataclass writes one, which builds an
object in a fifth of a microsecond; `make docs` writes those ahead into
`planbook.record_inits` (`write_inits`), so that a process finds them compiled with the
package's bytecode instead of compiling them. A class whose fields changed since finds no
entry there and has its `__init__` compiled as it is made (a test fails until `make docs`
runs). What a record is and does is otherwise a dataclass's: `fields`, `replace`, `asdict`
and `is_dataclass` see one.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from reprlib import recursive_repr

try:  # written by `make docs`; without it (or for a class changed since) __init__ compiles
    from planbook.record_inits import BY_SOURCE as _AHEAD
except ImportError:  # pragma: no cover - a checkout before its first `make docs`
    _AHEAD = {}


def record(cls=None, /, *, frozen: bool = False, slots: bool = False, many: bool = False):
    """`@dataclass`, `@dataclass(frozen=True)`, `@dataclass(slots=True)`, as a record;
    `many` for a class made many times a run (see the module's docstring)."""

    def make(cls):
        own_init = "__init__" in cls.__dict__
        # the dataclass compiles nothing here: no __init__, repr, eq or frozen guards
        made = dataclasses.dataclass(cls, init=False, slots=slots, eq=False, repr=False)
        fields = dataclasses.fields(made)
        if not own_init:
            made.__init__ = _written_init(made, fields, frozen) if many else \
                _shared_init(made, fields)
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


WRITTEN: dict[str, str] = {}  # each `many` class's `__init__` source, by its qualified name


def _written_init(cls, fields, frozen: bool):
    """An `__init__` written for `fields`, as the dataclass writes it: compiled ahead in
    `planbook.record_inits` when that holds this very source, else compiled now."""
    source, values = init_source(fields, frozen, hasattr(cls, "__post_init__"))
    WRITTEN[f"{cls.__module__}.{cls.__qualname__}"] = source
    maker = _AHEAD.get(source)
    if maker is None:
        space: dict = {}
        exec(source, {}, space)  # noqa: S102 - source written above from field names
        maker = space["__make__"]
    init = maker(object.__setattr__, _NOTHING, *values)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


class _Nothing:
    """The default of an argument whose field has a default factory: nothing was given."""

    def __repr__(self) -> str:
        return "<factory default>"


_NOTHING = _Nothing()


def init_source(fields, frozen: bool, post_init: bool) -> tuple[str, list]:
    """The source of `__make__(_set, _nothing, *values)`, which returns an `__init__` for
    `fields`, and the values (defaults and default factories) to call it with. The source
    names fields, never values: two classes of the same shape share it."""
    missing = dataclasses.MISSING
    params, lines, names, values = ["self"], [], [], []
    for i, f in enumerate(fields):
        if getattr(f, "kw_only", False) is True:
            raise TypeError(f"record field {f.name!r}: keyword-only fields are not supported")
        if f.default is not missing:
            names.append(f"_d{i}")
            values.append(f.default)
            value = f.name if f.init else f"_d{i}"
            if f.init:
                params.append(f"{f.name}=_d{i}")
        elif f.default_factory is not missing:
            names.append(f"_f{i}")
            values.append(f.default_factory)
            value = f"_f{i}() if {f.name} is _nothing else {f.name}" if f.init else f"_f{i}()"
            if f.init:
                params.append(f"{f.name}=_nothing")
        elif f.init:
            params.append(f.name)
            value = f.name
        else:
            continue  # left unset, as the dataclass leaves it
        lines.append(f"_set(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    if post_init:
        lines.append("self.__post_init__()")
    body = "".join(f"        {line}\n" for line in lines) or "        pass\n"
    source = (f"def __make__({', '.join(['_set', '_nothing', *names])}):\n"
              f"    def __init__({', '.join(params)}):\n{body}    return __init__\n")
    return source, values


def write_inits(path=None) -> int:
    """Rewrite `planbook.record_inits` with the `__init__` of every `many` record in the
    package (in a checkout, `make docs` does it); how many distinct ones it holds."""
    from pathlib import Path

    text = inits_module()
    path = Path(path) if path else Path(__file__).with_name("record_inits.py")
    path.write_text(text, encoding="utf-8")
    return text.count("\ndef _make_")


def inits_module() -> str:
    """The text of `planbook.record_inits` for the package as it is: each `many` record's
    module imported, their sources in order, each written once."""
    import importlib
    import pkgutil

    import planbook

    for info in pkgutil.walk_packages(planbook.__path__, "planbook."):
        if info.name not in ("planbook.record_inits", "planbook.__main__"):
            importlib.import_module(info.name)
    sources = sorted({source for name, source in WRITTEN.items()
                      if name.startswith("planbook.")})
    out = ['"""The `__init__` of each record made many times a run, compiled with the\n'
           "package's bytecode instead of at import: written by `records.write_inits` (`make\n"
           "docs`) from the records' fields. Not edited by hand; a test fails when it differs\n"
           'from the records."""\n']
    keys = []
    for number, source in enumerate(sources, 1):
        out.append("\n\n" + source.replace("def __make__(", f"def _make_{number}(", 1))
        keys.append(f"    {source!r}: _make_{number},\n")
    out.append("\n\nBY_SOURCE = {\n" + "".join(keys) + "}\n")
    return "".join(out)


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
