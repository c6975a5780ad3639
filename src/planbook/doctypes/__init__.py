"""Doc types declared as data: the built-in ones ship as TOML here, a team's own come from config.

One format for both, validated by the pydantic models below, so a typo in a team's declaration
gets the same precise error a typo in ours would.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from planbook.typed import DeclarationError, load

HERE = Path(__file__).parent

FieldType = Literal[
    "string", "date", "version", "list", "integer", "boolean", "string-or-integer", "mapping"
]


@dataclass(frozen=True)
class FieldSpec:
    type: FieldType = "string"
    required: bool = False
    values: tuple[str, ...] | None = None  # allowed values, compared case-insensitively
    pattern: str | None = None  # a regular expression the whole value must match
    description: str = ""


@dataclass(frozen=True)
class SectionSpec:
    title: str
    number: str = ""
    required: bool = True
    children: tuple[SectionSpec, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    name: str
    section: str  # the section (any depth) whose subtree holds these tables
    columns: tuple[str, ...]
    id: str | None = None  # ID prefix, such as "T" for T-1 and T-API-1
    required: tuple[str, ...] = ()  # columns whose cells must not be empty
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column → allowed
    depends: str | None = None  # column that lists IDs of the same table
    cites: str | None = None  # column that cites IDs defined in other tables
    cite_ids: tuple[str, ...] = ()  # ID prefixes a citation may use


@dataclass(frozen=True)
class ChecklistSpec:
    section: str  # the section whose checklist this is
    required: bool = True
    items: tuple[str, ...] = ()  # items that must be present (matched loosely)


@dataclass(frozen=True)
class PhaseSpec:
    section: str
    heading: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class TemplateSpec:
    guidance: str | None = None
    placeholders: tuple[str, ...] = ()
    example_rows: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocType:
    name: str
    description: str = ""
    finished: tuple[str, ...] = ("done",)
    filename: str = "{slug}.md"
    template_file: str | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    sections: tuple[SectionSpec, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    checklists: tuple[ChecklistSpec, ...] = ()
    phases: PhaseSpec | None = None
    template: TemplateSpec = TemplateSpec()

    @cached_property
    def placeholder_res(self) -> list[re.Pattern]:
        return [re.compile(p) for p in self.template.placeholders]

    @cached_property
    def example_row_res(self) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in self.template.example_rows]


class DocTypeError(ValueError):
    """A doc type declaration that does not validate; the message names the bad key."""


def from_data(data: dict[str, Any], source: str) -> DocType:
    try:
        doctype = load(DocType, data)
        for pattern in (*doctype.template.placeholders, *doctype.template.example_rows,
                        *(f.pattern for f in doctype.fields.values() if f.pattern)):
            re.compile(pattern)
    except DeclarationError as exc:
        raise DocTypeError(f"{source}: invalid doc type: {exc}") from None
    except re.error as exc:
        raise DocTypeError(f"{source}: invalid regular expression {exc.pattern!r}: {exc}") \
            from None
    if not doctype.name.strip():
        raise DocTypeError(f"{source}: a doc type needs a name")
    return doctype


def from_file(path: str | Path) -> DocType:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocTypeError(f"{path}: cannot read doc type: {exc.strerror}") from None
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise DocTypeError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise DocTypeError(f"{path}: a doc type is a mapping of keys")
    return from_data(data, str(path))


_builtin_cache: dict[str, DocType] = {}


def builtin(name: str) -> DocType:
    if name not in _builtin_cache:
        _builtin_cache[name] = from_file(HERE / f"{name.lower()}.toml")
    return _builtin_cache[name]


def builtin_names() -> list[str]:
    return sorted(p.stem.upper() if p.stem == "ip" else p.stem for p in HERE.glob("*.toml"))
