"""Build frozen dataclasses from TOML/YAML data, with errors that name the bad key.

Config and doc type declarations are validated on every `lint` start. A general validation
library costs more start-up time than the whole lint of one file is allowed, and these
declarations only need strings, booleans, lists, mappings, literals and nested records.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Literal


class DeclarationError(ValueError):
    """Data that does not fit its declaration; the message gives the path to the bad key."""


def load(cls, data: Any, where: str = ""):
    """Check `data` against dataclass `cls` and build it. Keys may use '-' for '_'."""
    if not isinstance(data, dict):
        raise DeclarationError(f"{where or '(top)'}: expected a table of keys, got "
                               f"{type(data).__name__}")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    values = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in names:
            import difflib  # only to suggest a name for a misspelt key

            near = difflib.get_close_matches(name, sorted(names), 1, 0.7)
            hint = f"; did you mean '{near[0].replace('_', '-')}'?" if near else ""
            raise DeclarationError(f"{_join(where, key)}: unknown key{hint}")
        values[name] = _convert(hints[name], value, _join(where, key))
    for field in dataclasses.fields(cls):
        if field.init and field.name not in values and _required(field):
            raise DeclarationError(f"{_join(where, field.name)}: required key is missing")
    return cls(**values)


@functools.cache
def _hints(cls) -> dict:
    """A class's resolved annotations; resolving them costs more than loading the data."""
    return typing.get_type_hints(cls)


def _required(field: dataclasses.Field) -> bool:
    return (field.default is dataclasses.MISSING
            and field.default_factory is dataclasses.MISSING)  # type: ignore[misc]


def _join(where: str, key: Any) -> str:
    return f"{where}.{key}" if where else str(key)


def _convert(hint, value, where: str):
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                return _convert(option, value, where)
            except DeclarationError as exc:
                errors.append(str(exc))
        raise DeclarationError(errors[0] if errors else f"{where}: invalid value")
    if origin is Literal:
        if value not in args:
            raise DeclarationError(f"{where}: must be one of {', '.join(map(str, args))}, "
                                   f"not {value!r}")
        return value
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise DeclarationError(f"{where}: expected a list, got {type(value).__name__}")
        return tuple(_convert(args[0], item, f"{where}[{i}]") for i, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise DeclarationError(f"{where}: expected a table, got {type(value).__name__}")
        return {str(k): _convert(args[1], v, _join(where, k)) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return load(hint, value, where)
    if hint is Any:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise DeclarationError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise DeclarationError(f"{where}: expected text, got {value!r}")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise DeclarationError(f"{where}: expected a whole number, got {value!r}")
        return value
    raise DeclarationError(f"{where}: unsupported declaration type {hint!r}")
