"""Doc types declared as data: the built-in ones ship as TOML here, a team's own come from config.

One format for both, validated by the pydantic models below, so a typo in a team's declaration
gets the same precise error a typo in ours would.
"""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

HERE = Path(__file__).parent
BUILTIN = ("IP",)  # more ship as <name>.toml beside this file

FieldType = Literal[
    "string", "date", "version", "list", "integer", "boolean", "string-or-integer", "mapping"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class FieldSpec(_Model):
    type: FieldType = "string"
    required: bool = False
    values: list[str] | None = None  # allowed values, compared case-insensitively
    pattern: str | None = None  # a regular expression the whole value must match
    description: str = ""


class SectionSpec(_Model):
    title: str
    number: str = ""
    required: bool = True
    children: list[SectionSpec] = []


class TableSpec(_Model):
    name: str
    section: str  # the section (any depth) whose subtree holds these tables
    columns: list[str]
    id: str | None = None  # ID prefix, such as "T" for T-1 and T-API-1
    required: list[str] = []  # columns whose cells must not be empty
    values: dict[str, list[str]] = {}  # column → allowed values
    depends: str | None = None  # column that lists IDs of the same table
    cites: str | None = None  # column that cites IDs defined in other tables
    cite_ids: list[str] = Field([], alias="cite-ids")  # ID prefixes a citation may use


class ChecklistSpec(_Model):
    section: str  # the section whose checklist this is
    required: bool = True
    items: list[str] = []  # items that must be present (matched loosely)
    complete_when_finished: bool = Field(True, alias="complete-when-finished")


class PhaseSpec(_Model):
    section: str
    heading: str
    requires: list[str]


class TemplateSpec(_Model):
    guidance: str | None = None
    placeholders: list[str] = []
    example_rows: list[str] = Field([], alias="example-rows")
    dates: list[str] = []
    phrases: list[str] = []


class DocType(_Model):
    name: str
    description: str = ""
    finished: list[str] = ["done"]
    filename: str = "{slug}.md"
    template_file: str | None = Field(None, alias="template-file")
    fields: dict[str, FieldSpec] = {}
    sections: list[SectionSpec] = []
    tables: list[TableSpec] = []
    checklists: list[ChecklistSpec] = []
    phases: PhaseSpec | None = None
    template: TemplateSpec = TemplateSpec()

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True,
                              ignored_types=(cached_property,))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a doc type needs a name")
        return value

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
        return DocType.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise DocTypeError(f"{source}: invalid doc type: {problems}") from None


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
