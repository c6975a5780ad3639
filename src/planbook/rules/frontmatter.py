"""Frontmatter rules: the YAML block at the top of a plan and the fields its doc type declares."""

from __future__ import annotations

import datetime as dt
import re

from planbook.rules.registry import Context, parser_rule, rule

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
                       r"(?:Z|[+-]\d{2}:?\d{2})?)?$")
# "1.2", "v2.0.1", "1.0-rc.1": the same strings as ^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.]+)?$,
# which tried every split of a long dotted value (seconds for 20 KB); a suffix after a dot
# already covers any run of dotted numbers, so no split needs trying.
VERSION = re.compile(r"^v?\d++(?:(?:\.\d++)*+[-+][0-9A-Za-z.]++|\.[0-9A-Za-z.]++)?+$")
CUT_COMMENT = re.compile(r"^\s+#\S")
TYPE_NAMES = {
    "string": "text",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date or a date and time (YYYY-MM-DD or YYYY-MM-DD HH:MM)",
    "text-or-list": "text or a list",
    "version": 'a quoted version string such as "1.1"',
    "list": "a list",
    "integer": "a whole number",
    "boolean": "true or false",
    "string-or-integer": "text or a number",
    "mapping": "a mapping",
}

@rule("FM001", "missing-frontmatter", needs_doctype=False, reads=("options",))
def missing_frontmatter(plan, ctx: Context):
    """The file has no YAML frontmatter, or something stands before it.

    Every plan starts with a `---` line on line 1, its YAML fields, and a closing `---`.
    Without it planbook cannot tell the plan's title, dates or status. A doc type whose
    documents may go without (`options.frontmatter = "optional"`, as MADR 2 records do) is
    only told when text stands before a frontmatter that is there.

    **Bad**
    ```markdown
    # Implementation Plan: Search
    ```

    **Good**
    ```markdown
    ---
    title: "Search"
    ---
    # Implementation Plan: Search
    ```
    """
    optional = ctx.doctype is not None and ctx.doctype.options.frontmatter == "optional"
    for code, line, column, message in plan.parse_findings:
        if code == "FM001" and not (optional and message.startswith("no frontmatter")):
            yield line, column, message


parser_rule("FM002", "unterminated-frontmatter", doc="""
    The frontmatter opens with `---` but never closes.

    Without the closing `---` line the whole file would be read as YAML.

    **Bad**
    ```markdown
    ---
    title: "Search"
    # Implementation Plan: Search
    ```

    **Good**
    ```markdown
    ---
    title: "Search"
    ---
    # Implementation Plan: Search
    ```
""")

parser_rule("FM003", "yaml-syntax-error", doc="""
    The frontmatter is not valid YAML; the finding points at the line YAML stopped on.

    A common cause is a plain value that starts with a character YAML reserves, such as `@`
    or a backtick, or that contains `: `. Quoting the value fixes both.

    **Bad**
    ```yaml
    author: @planner
    ```

    **Good**
    ```yaml
    author: "@planner"
    ```
""")

parser_rule("FM004", "frontmatter-not-mapping", doc="""
    The frontmatter is empty, or is a single value or a list instead of `key: value` lines.

    **Bad**
    ```yaml
    - title
    - Search
    ```

    **Good**
    ```yaml
    title: "Search"
    ```
""")

parser_rule("FM005", "duplicate-key", doc="""
    A key appears twice in the frontmatter; YAML silently keeps only the last value.

    **Bad**
    ```yaml
    status: draft
    status: approved
    ```

    **Good**
    ```yaml
    status: approved
    ```
""")

parser_rule("FM014", "yaml-alias-bomb", doc="""
    The frontmatter's YAML aliases expand to an enormous document (a "billion laughs").

    planbook refuses to load it rather than spend memory and time on it. Plans have no need for
    anchors and aliases; write the values out.

    **Bad**
    ```yaml
    a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    ```

    **Good**
    ```yaml
    tags: ["search", "api"]
    ```
""")


def _loaded(plan) -> bool:
    return plan.has_frontmatter and bool(plan.fields)


@rule("FM006", "required-field-missing", reads=("fields",))
def required_field_missing(plan, ctx: Context):
    """A field the doc type requires is missing from the frontmatter.

    An Implementation Plan needs `title`, `by`, `created`, `updated`, `version`, `doc_type` and
    `description`; a team's own doc types declare their own required fields.

    **Bad**
    ```yaml
    title: "Search"
    doc_type: IP
    ```

    **Good**
    ```yaml
    title: "Search"
    by: "ana"
    created: 2026-03-02
    updated: 2026-03-09
    version: "1.0"
    doc_type: IP
    description: "Full-text search over plans."
    ```
    """
    if not _loaded(plan):
        return
    for key, spec in ctx.doctype.fields.items():
        if spec.required and key not in plan.fields:
            yield plan.frontmatter_start, 1, f"required field '{key}' is missing"


def _type_problem(value, kind: str) -> str:
    if kind == "string":
        if isinstance(value, int | float):
            return ""  # numbers and booleans: FM011 reports them with their exact trap
        return "" if isinstance(value, str) else "x"
    if kind == "date":
        if isinstance(value, dt.datetime | dt.date):
            return ""
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                dt.date.fromisoformat(value.strip())
                return ""
            except ValueError:
                return "not a real calendar date"
        return "x"
    if kind == "version":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return ""  # FM011 reports unquoted numbers with their exact trap
        if isinstance(value, str) and VERSION.match(value.strip()):
            return ""
        return "x"
    if kind == "datetime":
        if isinstance(value, dt.datetime | dt.date):
            return ""
        if isinstance(value, str) and DATE_TIME.match(value.strip()):
            return "" if _as_date(value) is not None and _valid_time(value) else \
                "not a real calendar date and time"
        return "x"
    if kind == "list":
        return "" if isinstance(value, list) else "x"
    if kind == "text-or-list":
        if isinstance(value, str) or (isinstance(value, list) and all(
                isinstance(v, str | int | float) and not isinstance(v, bool) for v in value)):
            return ""
        return "" if isinstance(value, int | float) and not isinstance(value, bool) else "x"
    if kind == "integer":
        return "" if isinstance(value, int) and not isinstance(value, bool) else "x"
    if kind == "boolean":
        return "" if isinstance(value, bool) else "x"
    if kind == "string-or-integer":
        return "" if isinstance(value, str | int) and not isinstance(value, bool) else "x"
    if kind == "mapping":
        return "" if isinstance(value, dict) else "x"
    return ""


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


@rule("FM007", "invalid-field-value", reads=("fields",))
def invalid_field_value(plan, ctx: Context):
    """A frontmatter value has the wrong type, an empty required value, or a value not allowed.

    Dates are ISO dates (`2026-03-02`), `version` is a quoted string, `status` is one of the
    doc type's statuses, lists are YAML lists. Allowed values compare case-insensitively.

    **Bad**
    ```yaml
    created: 02/03/2026
    status: finished
    tags: search
    ```

    **Good**
    ```yaml
    created: 2026-03-02
    status: done
    tags: ["search"]
    ```
    """
    if not _loaded(plan):
        return
    for key, spec in ctx.doctype.fields.items():
        field = plan.fields.get(key)
        if field is None:
            continue
        value = field.value
        where = (field.value_line, field.value_column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                yield *where, f"'{key}' is empty; it needs {TYPE_NAMES[spec.type]}"
            continue
        problem = _type_problem(value, spec.type)
        if problem == "x":
            yield *where, f"'{key}' should be {TYPE_NAMES[spec.type]}, not {_describe(value)}"
            continue
        if problem:
            yield *where, f"'{key}' is {problem}: {value}"
            continue
        if spec.values and isinstance(value, str) and spec.canonical(value) is None:
            allowed = {v.lower(): v for v in spec.values}
            import difflib  # only to suggest a value for a wrong one
            near = difflib.get_close_matches(value.strip().lower(), list(allowed), 1, 0.6)
            hint = f"; did you mean '{allowed[near[0]]}'?" if near else ""
            also = f", or text matching {' or '.join(spec.open)}" if spec.open else ""
            yield *where, (f"'{key}' is '{value}', which is not one of "
                           f"{', '.join(spec.values)}{also}{hint}")
        if spec.pattern and isinstance(value, str) and not re.fullmatch(spec.pattern, value):
            yield *where, f"'{key}' value '{value}' does not match the pattern {spec.pattern}"


def _as_date(value):
    """The day a date or date-time value names ('2026-07-16 21:49' is 2026-07-16)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = DATE_TIME.match(value.strip())
        try:
            return dt.date.fromisoformat(match.group(1) if match else value.strip())
        except ValueError:
            return None
    return None


def _valid_time(value: str) -> bool:
    match = DATE_TIME.match(value.strip())
    if not match or not match.group(2):
        return True
    try:
        dt.time.fromisoformat(match.group(2))
    except ValueError:
        return False
    return True


@rule("FM008", "updated-before-created", needs_doctype=False, reads=("roles",))
def updated_before_created(plan, ctx: Context):
    """`updated` is earlier than `created`.

    A plan cannot change before it was written; one of the two dates is wrong. A doc type's
    `roles` say which fields hold the two dates (`created_date` and `updated_date` for a
    Backlog.md task).

    **Bad**
    ```yaml
    created: 2026-03-09
    updated: 2026-03-02
    ```

    **Good**
    ```yaml
    created: 2026-03-02
    updated: 2026-03-09
    ```
    """
    created, updated = ctx.facts.field("created"), ctx.facts.field("updated")
    if not created or not updated:
        return
    first, last = _as_date(created.value), _as_date(updated.value)
    if first and last and last < first:
        yield (updated.value_line, updated.value_column,
               f"{updated.key} ({last}) is before {created.key} ({first})")


@rule("FM009", "date-in-future", reads=("fields",))
def date_in_future(plan, ctx: Context):
    """A date field (`created`, `updated`, `approved`, any declared date) lies in the future.

    **Bad**
    ```yaml
    created: 2999-01-01
    ```

    **Good**
    ```yaml
    created: 2026-03-02
    ```
    """
    for key, spec in ctx.doctype.fields.items():
        field = plan.fields.get(key)
        if spec.type not in ("date", "datetime") or field is None:
            continue
        day = _as_date(field.value)
        if day and day > ctx.today:
            yield (field.value_line, field.value_column,
                   f"'{key}' is {day}, which is after today ({ctx.today})")


@rule("FM010", "wrong-doc-type", needs_doctype=False, reads=("name",))
def wrong_doc_type(plan, ctx: Context):
    """`doc_type` names a doc type planbook does not know, or not the one config assigns.

    Declare a team's own doc types in config (see the configuration guide), or fix the value.

    **Bad**
    ```yaml
    doc_type: IPP
    ```

    **Good**
    ```yaml
    doc_type: IP
    ```
    """
    field = plan.fields.get("doc_type")
    if field is None or not isinstance(field.value, str):
        return
    value = field.value.strip()
    if ctx.doctype is None:
        known = ", ".join(sorted(ctx.known_types))
        yield (field.value_line, field.value_column,
               f"unknown doc type '{value}' (known: {known}); declare it in config to lint "
               "its structure")
    elif value.lower() != ctx.doctype.name.lower():
        yield (field.value_line, field.value_column,
               f"doc_type is '{value}' but this file is linted as {ctx.doctype.name} "
               "(by the config's doc-types globs)")


@rule("FM011", "yaml-type-trap", needs_doctype=False, reads=("fields",))
def yaml_type_trap(plan, ctx: Context):
    """An unquoted value that should be text loads as a number or a boolean.

    YAML reads `version: 1.10` as the number 1.1 and `version: 1.0` as a float, and `yes`, `no`,
    `on` and `off` as booleans. Quote values that must stay text. Checked in every file,
    whatever its type: a field the type does not declare is reported when it is a version, or
    when YAML lost what was written (`007` loads as 7, `1:30` as 90).

    **Bad**
    ```yaml
    version: 1.10
    ```

    **Good**
    ```yaml
    version: "1.10"
    ```
    """
    if not _loaded(plan):
        return
    declared = ctx.doctype.fields if ctx.doctype else {}
    for key, field in plan.fields.items():
        value = field.value
        if not isinstance(value, bool | int | float) or field.style not in (None, ""):
            continue
        written = field.raw.split(" #", 1)[0].strip()
        loaded = str(value).lower() if isinstance(value, bool) else repr(value)
        spec = declared.get(key)
        if spec is not None:
            if spec.type not in ("string", "version", "text-or-list"):
                continue
        elif isinstance(value, bool) or not _lossy(key, value, written):
            continue  # an undeclared number or flag that YAML read as written
        if written and written != loaded:
            yield (field.value_line, field.value_column,
                   f"'{key}: {written}' loads as {_describe(value)}; quote it: "
                   f'{key}: "{written}"')
        else:
            yield (field.value_line, field.value_column,
                   f"'{key}' is {_describe(value)}, not text; quote it: {key}: \"{written}\"")


def _lossy(key: str, value, written: str) -> bool:
    """Whether YAML lost what an undeclared field says: a version read as a number, digits
    whose leading zero is dropped (007), a time read in base 60 (1:30 is 90)."""
    if key.lower() == "version" or key.lower().endswith(("_version", "-version")):
        return isinstance(value, float)
    return isinstance(value, int) and bool(re.match(r"^[-+]?(?:0\d|\d+(?::\d+)+$)", written))


@rule("FM012", "value-cut-by-comment", needs_doctype=False)
def value_cut_by_comment(plan, ctx: Context):
    """An unquoted value contains ` #`, so YAML cut it there and read the rest as a comment.

    `title: Search (Issue #28)` loads as `Search (Issue`. Quote the value. Checked in every
    file, whatever its type.

    **Bad**
    ```yaml
    title: Search (Issue #28)
    ```

    **Good**
    ```yaml
    title: "Search (Issue #28)"
    ```
    """
    for field in plan.fields.values():
        if field.style not in (None, "") or not isinstance(field.value, str) or not field.raw:
            continue
        rest = field.raw[len(field.value):] if field.raw.startswith(field.value) else ""
        if rest and CUT_COMMENT.match(rest):
            dropped = rest.strip()
            yield (field.value_line, field.value_column,
                   f"'{field.key}' is cut at ' #': YAML reads '{field.value}' and drops "
                   f"'{dropped}' as a comment; quote the whole value")


@rule("FM013", "unknown-key", "warning", reads=("fields", "options"))
def unknown_key(plan, ctx: Context):
    """A frontmatter key the doc type does not declare; often a typo of one it does.

    A doc type whose documents may carry metadata of their own (`options.unknown-fields =
    "typos"`, as MADR's) is only told of keys that look like a typo of a declared one.

    **Bad**
    ```yaml
    updatd: 2026-03-09
    ```

    **Good**
    ```yaml
    updated: 2026-03-09
    ```
    """
    known = list(ctx.doctype.fields)
    typos_only = ctx.doctype.options.unknown_fields == "typos"
    for key, field in plan.fields.items():
        if key in ctx.doctype.fields:
            continue
        import difflib  # only to suggest a key for an unknown one
        near = difflib.get_close_matches(key, known, 1, 0.75)
        if typos_only and not near:
            continue  # a format whose documents add metadata of their own
        hint = f"; did you mean '{near[0]}'?" if near else ""
        yield field.line, field.column, f"unknown key '{key}'{hint}"
