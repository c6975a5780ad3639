"""What a change to a plan changed, as its reader sees it: formatting is not an edit.

Teams run Markdown formatters over every document at once: tables re-padded, `*` escaped as
`\\*`, trailing spaces trimmed inside code blocks, paragraphs rewrapped. None of that changes
what a plan says, so none of it should demand a new `updated` date or version. `content`
reads a plan into units a reader would call its content (frontmatter values, each section's
text, table rows by their cells, list and checklist items, code block lines), each normalised
for whitespace and Markdown escapes; `what_changed` compares two versions unit by unit and
says where they differ. The history rules (GT002, GT003), `planbook fix` and `status --since`
all ask it.
"""

from __future__ import annotations

import datetime as dt
import re

from planbook.ids import ANY_ID, clean
from planbook.model import Plan, Section
from planbook.records import record

ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash escape of ASCII punctuation
HARD_BREAK = re.compile(r"\\$")  # a line break written as a backslash (or as two spaces)
BOOKKEEPING = ("updated", "version")  # fields that record a change rather than make one


@record(frozen=True, slots=True, many=True)
class Unit:
    """One piece of a plan's content: where it is, what it is, and its normalised text."""

    where: str  # "frontmatter", "section 4.1", "section 'Risks'", "the text before any heading"
    what: str  # "'status'", "row T-3", "text", "code block", "item 2"
    text: str

    @property
    def key(self) -> tuple[str, str]:
        return self.where, self.what


def _words(text: str) -> str:
    """Text as a reader sees it: escapes resolved, hard line breaks and any run of whitespace
    one space. Without a backslash there is neither an escape nor a hard break to resolve."""
    if "\\" not in text:
        return " ".join(text.split())
    lines = [HARD_BREAK.sub("", line.rstrip()) for line in text.split("\n")]
    return " ".join(ESCAPE.sub(r"\1", " ".join(lines)).split())


def _value(value) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return repr(value)


def _where(section: Section | None) -> str:
    if section is None or section.level == 0:
        return "the text before any heading"
    return f"section {section.number}" if section.number else f"section '{section.title}'"


def content(plan: Plan, body_only: bool = False) -> list[Unit]:
    """The plan's content in document order; `body_only` leaves the frontmatter out."""
    units: list[Unit] = []
    if not body_only:
        units += [Unit("frontmatter", f"'{key}'", _value(value))
                  for key, value in plan.meta.items() if key not in BOOKKEEPING]
    table_lines: dict[int, tuple[str, str]] = {}  # line → (what, text); "" for layout
    for table in plan.tables:
        table_lines[table.line] = ("table header", " | ".join(_words(h) for h in table.header))
        table_lines[table.line + 1] = ("", "")  # the delimiter row only aligns the columns
        for index, row in enumerate(table.rows, 1):
            first = clean(row.cells[0]) if row.cells else ""
            name = f"row {first}" if ANY_ID.fullmatch(first) else \
                f"row '{_short(_words(first))}'" if first else f"row {index}"
            table_lines[row.line] = (name, " | ".join(_words(c) for c in row.cells))
    counts: dict[tuple[str, str], int] = {}

    def add(where: str, what: str, text: str) -> None:
        seen = counts.get((where, what), 0) + 1
        counts[(where, what)] = seen
        units.append(Unit(where, what if seen == 1 else f"{what} {seen}", text))

    for block in plan.blocks:
        if block.line < plan.body_start or block.type in ("blank_line", "thematic_break"):
            continue
        section = plan.section_at(block.line)
        where = _where(section)
        lines = plan.lines[block.line - 1:block.end_line]
        if block.type == "heading":
            add(where, "heading", _words(section.heading if section else lines[0]))
        elif block.type == "block_code":
            add(where, "code block", "\n".join(line.rstrip() for line in lines).strip("\n"))
        elif block.type == "list":
            for item in _items(lines):
                add(where, "item", _words(item))
        else:
            text: list[str] = []
            for number, line in enumerate(lines, block.line):
                if number in table_lines:
                    what, row = table_lines[number]
                    if what:
                        add(where, what, row)
                else:
                    text.append(QUOTE.sub("", line) if block.type == "block_quote" else line)
            if "".join(text).strip():
                add(where, "text", _words("\n".join(text)))
    return units


LIST_MARK = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+")
CHECKBOX = re.compile(r"^\[[xX]\]")
QUOTE = re.compile(r"^\s*(?:>\s?)+")


def _items(lines: list[str]) -> list[str]:
    """A list block's items, each with its continuation lines; nested items are items too.
    The marker (`-`, `*`, `1.`) is layout and left out; a checkbox is content."""
    items: list[str] = []
    for line in lines:
        mark = LIST_MARK.match(line)
        if mark:
            items.append(CHECKBOX.sub("[x]", line[mark.end():]))
        elif items:
            items[-1] += "\n" + line
        elif line.strip():
            items.append(line)
    return items


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def what_changed(before: Plan, after: Plan, body_only: bool = False) -> list[str]:
    """What a reader would see changed from `before` to `after`, first difference first:
    "section 4.1: row T-3 changed". Empty when only the formatting changed. `body_only`
    leaves the frontmatter out."""
    if _LAST and _LAST[0] is before and _LAST[1] is after:
        changes = _LAST[2]
    else:
        changes = _compare(content(before), content(after))
        _LAST[:] = [before, after, changes]
    return [text for where, text in changes if not (body_only and where == "frontmatter")]


# The last two versions compared and what changed between them: GT002 and GT003 ask about
# the same two in turn, and reading a plan into units costs more than either rule.
_LAST: list = []


def _compare(old_units: list[Unit], new_units: list[Unit]) -> list[tuple[str, str]]:
    old = {u.key: u.text for u in old_units}
    new = {u.key for u in new_units}
    out: list[tuple[str, str]] = []
    for unit in new_units:
        if unit.key not in old:
            out.append((unit.where, f"{unit.where}: {unit.what} added"))
        elif old[unit.key] != unit.text:
            out.append((unit.where, f"{unit.where}: {unit.what} changed"))
    out += [(where, f"{where}: {what} removed") for where, what in old if (where, what) not in new]
    return out


def summary(changes: list[str], limit: int = 2) -> str:
    """A few changes in one phrase, for a finding's message."""
    shown = "; ".join(changes[:limit])
    more = len(changes) - limit
    return shown + (f"; and {more} more" if more > 0 else "")
