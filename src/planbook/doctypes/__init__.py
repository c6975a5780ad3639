"""Doc types declared as data: the built-in ones ship as TOML here, a team's own come from config.

One format for both, validated by the dataclasses below (see planbook.typed), so a typo in a
team's declaration gets the same precise error a typo in ours would. docs/doctypes.md documents
every key.
"""

from __future__ import annotations

import dataclasses
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


def _plan_flow() -> dict[str, tuple[str, ...]]:
    return {
        "draft": ("review",),
        "review": ("draft", "approved"),
        "approved": ("in-progress", "review"),
        "in-progress": ("done", "approved", "review"),
        "done": (),
    }


def _plan_record() -> dict[str, tuple[str, ...]]:
    record = ("approved_by", "approved")
    return {"approved": record, "in-progress": record, "done": record}


@dataclass(frozen=True)
class LifecycleSpec:
    """How a plan's status may change, and what each status demands.

    The default is the implementation-plan life: draft → review → approved → in-progress → done,
    and abandoned from anywhere. Statuses that appear nowhere here are left to FM007.
    """

    field: str = "status"  # the frontmatter key that holds the status
    initial: str = "draft"  # the status `planbook new` writes
    transitions: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=_plan_flow)
    from_any: tuple[str, ...] = ("abandoned",)  # reachable from every status
    approved: tuple[str, ...] = ("approved", "in-progress", "done")  # count as approved
    work: tuple[str, ...] = ("in-progress", "done")  # mean the work has started
    done: tuple[str, ...] = ("done",)  # demand every task done
    requires: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=_plan_record)

    finished: tuple[str, ...] = ("done",)  # nothing is left to do: the doc type's `finished`

    def known(self) -> set[str]:
        """Every status the lifecycle mentions."""
        found = set(self.transitions) | set(self.from_any)
        for targets in self.transitions.values():
            found.update(targets)
        return {s.lower() for s in found}

    def allows(self, old: str, new: str) -> bool:
        """Whether one step may take a plan from `old` to `new`."""
        old, new = old.lower(), new.lower()
        if old == new or new in _lower(self.from_any):
            return True
        return new in _lower(self.steps().get(old, ()))

    def steps(self) -> dict[str, tuple[str, ...]]:
        """Status → the statuses one step may lead to, all in lower case."""
        return {k.lower(): tuple(t.lower() for t in v) for k, v in self.transitions.items()}

    def reachable(self, old: str, new: str) -> bool:
        """Whether `new` can be reached from `old` by allowed steps, one or more."""
        steps = self.steps()
        seen, todo = {old}, [old]
        while todo:
            current = todo.pop()
            for target in [*steps.get(current, ()), *_lower(self.from_any)]:
                if target == new:
                    return True
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return False

    def toward(self, status: str, goals) -> str:
        """The first step on the shortest allowed way from `status` to one of `goals`, or ""."""
        steps, goals = self.steps(), _lower(goals)
        first: dict[str, str] = {}
        todo = [status]
        while todo:
            current = todo.pop(0)
            for target in steps.get(current, ()):
                if target in first or target == status:
                    continue
                first[target] = first.get(current, target)
                if target in goals:
                    return first[target]
                todo.append(target)
        return ""

    def is_finished(self, status: str) -> bool:
        """Nothing is left to do: the plan is done, abandoned, accepted…"""
        return status.lower() in _lower(self.finished)

    def is_done(self, status: str) -> bool:
        """The work is complete, so every task must be done."""
        return status.lower() in _lower(self.done)

    def is_approved(self, status: str) -> bool:
        return status.lower() in _lower(self.approved)

    def is_work(self, status: str) -> bool:
        """Work on the plan has started."""
        return status.lower() in _lower(self.work)

    def required_for(self, status: str) -> tuple[str, ...]:
        """The fields a plan in `status` must fill in."""
        return {k.lower(): v for k, v in self.requires.items()}.get(status.lower(), ())


def _lower(values) -> set[str]:
    return {v.lower() for v in values}


@dataclass(frozen=True)
class ReportSpec:
    """Where `planbook status` finds tasks, risks and technical debt in a plan."""

    tasks: str = "tasks"  # the table kind whose rows are tasks
    task_status: str = "Status"  # optional column of the tasks table saying whether it is done
    done_values: tuple[str, ...] = ("done", "complete", "completed", "finished", "x", "✅",
                                    "✓", "✔")
    risks: str = "risks"  # the table kind whose rows are risks
    risk_level: tuple[str, ...] = ("Impact",)  # a row is a high risk when one of these is High
    high: tuple[str, ...] = ("high", "critical")
    risk_status: str = "Status"  # optional column; closed rows are not open risks
    closed_values: tuple[str, ...] = ("closed", "mitigated", "resolved", "retired", "done")
    debt: tuple[str, ...] = ("Technical Debt",)  # sections whose items are technical debt


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
    lifecycle: LifecycleSpec = LifecycleSpec()
    report: ReportSpec = ReportSpec()

    @cached_property
    def placeholder_res(self) -> list[re.Pattern]:
        return [re.compile(p) for p in self.template.placeholders]

    @cached_property
    def example_row_res(self) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in self.template.example_rows]


class DocTypeError(ValueError):
    """A doc type declaration that does not validate; the message names the bad key."""


def from_data(data: dict[str, Any], source: str) -> DocType:
    life = data.get("lifecycle")
    if isinstance(life, dict) and "finished" in life:
        raise DocTypeError(f"{source}: invalid doc type: 'lifecycle.finished' is declared as "
                           "'finished' at the top level of the doc type")
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
    doctype = _fit_lifecycle(doctype, declared="lifecycle" in data, source=source)
    # `finished` is declared beside the lifecycle; the lifecycle answers for it
    return dataclasses.replace(doctype, lifecycle=dataclasses.replace(
        doctype.lifecycle, finished=doctype.finished))


def _fit_lifecycle(doctype: DocType, declared: bool, source: str) -> DocType:
    """Check a declared lifecycle against the status values; without a declaration, keep the
    standard lifecycle only when the type's statuses fit it, so a team's own statuses never
    meet transitions nobody wrote for them."""
    spec = doctype.fields.get(doctype.lifecycle.field)
    allowed = {v.lower() for v in spec.values} if spec and spec.values else None
    life = doctype.lifecycle
    named = life.known() | {s.lower() for s in (life.initial, *life.approved, *life.work,
                                                  *life.done, *life.requires)}
    if declared:
        if allowed is not None and named - allowed:
            raise DocTypeError(
                f"{source}: lifecycle names status {', '.join(sorted(named - allowed))}, "
                f"which '{life.field}' does not allow ({', '.join(spec.values)})")
        return doctype
    if allowed is None or allowed <= named:
        return doctype
    none = LifecycleSpec(initial=spec.values[0], transitions={}, from_any=(), approved=(),
                         work=(), done=(), requires={})
    return dataclasses.replace(doctype, lifecycle=none)


def from_file(path: str | Path) -> DocType:
    """A doc type declared in a TOML or YAML file; read like a plan, so a FIFO or a device
    named in `type-files` is refused instead of read."""
    from planbook.parse import Unreadable, read_file

    path = Path(path)
    try:
        text = read_file(str(path)).decode("utf-8")
    except Unreadable as exc:
        raise DocTypeError(f"{path}: {exc} (a doc type file)") from None
    except UnicodeDecodeError as exc:
        raise DocTypeError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
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
    doctype = from_data(data, str(path))
    if doctype.template_file and not Path(doctype.template_file).is_absolute():
        # relative to the declaring file, wherever planbook runs from
        doctype = dataclasses.replace(doctype,
                                      template_file=str(path.parent / doctype.template_file))
    return doctype


_builtin_cache: dict[str, DocType] = {}
_builtin_files: dict[str, Path] = {}
DECLARED_NAME = re.compile(r'^name\s*=\s*"([^"]+)"', re.MULTILINE)


def _builtin_index() -> dict[str, Path]:
    """Declared name → file for every shipped doc type; the name is read from the file's own
    `name` key, never guessed from the file name."""
    if not _builtin_files:
        for path in sorted(HERE.glob("*.toml")):
            match = DECLARED_NAME.search(path.read_text(encoding="utf-8"))
            if match is None:
                raise DocTypeError(f"{path}: a built-in doc type needs a `name = \"...\"` line")
            _builtin_files[match.group(1)] = path
    return _builtin_files


def builtin(name: str) -> DocType:
    """A shipped doc type by its declared name, compared case-insensitively."""
    index = _builtin_index()
    found = next((n for n in index if n.lower() == name.strip().lower()), None)
    if found is None:
        raise DocTypeError(f"no built-in doc type '{name}' (built in: {', '.join(index)})")
    if found not in _builtin_cache:
        _builtin_cache[found] = from_file(index[found])
    return _builtin_cache[found]


def builtin_names() -> list[str]:
    return sorted(_builtin_index(), key=str.lower)
