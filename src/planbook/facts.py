"""What a parsed plan means under its doc type, worked out once and read by everyone.

`parse` gives plain data: sections, tables, checklist items, code blocks. A doc type says what
they are: which table holds the tasks, which holds the risks, which sections it requires, what
the status means. `PlanFacts` is that reading. The rules, `planbook status`, `fix` and the site
all take their tasks, tables, gantt and sections from here, so they can never disagree about
them, and nothing is derived twice: each fact is computed the first time it is asked for.

A task is done when its row's status column (if the table has one) holds a done value, or a
checked checklist item names its ID (`- [x] T-3 …`). A plan that records neither (no status
column, no item naming a task) does not track its tasks: their `done` is None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field
from functools import cached_property
from pathlib import PurePath
from typing import TYPE_CHECKING

from planbook.doctypes import SectionSpec
from planbook.ids import ANY_ID, clean, id_pattern, ids_in
from planbook.model import Field, Plan, Row, Section, Table, base_key, normalize, title_key
from planbook.names import PLAN_ID
from planbook.records import record

if TYPE_CHECKING:
    from planbook.doctypes import DocType, TableSpec
    from planbook.sequence import Gantt

@record(slots=True, many=True)
class Task:
    """A row of a table whose rows have IDs: a task, with what it depends on."""

    id: str
    title: str
    line: int
    depends: list[str] = field(default_factory=list)
    done: bool | None = None  # None: the plan does not record which tasks are done


@record(slots=True, many=True)
class Criterion:
    """A row of a table that cites tests (an acceptance criterion), with the test IDs cited."""

    id: str
    line: int
    tests: list[str] = field(default_factory=list)


@record(slots=True, many=True)
class Risk:
    """A risk the plan names, where, and how high (for the status report)."""

    text: str
    line: int
    level: str


def cell(row: Row, index: int | None) -> str:
    """The cleaned text of a row's cell, "" when the column or the cell is missing."""
    return clean(row.cells[index]) if index is not None and index < len(row.cells) else ""


def classify(plan: Plan, doctype: DocType) -> list[tuple[Table, TableSpec]]:
    """Match each table to the doc type's table spec by the section it sits in.

    A table counts as that kind when it shares at least half the kind's columns, or its first
    column holds the kind's IDs; other tables in the section are left alone.
    """
    out = []
    wanted = [(spec, doctype.section_spec(spec.section)) for spec in doctype.tables]
    matching = _Matching([section for _, section in wanted])
    for table in plan.tables:
        if table.section is None:
            continue
        best = _kind_in(table.section, wanted, matching)
        if best is None:
            continue
        header = {normalize(h) for h in table.header}
        shared = sum(1 for c in best.columns if normalize(c) in header)
        ids = best.prefixes and any(
            id_pattern(best.prefixes).match(clean(r.cells[0])) for r in table.rows if r.cells
        )
        if shared * 2 >= len(best.columns) or ids:
            out.append((table, best))
    return out


def _kind_in(section: Section, wanted: list, matching: _Matching) -> TableSpec | None:
    """The table kind whose section is the nearest of `section` and those it sits under."""
    nearest: dict[int, int] = {}  # kind -> the first place on the path its section is
    for at, step in enumerate(section.path()):
        for kind in matching(step):
            nearest.setdefault(kind, at)
    best, depth = None, -1
    for kind, (spec, _section) in enumerate(wanted):
        where = nearest.get(kind, -1)
        if where > depth:
            best, depth = spec, where
    return best


class _Matching:
    """Which of some declared sections a plan's section is (`SectionSpec.matches`): each
    title asked once, and only of the declared sections it can be. A title matches only the
    titles that share its `base_key`, unless a declaration takes a prefix or a pattern."""

    def __init__(self, specs: list[SectionSpec]):
        self.specs = specs
        self.by_base: dict[str, set[int]] = {}
        self.always: set[int] = set()
        for at, spec in enumerate(specs):
            if spec.prefix or spec.pattern:
                self.always.add(at)
            else:
                for key in spec.keys:
                    self.by_base.setdefault(base_key(key), set()).add(at)
        self.known: dict[tuple[str, str], tuple[int, ...]] = {}

    def __call__(self, section: Section) -> tuple[int, ...]:
        title = (section.key, section.title)
        found = self.known.get(title)
        if found is None:
            could = self.by_base.get(base_key(section.key), set()) | self.always
            found = self.known[title] = tuple(
                at for at in sorted(could) if self.specs[at].matches(section))
        return found


def read_rows(table: Table, spec: TableSpec, status_column: str | None = None
              ) -> list[tuple[Task, str]]:
    """The one reader of ID tables: each row with an ID as a Task (dependencies from the
    spec's `depends` column), with the text of its status column. Duplicates are kept."""
    ids = table.column_index("ID")
    if ids is None:
        return []
    title_at = table.column_index("Task")
    deps_at = table.column_index(spec.depends) if spec.depends else None
    status_at = table.column_index(status_column) if status_column else None
    out = []
    for row in table.rows:
        task_id = cell(row, ids)
        if task_id:
            depends = ids_in(cell(row, deps_at), spec.prefixes)
            task = Task(task_id, cell(row, title_at), row.line, depends)
            out.append((task, cell(row, status_at)))
    return out


WORD = re.compile(r"[\w-]+")


class _Mentions:
    """Which IDs a set of checklist items names, each as a word of its own (T-1 is not named
    by "T-10"), read once for any number of IDs."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.words = {word for text in texts for word in WORD.findall(text)}

    def name(self, task_id: str) -> bool:
        if WORD.fullmatch(task_id):  # an ID of word characters is one of the items' words
            return task_id in self.words
        pattern = re.compile(rf"(?<![\w-]){re.escape(task_id)}(?![\w-])")
        return any(pattern.search(text) for text in self.texts)


def id_rows(plan: Plan) -> Iterator[tuple[str, Table, Row]]:
    """Each row of a table whose first column is headed ID (declared or not) that holds an
    ID there: the ID, its table and its row, in the plan's order, duplicates included."""
    for table in plan.tables:
        if not table.header or normalize(table.header[0]) != "id":
            continue
        for row in table.rows:
            value = clean(row.cells[0]) if row.cells else ""
            if ANY_ID.fullmatch(value):
                yield value, table, row


class PlanFacts:
    """A plan read through its doc type (None when no doc type applies)."""

    def __init__(self, plan: Plan, doctype: DocType | None):
        self.plan = plan
        self.doctype = doctype

    @cached_property
    def tables(self) -> list[tuple[Table, TableSpec]]:
        """The plan's tables that the doc type declares, each with its spec."""
        return classify(self.plan, self.doctype) if self.doctype else []

    def tables_of(self, kind: str) -> list[tuple[Table, TableSpec]]:
        return [(table, spec) for table, spec in self.tables if spec.name == kind]

    @cached_property
    def defined_ids(self) -> dict[str, int]:
        """Every ID defined in the first column of any table (declared or not), with the line
        of its first row."""
        found: dict[str, int] = {}
        for value, _table, row in id_rows(self.plan):
            found.setdefault(value, row.line)
        return found

    @cached_property
    def dependency_rows(self) -> list[Task]:
        """Every row of every declared table that has a dependencies column, duplicates
        included: what the dependency rules check."""
        return [task for table, spec in self.tables
                if spec.depends and table.column_index(spec.depends) is not None
                for task, _ in read_rows(table, spec)]

    @cached_property
    def tasks(self) -> list[Task]:
        """The plan's tasks in table order, each ID once (its first row)."""
        report = self.doctype.report if self.doctype else None
        if report is None or not report.tasks:
            return []
        done_words = {v.lower() for v in report.done_values}
        found: list[Task] = []
        states: list[str] = []
        seen: set[str] = set()
        with_status = False
        for table, spec in self.tables_of(report.tasks):
            if table.column_index("ID") is None:
                continue
            with_status = with_status or (
                bool(report.task_status) and table.column_index(report.task_status) is not None)
            for task, state in read_rows(table, spec, report.task_status):
                if task.id not in seen:
                    seen.add(task.id)
                    found.append(task)
                    states.append(state)
        items = _Mentions([i.text for i in self.plan.checklist])
        checked = _Mentions([i.text for i in self.plan.checklist if i.checked])
        tracked = with_status or any(items.name(t.id) for t in found)
        if tracked:
            for task, state in zip(found, states, strict=True):
                task.done = state.lower() in done_words or checked.name(task.id)
        return found

    @property
    def tasks_tracked(self) -> bool:
        return bool(self.tasks) and self.tasks[0].done is not None

    def open_tasks(self) -> tuple[list[Task], list[tuple[Task, list[str]]]]:
        """Tasks not done, and done tasks whose dependencies are not all done; nothing for a
        plan that does not track its tasks."""
        if not self.tasks_tracked:
            return [], []
        done = {t.id for t in self.tasks if t.done}
        known = {t.id for t in self.tasks}
        undone = [t for t in self.tasks if not t.done]
        early = [(t, [d for d in t.depends if d in known and d not in done])
                 for t in self.tasks if t.done]
        return undone, [(t, deps) for t, deps in early if deps]

    def next_task(self, skip: set[str] = frozenset()) -> Task | None:
        """The first task not done whose dependencies (those the plan defines) are all done,
        passing over the tasks in `skip` (those already in progress)."""
        done = {t.id for t in self.tasks if t.done}
        known = {t.id for t in self.tasks}
        for task in self.tasks:
            if task.id in skip:
                continue
            if not task.done and all(d in done for d in task.depends if d in known):
                return task
        return None

    def find_section(self, spec: SectionSpec | str, within: Section | None = None
                     ) -> Section | None:
        """The first section under `within` that is `spec` (a declared section, or a title:
        the declared section of that title, with its aliases, when there is one)."""
        if isinstance(spec, str):
            spec = self.doctype.section_spec(spec) if self.doctype else SectionSpec(spec)
        if within is None and not spec.prefix and not spec.pattern:
            found = [self._by_title[key] for key in spec.keys if key in self._by_title]
            return min(found, key=lambda section: section.line) if found else None
        for section in (within or self.plan.root).walk():
            if spec.matches(section):
                return section
        return None

    @cached_property
    def _by_title(self) -> dict[str, Section]:
        """Each title key a section answers to (see `model.title_matches`: its own, and its
        own without a trailing remark in brackets) → the first such section."""
        out: dict[str, Section] = {}
        for section in self.plan.section_list:
            key = section.key
            out.setdefault(key, section)
            at = key.find(" (")
            while at > 0:
                out.setdefault(key[:at], section)
                at = key.find(" (", at + 1)
        return out

    def items_in(self, title: str):
        """(the section the doc type calls `title`, or None; the checklist items inside it)."""
        section = self.find_section(title)
        if section is None:
            return None, []
        return section, [i for i in self.plan.checklist
                         if section.line <= i.line <= section.end_line]

    def value_cells(self):
        """Every cell of a column whose values the doc type restricts, as (table's spec, row,
        column name, cell index, allowed values by lower case): TB004 reports the values that
        are not among them, `fix` gives the others their declared case."""
        for table, spec in self.tables:
            for column, allowed in spec.values.items():
                index = table.column_index(column)
                if index is None:
                    continue
                lowered = {a.lower(): a for a in allowed}
                for row in table.rows:
                    yield spec, row, column, index, lowered

    @cached_property
    def plan_ids(self) -> tuple[str, ...]:
        """The IDs the plan goes by: its file name's (IP-7 for IP-7-search.md), and its `id`
        field's when that is another."""
        found = []
        match = PLAN_ID.match(PurePath(self.plan.path).stem)
        if match:
            found.append(match.group(0))
        declared = self.plan.meta.get("id")
        if isinstance(declared, str | int) and str(declared).strip() \
                and str(declared).strip() not in found:
            found.append(str(declared).strip())
        return tuple(found)

    @cached_property
    def test_ids(self) -> list[Task]:
        """The plan's tests: rows of the declared tables whose IDs a criterion may cite (the
        `cite-ids` of a table with a `cites` column), in table order, each ID once."""
        cited = {p for _table, spec in self.tables if spec.cites for p in spec.cite_ids}
        found: dict[str, Task] = {}
        for table, spec in self.tables:
            if spec.cites or not set(spec.prefixes) & cited:
                continue
            for task, _ in read_rows(table, spec):
                found.setdefault(task.id, task)
        return list(found.values())

    @cached_property
    def criteria(self) -> list[Criterion]:
        """Rows of the tables with a `cites` column (acceptance criteria), each with the test
        IDs that column names (only IDs of the spec's `cite-ids`), each ID once."""
        found: list[Criterion] = []
        seen: set[str] = set()
        for table, spec in self.tables:
            index = table.column_index(spec.cites) if spec.cites else None
            ids = table.column_index("ID")
            if index is None or ids is None:
                continue
            prefixes = tuple(f"{p}-" for p in spec.cite_ids)
            for row in table.rows:
                row_id = cell(row, ids)
                if not row_id or row_id in seen:
                    continue
                seen.add(row_id)
                tests = [t for t in dict.fromkeys(ids_in(cell(row, index)))
                         if not prefixes or t.startswith(prefixes)]
                found.append(Criterion(row_id, row.line, tests))
        return found

    @cached_property
    def risks(self) -> list[Risk]:
        """Open risks rated high by one of the doc type's level columns."""
        report = self.doctype.report if self.doctype else None
        if report is None or not report.risks:
            return []
        high = {v.lower() for v in report.high}
        closed = {v.lower() for v in report.closed_values}
        out: list[Risk] = []
        for table, _spec in self.tables_of(report.risks):
            status_at = table.column_index(report.risk_status) if report.risk_status else None
            levels = [table.column_index(name) for name in report.risk_level]
            for row in table.rows:
                if cell(row, status_at).lower() in closed and status_at is not None:
                    continue
                level = next((cell(row, i) for i in levels
                              if i is not None and cell(row, i).lower() in high), "")
                if level and row.cells:
                    out.append(Risk(cell(row, 0), row.line, level))
        return out

    @cached_property
    def top_sections(self) -> list[tuple[SectionSpec, Section | None]]:
        """The doc type's top-level sections, each with the plan's section or None."""
        if self.doctype is None:
            return []
        return [(spec, self.find_section(spec)) for spec in self.doctype.sections]

    @cached_property
    def gantt(self) -> Gantt | None:
        """The plan's gantt: the one in its Implementation Sequence section, else the first."""
        if not self.plan.code_blocks:
            return None
        from planbook.sequence import find_gantt

        return find_gantt(self.plan)

    @cached_property
    def sequence_problems(self) -> list[tuple[str, int, str, str]]:
        """Where the gantt and the tasks disagree (see `sequence.check_sequence`)."""
        if self.gantt is None or not self.tasks:
            return []
        from planbook.sequence import check_sequence

        mode = self.doctype.options.sequence if self.doctype else "tasks"
        return check_sequence(self.gantt, self.tasks, mode)

    @cached_property
    def numbering(self) -> Numbering:
        if self.doctype is not None and not self.doctype.options.numbering:
            return Numbering()
        return section_numbering(self.plan)

    @property
    def status(self) -> str:
        """The plan's status as its lifecycle field holds it, lower case; "" when unset. A
        value an open pattern of the field allows reads as the value it maps to."""
        field_name = self.doctype.lifecycle.field if self.doctype else "status"
        status = status_of(self.plan, field_name)
        spec = self.doctype.fields.get(field_name) if self.doctype else None
        if status and spec is not None and spec.open:
            return spec.canonical(status) or status
        return status

    def field(self, role: str) -> Field | None:
        """The frontmatter field that plays `role` (title, created, updated, status) in
        this doc type: `created_date` for a Backlog.md task, `created` by default."""
        name = getattr(self.doctype.roles, role, "") if self.doctype else ""
        return self.plan.fields.get(name or role)

    @cached_property
    def title(self) -> str:
        """The document's title: its title field, else its first H1 (the template's Guidance
        block aside); "" when it has neither."""
        field = self.field("title")
        if field is not None and isinstance(field.value, str | int | float) and \
                str(field.value).strip():
            return str(field.value).strip()
        guidance = self.doctype.template.guidance if self.doctype else None
        skip = title_key(guidance) if guidance else None  # the template's note, not a title
        first = next((s for s in self.plan.root.children
                      if s.level == 1 and not (skip and s.titled(skip))), None)
        return first.heading if first else ""


def status_of(plan: Plan, field: str = "status") -> str:
    """A plan's status as `field` holds it, lower case; "" when unset or not a single value."""
    value = plan.meta.get(field)
    return str(value).strip().lower() if isinstance(value, str | int | float) and value else ""


@record(many=True)
class Numbering:
    """What is wrong with a plan's section numbers, and what each number should be."""

    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    expected: dict[int, tuple[str, str]] = field(default_factory=dict)  # line → (written, due)


def section_numbering(plan: Plan) -> Numbering:
    """Check section numbers among siblings and work out the numbers they should have, in one
    walk: ST004 reports the problems, `fix` writes the expected numbers.

    Numbers run 1, 2, 3 under the top and carry their parent's (4.1, 4.2 under 4). Numbers
    need only be unique among siblings: under a numbered parent, children numbered 1, 2, 3
    restart the count on purpose, and under each unnumbered heading (two "Considered Options"
    of a decision record, say) numbering starts again. A plan numbered under a single
    unnumbered title heading is read from that heading. Top-level sections numbered like "2.1"
    keep their first number's prefix and start.
    """
    out = Numbering()

    def walk(parent: Section, due_parent: str) -> None:
        numbered = [c for c in parent.children if c.number]
        if numbered:
            first = numbered[0].number
            carried = bool(due_parent) and "." in first  # 4.1, 4.2 under 4
            if carried:
                prefix, start = due_parent + ".", 1
            elif "." in first:
                prefix, start = first.rsplit(".", 1)[0] + ".", int(first.rsplit(".", 1)[1])
            else:  # 1, 2, 3: at the top, under an unnumbered heading, or restarted locally
                prefix, start = "", 1
            _problems(parent.number if carried else "", numbered, out.problems)
            for i, child in enumerate(numbered):
                out.expected[child.line] = (child.number, f"{prefix}{start + i}")
        for child in parent.children:
            walk(child, out.expected[child.line][1] if child.number else "")

    roots = plan.root.children
    walk(roots[0] if len(roots) == 1 and not roots[0].number else plan.root, "")
    return out


def _problems(parent_number: str, numbered: list[Section], out: list[tuple[int, str]]) -> None:
    """Duplicates, numbers that do not carry the parent's, and gaps, among one parent's
    numbered children; `parent_number` is "" when the children do not carry it."""
    expected_prefix = parent_number + "." if parent_number else ""
    seen: dict[str, int] = {}
    previous = None
    for child in numbered:
        if child.number in seen:
            out.append((child.line, f"section number {child.number} is used twice "
                                    f"(first on line {seen[child.number]})"))
            continue
        seen[child.number] = child.line
        if expected_prefix and not child.number.startswith(expected_prefix):
            out.append((child.line, f"section {child.number} sits under section "
                                    f"{parent_number}; number it {expected_prefix}N"))
            previous = None
            continue
        last = int(child.number.rsplit(".", 1)[-1])
        if previous is None:
            if last != 1 and (expected_prefix or child.number.count(".") == 0):
                out.append((child.line, f"section {child.number} is the first at its level; "
                                        f"numbering should start at {expected_prefix}1"))
        elif last != previous + 1:
            out.append((child.line, f"section {child.number} follows "
                                    f"{expected_prefix}{previous}; expected "
                                    f"{expected_prefix}{previous + 1}"))
        previous = last
