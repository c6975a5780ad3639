"""The rule registry: what a rule is, what it may know, and the table of every rule.

Each family module registers its rules here with `rule` or `parser_rule`; `planbook.rules`
imports the family modules listed in FAMILIES and hands out the table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from typing import TYPE_CHECKING, Any

from planbook.names import Names
from planbook.records import record

if TYPE_CHECKING:  # only named in annotations: a run the cache answers never imports them
    from planbook.doctypes import DocType
    from planbook.facts import PlanFacts
    from planbook.model import Plan

Hit = tuple[int, int, str]

# code prefix → (title, the module that holds the family), in the order docs list them
FAMILIES = {
    "IO": ("Reading files", "io"),
    "FM": ("Frontmatter", "frontmatter"),
    "ST": ("Structure", "structure"),
    "TB": ("Tables", "tables"),
    "RF": ("References", "references"),
    "CK": ("Checklists", "checklists"),
    "SQ": ("Implementation sequence", "sequence"),
    "GT": ("Git history and other plans", "history"),
    "AP": ("Approval", "approval"),
    "TR": ("Traceability", "trace"),
    "PB": ("planbook itself", "planbook"),
}


@record(frozen=True)
class Rule:
    """A rule: its check function and what the registry knows of it."""

    code: str
    name: str
    severity: str
    check: Callable[[Plan, Context], Iterable[Hit]] = field(repr=False)
    needs_doctype: bool = True
    needs_history: bool = False  # judged against git history: skipped without it, and said so
    reads: tuple[str, ...] = ()  # the doc-type parts it reads: "fields", "tables", "lifecycle"…
    default: bool = True  # on unless `select` leaves it out; False: only when selected

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    @property
    def family_title(self) -> str:
        return FAMILIES[self.family][0]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    @property
    def doc_path(self) -> str:
        return f"docs/rules/{self.code}.md"


@record(many=True)
class Context:
    """What a rule may know beyond its plan: the doc type and what it makes of the plan,
    today, the other plans, and git history."""

    doctype: DocType | None
    today: Any  # datetime.date
    exists: Callable[[str], bool] = lambda path: False  # a path relative to the plan's folder
    plan_names: Names = field(default_factory=Names)  # every document of the run, by name
    # field → document → the documents it names, for every document of the run (names.py)
    references: Callable[[], dict[str, dict[str, list[str]]]] = dict
    known_types: tuple[str, ...] = ("IP",)
    history: Any = None  # changes.PlanHistory when git knows the plan's history, else None
    facts: PlanFacts | None = None  # the plan read through its doc type, shared by all rules
    trace: Any = None  # trace.PlanTrace when a traceability rule is on, else None


REGISTRY: dict[str, Rule] = {}


def _register(rule_: Rule) -> None:
    if rule_.family not in FAMILIES:
        raise ValueError(f"rule code {rule_.code} is in no family ({', '.join(FAMILIES)})")
    if rule_.code in REGISTRY:
        raise ValueError(f"rule code {rule_.code} registered twice")
    REGISTRY[rule_.code] = rule_


def rule(code: str, name: str, severity: str = "error", *, needs_doctype: bool = True,
         needs_history: bool = False, reads: tuple[str, ...] = (), default: bool = True):
    """Register a check function under a code, a kebab-case name and a default severity;
    `default=False` for a rule a team turns on when it adopts the convention it checks."""

    def register(check):
        _register(Rule(code, name, severity, check, needs_doctype, needs_history, reads,
                       default))
        return check

    return register


def parser_rule(code: str, name: str, severity: str = "error", doc: str = "") -> None:
    """Register a finding the parser makes itself, so it has a code, a doc and select/ignore."""

    def check(plan: Plan, ctx: Context) -> Iterator[Hit]:
        for found, line, column, message in plan.parse_findings:
            if found == code:
                yield line, column, message

    check.__doc__ = doc
    _register(Rule(code, name, severity, check, needs_doctype=False))
