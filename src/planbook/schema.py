"""`planbook schema`: a doc type's frontmatter as JSON Schema, for editors.

Built from the same field declarations the frontmatter rules read, so an editor and the linter
cannot disagree about which keys exist, which are required, and which values are allowed.
pydantic writes the schema; it is imported here only, never on the lint path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from planbook.doctypes import DocType, FieldSpec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The same shape FM007 accepts for a version, written for JSON Schema's regular expressions.
VERSION_PATTERN = r"^v?\d+(\.\d+)*([-+.][0-9A-Za-z.]+)?$"


def _python_type(spec: FieldSpec) -> Any:
    if spec.values and spec.type == "string" and not spec.open:
        return Literal[tuple(spec.values)]  # type: ignore[valid-type]
    return {
        "string": str,
        "date": dt.date,
        "datetime": dt.datetime | dt.date | str,
        "version": str,
        "list": list[Any],
        "text-or-list": str | list[Any],
        "integer": int,
        "boolean": bool,
        "string-or-integer": str | int,
        "mapping": dict[str, Any],
    }[spec.type]


def frontmatter_schema(doctype: DocType) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a doc type's frontmatter."""
    from pydantic import ConfigDict, Field, create_model

    definitions: dict[str, Any] = {}
    for index, (key, spec) in enumerate(doctype.fields.items()):
        kind = _python_type(spec)
        constraints: dict[str, Any] = {"alias": key, "title": key}
        if spec.description:
            constraints["description"] = spec.description
        if spec.type == "version":
            constraints["pattern"] = VERSION_PATTERN
        elif spec.pattern and spec.type in ("string", "string-or-integer"):
            constraints["json_schema_extra"] = {"pattern": f"^(?:{spec.pattern})$"}
        if spec.required:
            definitions[f"f{index}"] = (kind, Field(..., **constraints))
        else:
            definitions[f"f{index}"] = (kind | None, Field(None, **constraints))
    model = create_model(  # type: ignore[call-overload]
        f"{doctype.name}Frontmatter",
        __config__=ConfigDict(extra="allow", populate_by_name=True),
        **definitions,
    )
    schema = model.model_json_schema(by_alias=True)
    out: dict[str, Any] = {
        "$schema": DRAFT,
        "title": f"{doctype.name} frontmatter",
        "description": doctype.description or f"Frontmatter of a {doctype.name} document.",
        "type": "object",
        "properties": schema.get("properties", {}),
        "required": schema.get("required", []),
        # Keys the type does not declare are only a warning (FM013), so editors accept them.
        "additionalProperties": True,
    }
    if "$defs" in schema:
        out["$defs"] = schema["$defs"]
    if not out["required"]:
        del out["required"]
    return out
