"""Table rules: the doc type's tables have their columns, well-formed IDs and allowed values."""

from __future__ import annotations

import difflib
import re

from planbook.model import Plan, Table, normalize, title_key
from planbook.rules import Context, rule

ID_LIKE = re.compile(r"\b[A-Z]{1,4}(?:-[A-Z][A-Z0-9]*)?-\d+\b")
MARKUP = re.compile(r"[`*_~]")


def clean(cell: str) -> str:
    """A cell's text without inline markup, for comparing IDs and values."""
    return MARKUP.sub("", cell).strip()


def id_pattern(prefix: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(prefix)}-(?:[A-Z][A-Z0-9]*-)?\d+$")


def classify(plan: Plan, ctx: Context) -> list[tuple[Table, object]]:
    """Match each table to the doc type's table spec by the section it sits in.

    A table counts as that kind when it shares at least half the kind's columns, or its first
    column holds the kind's IDs; other tables in the section are left alone.
    """
    out = []
    specs = ctx.doctype.tables
    for table in plan.tables:
        if table.section is None:
            continue
        path = table.section.path()
        best, depth = None, -1
        for spec in specs:
            wanted = title_key(spec.section)
            where = next((i for i, s in enumerate(path) if s.titled(wanted)), -1)
            if where > depth:
                best, depth = spec, where
        if best is None:
            continue
        header = {normalize(h) for h in table.header}
        shared = sum(1 for c in best.columns if normalize(c) in header)
        ids = best.id and any(
            id_pattern(best.id).match(clean(r.cells[0])) for r in table.rows if r.cells
        )
        if shared * 2 >= len(best.columns) or ids:
            out.append((table, best))
    return out


def _classified(plan: Plan, ctx: Context):
    if "tables" not in ctx.cache:
        ctx.cache["tables"] = classify(plan, ctx)
    return ctx.cache["tables"]


def defined_ids(plan: Plan) -> dict[str, int]:
    """Every ID defined in the first column of any table, with the row's line."""
    found: dict[str, int] = {}
    for table in plan.tables:
        if not table.header or normalize(table.header[0]) != "id":
            continue
        for row in table.rows:
            if row.cells:
                value = clean(row.cells[0])
                if ID_LIKE.fullmatch(value):
                    found.setdefault(value, row.line)
    return found


@rule("TB001", "missing-column")
def missing_column(plan, ctx: Context):
    """A table the doc type declares lacks one of its columns.

    Tables are recognised by the section they sit in: the tasks table under Implementation
    Tasks needs ID, Task, Description, Dependencies, Priority and Complexity.

    **Bad**
    ```markdown
    | ID  | Task         | Priority |
    | --- | ------------ | -------- |
    | T-1 | Parse plans  | High     |
    ```

    **Good**
    ```markdown
    | ID  | Task        | Description       | Dependencies | Priority | Complexity |
    | --- | ----------- | ----------------- | ------------ | -------- | ---------- |
    | T-1 | Parse plans | Build the parser  | None         | High     | Medium     |
    ```
    """
    for table, spec in _classified(plan, ctx):
        missing = [c for c in spec.columns if table.column_index(c) is None]
        if missing:
            yield table.line, 1, (f"{spec.name} table lacks column"
                                  f"{'s' if len(missing) > 1 else ''} "
                                  f"{', '.join(repr(m) for m in missing)}")


@rule("TB002", "invalid-id")
def invalid_id(plan, ctx: Context):
    """An ID in a table does not have the kind's format.

    Tasks are T-1, T-2…; unit tests UT-n, integration tests IT-n, acceptance criteria AC-n.
    A scoped middle part is allowed: UT-FE-1.

    **Bad**
    ```markdown
    | ID    | Task        |
    | ----- | ----------- |
    | Task1 | Parse plans |
    ```

    **Good**
    ```markdown
    | ID  | Task        |
    | --- | ----------- |
    | T-1 | Parse plans |
    ```
    """
    for table, spec in _classified(plan, ctx):
        index = table.column_index("ID")
        if not spec.id or index is None:
            continue
        pattern = id_pattern(spec.id)
        for row in table.rows:
            value = clean(row.cells[index]) if index < len(row.cells) else ""
            if value and not pattern.match(value):
                yield row.line, 1, (f"'{value}' is not a {spec.name} ID; use {spec.id}-1, "
                                    f"{spec.id}-2… (or {spec.id}-SCOPE-1)")


@rule("TB003", "duplicate-id")
def duplicate_id(plan, ctx: Context):
    """The same ID is defined by two table rows; references to it become ambiguous.

    **Bad**
    ```markdown
    | T-1 | Parse plans | …
    | T-1 | Lint plans  | …
    ```

    **Good**
    ```markdown
    | T-1 | Parse plans | …
    | T-2 | Lint plans  | …
    ```
    """
    seen: dict[str, int] = {}
    for table in plan.tables:
        if not table.header or normalize(table.header[0]) != "id":
            continue
        for row in table.rows:
            value = clean(row.cells[0]) if row.cells else ""
            if not ID_LIKE.fullmatch(value):
                continue
            if value in seen:
                yield row.line, 1, f"ID {value} is already defined on line {seen[value]}"
            else:
                seen[value] = row.line


@rule("TB004", "value-not-allowed")
def value_not_allowed(plan, ctx: Context):
    """A cell holds a value outside the column's allowed set.

    Priority, Complexity, Impact and Likelihood are High, Medium or Low (any case).

    **Bad**
    ```markdown
    | T-1 | Parse plans | Build the parser | None | Urgent | Medium |
    ```

    **Good**
    ```markdown
    | T-1 | Parse plans | Build the parser | None | High | Medium |
    ```
    """
    for table, spec in _classified(plan, ctx):
        for column, allowed in spec.values.items():
            index = table.column_index(column)
            if index is None:
                continue
            lowered = {a.lower(): a for a in allowed}
            for row in table.rows:
                value = clean(row.cells[index]) if index < len(row.cells) else ""
                if not value or value.lower() in lowered:
                    continue
                near = difflib.get_close_matches(value.lower(), list(lowered), 1, 0.5)
                hint = f"; did you mean '{lowered[near[0]]}'?" if near else ""
                yield row.line, 1, (f"{column} '{value}' is not one of "
                                    f"{', '.join(allowed)}{hint}")


@rule("TB005", "empty-cell")
def empty_cell(plan, ctx: Context):
    """A cell the table kind requires is empty (or the row is short of cells).

    **Bad**
    ```markdown
    | AC-1 | Plans lint clean |  |
    ```

    **Good**
    ```markdown
    | AC-1 | Plans lint clean | Integration test IT-1 |
    ```
    """
    for table, spec in _classified(plan, ctx):
        for column in spec.required:
            index = table.column_index(column)
            if index is None:
                continue
            for row in table.rows:
                value = clean(row.cells[index]) if index < len(row.cells) else ""
                if not value:
                    yield row.line, 1, f"{spec.name} row has an empty '{column}' cell"
