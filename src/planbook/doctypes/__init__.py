"""Doc types declared as data: the built-in ones ship as TOML here, a team's own come from config.

One format for both, validated by the dataclasses below (see planbook.typed), so a typo in a
team's declaration gets the same precise error a typo in ours would. docs/doctypes.md documents
every key.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from planbook.model import title_key
from planbook.records import record
from planbook.typed import DeclarationError, load

HERE = Path(__file__).parent

FieldType = Literal[
    "string", "date", "datetime", "version", "list", "text-or-list", "integer", "boolean",
    "string-or-integer", "mapping"
]


@record(frozen=True)
class FieldSpec:
    """One frontmatter key of a doc type: its type, whether it is required, what it allows."""

    type: FieldType = "string"
    required: bool = False
    values: tuple[str, ...] | None = None  # allowed values, compared case-insensitively
    # an open list: a value matching one of these expressions is allowed too, and counts as
    # the listed value it maps to ("superseded by ADR-9" counts as "superseded")
    open: dict[str, str] = field(default_factory=dict)
    pattern: str | None = None  # a regular expression the whole value must match
    description: str = ""
    refers: bool = False  # each value names another document (GT004: it exists, GT005: no cycle)

    @cached_property
    def open_res(self) -> list[tuple[re.Pattern, str]]:
        return [(re.compile(p, re.IGNORECASE), v) for p, v in self.open.items()]

    def canonical(self, value: str) -> str | None:
        """The listed value `value` stands for, in lower case: itself when listed, the value
        an open pattern maps it to, None when neither (or when nothing is listed)."""
        text = value.strip()
        if self.values and text.lower() in {v.lower() for v in self.values}:
            return text.lower()
        for pattern, target in self.open_res:
            if pattern.fullmatch(text):
                return target.lower()
        return None


@record(frozen=True)
class SectionSpec:
    """A section a doc type declares: its title (or other titles, or a pattern) and children."""

    title: str
    number: str = ""
    required: bool = True
    children: tuple[SectionSpec, ...] = ()
    aliases: tuple[str, ...] = ()  # other titles the same section goes by
    prefix: bool = False  # the heading may go on after the title ("Considered Options - X")
    pattern: str | None = None  # or a regular expression the heading title must match

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(title_key(t) for t in (self.title, *self.aliases))

    @cached_property
    def pattern_re(self) -> re.Pattern | None:
        return re.compile(self.pattern, re.IGNORECASE) if self.pattern else None

    def matches(self, section) -> bool:
        """Whether a plan's section is this one: by title or alias (loosely, see
        `model.title_matches`), as a prefix when allowed, or by pattern."""
        for key in self.keys:
            if section.titled(key):
                return True
            if self.prefix and section.key.startswith(key) and (
                    len(section.key) == len(key) or not section.key[len(key)].isalnum()):
                return True
        return bool(self.pattern_re and self.pattern_re.search(section.title))


@record(frozen=True)
class TableSpec:
    """A kind of table: where it stands, its columns, the IDs it defines and cites."""

    name: str
    section: str  # the section (any depth) whose subtree holds these tables
    columns: tuple[str, ...]
    # ID prefix, such as "T" for T-1, T-API-1 and T-Q1, or several: ["AC", "PC"]
    id: str | tuple[str, ...] | None = None
    required: tuple[str, ...] = ()  # columns whose cells must not be empty
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column → allowed
    depends: str | None = None  # column that lists IDs of the same table
    cites: str | None = None  # column that cites IDs defined in other tables
    cite_ids: tuple[str, ...] = ()  # ID prefixes a citation may use

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The ID prefixes this kind's first column may use; the first is the usual one."""
        if not self.id:
            return ()
        return (self.id,) if isinstance(self.id, str) else tuple(self.id)


@record(frozen=True)
class ChecklistSpec:
    """A checklist a section holds, and the items it must have."""

    section: str  # the section whose checklist this is
    required: bool = True
    items: tuple[str, ...] = ()  # items that must be present (matched loosely)


@record(frozen=True)
class PhaseSpec:
    """Where a plan's phases are (subsections whose title matches) and the labels each carries."""

    section: str
    heading: str
    requires: tuple[str, ...]


@record(frozen=True)
class TemplateSpec:
    """What the type's template leaves for its author to replace (ST005 finds it left in)."""

    guidance: str | None = None
    placeholders: tuple[str, ...] = ()
    example_rows: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()  # a whole paragraph the template writes as a request


# Checklist items that state their own condition: not required when it does not hold.
CONDITIONAL_ITEMS = (
    r"\b(?:when|if|unless)\s+(?:[\w.+#]+[\s/-]+){0,4}?(?:touched|changed|affected|applicable"
    r"|needed|required|requested|relevant|present|any|used)\b",
    r"\((?:optional|if\b[^)]*|when\b[^)]*|where\b[^)]*)\)",
    r"^\s*(?:optional|if applicable)\b",
)


@record(frozen=True)
class OptionsSpec:
    """How the rules read this type: what it may leave out and how strictly it is held."""

    frontmatter: Literal["required", "optional"] = "required"  # FM001 for none at all
    require_h1: bool = False  # ST008: a `# Title` heading, even with a title field
    numbering: bool = True  # ST004 checks (and `fix` rewrites) section numbers
    # SQ001/SQ002: "strict" holds every bar to a task; "tasks" checks the bars that cite task
    # IDs and leaves process steps alone; "off" checks no sequence
    sequence: Literal["strict", "tasks", "off"] = "tasks"
    template_placeholders: bool = True  # ST005 also finds lines of the type's own template
    conditional_items: tuple[str, ...] = CONDITIONAL_ITEMS  # CK002 leaves these open items
    summarize_missing: bool = True  # ST001 says once that most sections are missing
    # FM013: "warn" of every key the type does not declare, or only of "typos" of one it does
    unknown_fields: Literal["warn", "typos"] = "warn"

    @cached_property
    def conditional_res(self) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in self.conditional_items]


@record(frozen=True)
class RolesSpec:
    """Which frontmatter fields the date, git and status rules read for each role."""

    title: str = "title"
    created: str = "created"
    updated: str = "updated"
    status: str = ""  # the lifecycle's `field`; either may be declared


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


@record(frozen=True)
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


@record(frozen=True)
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


@record(frozen=True)
class DocType:
    """A kind of document and everything the rules check it against."""

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
    options: OptionsSpec = OptionsSpec()
    roles: RolesSpec = RolesSpec()

    @cached_property
    def placeholder_res(self) -> list[re.Pattern]:
        return [re.compile(p) for p in self.template.placeholders]

    @cached_property
    def instruction_res(self) -> list[re.Pattern]:
        return [re.compile(p) for p in self.template.instructions]

    @cached_property
    def all_sections(self) -> dict[str, SectionSpec]:
        """Every declared section, subsections too, by its title key, so a table or checklist
        that names a section finds it by any of its aliases."""
        found: dict[str, SectionSpec] = {}

        def add(specs) -> None:
            for spec in specs:
                found.setdefault(title_key(spec.title), spec)
                add(spec.children)

        add(self.sections)
        return found

    def section_spec(self, title: str) -> SectionSpec:
        """The declared section called `title`, or a plain one matched by that title alone."""
        return self.all_sections.get(title_key(title)) or SectionSpec(title)

    @cached_property
    def template_text(self) -> str:
        """The type's own template (its `template-file`, else the shipped one), "" if none."""
        paths = [Path(self.template_file)] if self.template_file else []
        paths.append(HERE.parent / "templates" / f"{self.name.lower()}.md")
        for path in paths:
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
        return ""

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
        for pattern, flags in _patterns(doctype):
            re.compile(pattern, flags)
    except DeclarationError as exc:
        raise DocTypeError(f"{source}: invalid doc type: {exc}") from None
    except re.error as exc:
        raise DocTypeError(f"{source}: invalid regular expression {exc.pattern!r}: {exc}") \
            from None
    if not doctype.name.strip():
        raise DocTypeError(f"{source}: a doc type needs a name")
    doctype = _fit_roles(doctype, data, source)
    doctype = _fit_lifecycle(doctype, declared="lifecycle" in data, source=source)
    # `finished` is declared beside the lifecycle; the lifecycle answers for it
    return dataclasses.replace(doctype, lifecycle=dataclasses.replace(
        doctype.lifecycle, finished=doctype.finished))


def _patterns(doctype: DocType):
    """Every regular expression a declaration holds, with the flags it is used with: compiled
    once at load, the use finds it compiled."""
    yield from ((p, 0) for p in doctype.template.placeholders)
    yield from ((p, re.IGNORECASE) for p in doctype.template.example_rows)
    yield from ((p, 0) for p in doctype.template.instructions)
    yield from ((p, re.IGNORECASE) for p in doctype.options.conditional_items)
    for spec in doctype.fields.values():
        yield from ([(spec.pattern, 0)] if spec.pattern else [])
        yield from ((p, re.IGNORECASE) for p in spec.open)

    def sections(specs):
        for spec in specs:
            if spec.pattern:
                yield spec.pattern, re.IGNORECASE
            yield from sections(spec.children)

    yield from sections(doctype.sections)


def _fit_roles(doctype: DocType, data: dict, source: str) -> DocType:
    """The status role and the lifecycle's `field` are one setting; either may declare it."""
    role = doctype.roles.status
    life = data.get("lifecycle") if isinstance(data.get("lifecycle"), dict) else {}
    declared = life.get("field")
    if role and declared and role != declared:
        raise DocTypeError(f"{source}: roles.status is '{role}' but lifecycle.field is "
                           f"'{declared}'; they name the same field, declare one")
    if role:
        doctype = dataclasses.replace(doctype, lifecycle=dataclasses.replace(
            doctype.lifecycle, field=role))
    return dataclasses.replace(doctype, roles=dataclasses.replace(
        doctype.roles, status=doctype.lifecycle.field))


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
    import tomllib

    from planbook.reading import Unreadable, read_file

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
    return _declared_in(data, path)


def _declared_in(data: dict, path: Path) -> DocType:
    return _beside(from_data(data, str(path)), path)


def _beside(doctype: DocType, path: Path) -> DocType:
    """`doctype` as declared in the file at `path`: a relative `template-file` is relative
    to that file, wherever planbook runs from."""
    if doctype.template_file and not Path(doctype.template_file).is_absolute():
        doctype = dataclasses.replace(doctype,
                                      template_file=str(path.parent / doctype.template_file))
    return doctype


SHIPPED = "shipped.json"  # the shipped doc types, built, as `make docs` writes them
_builtin_cache: dict[str, DocType] = {}
_builtin_files: dict[str, tuple[str, dict]] = {}


def read_shipped(folder: Path | None = None) -> dict:
    """Each shipped doc type's data as `tomllib` reads its file, by the name its own `name`
    key declares (never guessed from the file name)."""
    import tomllib

    found = {}
    for path in sorted((folder or HERE).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("name"), str):
            raise DocTypeError(f"{path}: a built-in doc type needs a `name = \"...\"` line")
        found[data["name"]] = {"file": path.name, "data": data}
    return {"doctypes": found}


def shipped_json(folder: Path | None = None) -> dict:
    """What `shipped.json` holds: each shipped doc type as `from_data` builds it from its
    file, in the tagged form `_built` reads back without a type hint, a check or a copy.
    `make docs` (`planbook.docs.write_shipped_doctypes`) writes it, so a run reads no TOML
    and builds no doc type from declarations; a test fails when it differs from the files."""
    folder = folder or HERE
    return {"doctypes": {name: {"file": entry["file"], "built": _tagged(
                                    from_data(entry["data"], str(folder / entry["file"])))}
                         for name, entry in read_shipped(folder)["doctypes"].items()}}


def _tagged(value):
    """A doc type's value as JSON that says what each part is: {"r": record, "f": fields},
    {"t": [a tuple's items]}, {"d": {a mapping}}; text, numbers, booleans and null as
    they are."""
    if isinstance(value, tuple):
        return {"t": [_tagged(v) for v in value]}
    if isinstance(value, dict):
        return {"d": {k: _tagged(v) for k, v in value.items()}}
    if dataclasses.is_dataclass(value):  # a field left at its default is left out
        return {"r": type(value).__name__, "f": {
            f.name: _tagged(getattr(value, f.name)) for f in dataclasses.fields(value)
            if f.init and getattr(value, f.name) != _default(f)}}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"a shipped doc type holds {type(value).__name__}, which JSON cannot")


def _default(f: dataclasses.Field):
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def _built(value):
    """`_tagged`'s JSON built back into the doc type it was written from."""
    if isinstance(value, dict):
        if "t" in value:
            return tuple(_built(v) for v in value["t"])
        if "d" in value:
            return {k: _built(v) for k, v in value["d"].items()}
        return _RECORDS[value["r"]](**{k: _built(v) for k, v in value["f"].items()})
    return value


_RECORDS = {cls.__name__: cls for cls in (DocType, FieldSpec, SectionSpec, TableSpec,
                                          ChecklistSpec, PhaseSpec, TemplateSpec, OptionsSpec,
                                          RolesSpec, LifecycleSpec, ReportSpec)}


def _builtin_index() -> dict[str, tuple[str, dict]]:
    """Declared name → (file name, built form) for every shipped doc type, from
    `shipped.json`."""
    if not _builtin_files:
        shipped = json.loads((HERE / SHIPPED).read_text(encoding="utf-8"))
        for name, entry in shipped["doctypes"].items():
            _builtin_files[name] = (entry["file"], entry["built"])
    return _builtin_files


def builtin(name: str) -> DocType:
    """A shipped doc type by its declared name, compared case-insensitively."""
    index = _builtin_index()
    found = next((n for n in index if n.lower() == name.strip().lower()), None)
    if found is None:
        raise DocTypeError(f"no built-in doc type '{name}' (built in: {', '.join(index)})")
    if found not in _builtin_cache:
        file, built = index[found]
        _builtin_cache[found] = _beside(_built(built), HERE / file)
    return _builtin_cache[found]


def builtin_names() -> list[str]:
    return sorted(_builtin_index(), key=str.lower)
