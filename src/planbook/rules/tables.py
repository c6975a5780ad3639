"""Table rules: the doc type's tables have their columns, well-formed IDs and allowed values."""

from __future__ import annotations

from planbook.facts import cell, id_rows
from planbook.ids import id_pattern
from planbook.rules.registry import Context, rule


@rule("TB001", "missing-column", reads=("tables",))
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
    for table, spec in ctx.facts.tables:
        missing = [c for c in spec.columns if table.column_index(c) is None]
        if missing:
            yield table.line, 1, (f"{spec.name} table lacks column"
                                  f"{'s' if len(missing) > 1 else ''} "
                                  f"{', '.join(repr(m) for m in missing)}")


@rule("TB002", "invalid-id", reads=("tables",))
def invalid_id(plan, ctx: Context):
    """An ID in a table does not have the kind's format.

    Tasks are T-1, T-2…; unit tests UT-n, integration tests IT-n, acceptance criteria AC-n.
    A scope or a group is allowed: UT-FE-1, UT-Q1. A doc type may give a kind several
    prefixes (`id = ["AC", "PC"]`). A table whose rows all use one other scheme is reported
    once, at the table, not row by row.

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
    for table, spec in ctx.facts.tables:
        index = table.column_index("ID")
        if not spec.prefixes or index is None:
            continue
        pattern = id_pattern(spec.prefixes)
        values = [(row, cell(row, index)) for row in table.rows if cell(row, index)]
        bad = [(row, value) for row, value in values if not pattern.match(value)]
        usual = spec.prefixes[0]
        allowed = " or ".join(f"{p}-1" for p in spec.prefixes)
        if len(bad) > 1 and len(bad) == len(values):
            shown = ", ".join(value for _, value in bad[:3]) + ("…" if len(bad) > 3 else "")
            yield table.line, 1, (f"this {spec.name} table numbers its {len(bad)} rows in its "
                                  f"own scheme ({shown}), not {allowed}; renumber them, or add "
                                  "the prefix to the doc type's `id` list")
            continue
        for row, value in bad:
            yield row.line, 1, (f"'{value}' is not a {spec.name} ID; use {allowed}, "
                                f"{usual}-2… (or {usual}-SCOPE-1)")


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
    for value, _table, row in id_rows(plan):
        if value in seen:
            yield row.line, 1, f"ID {value} is already defined on line {seen[value]}"
        else:
            seen[value] = row.line


@rule("TB004", "value-not-allowed", reads=("tables",))
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
    for _spec, row, column, index, allowed in ctx.facts.value_cells():
        value = cell(row, index)
        if not value or value.lower() in allowed:
            continue
        import difflib  # only to suggest a value for a wrong one
        near = difflib.get_close_matches(value.lower(), list(allowed), 1, 0.5)
        hint = f"; did you mean '{allowed[near[0]]}'?" if near else ""
        yield row.line, 1, (f"{column} '{value}' is not one of "
                            f"{', '.join(allowed.values())}{hint}")


@rule("TB005", "empty-cell", reads=("tables",))
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
    for table, spec in ctx.facts.tables:
        for column in spec.required:
            index = table.column_index(column)
            if index is None:
                continue
            for row in table.rows:
                if not cell(row, index):
                    yield row.line, 1, f"{spec.name} row has an empty '{column}' cell"
