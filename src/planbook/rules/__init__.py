"""The rule registry. A rule is a plain function plus its code, name, severity and doc.

Each family lives in its own module. A rule's docstring is its documentation: the first line
is the summary, the rest (with a bad and a good example) becomes docs/rules/<CODE>.md.
Rules take the parsed plan and a context and yield (line, column, message); they print nothing
and read no files.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from planbook.doctypes import DocType
from planbook.model import Plan

Hit = tuple[int, int, str]

FAMILIES = {
    "IO": "Reading files",
    "FM": "Frontmatter",
    "ST": "Structure",
    "TB": "Tables",
    "RF": "References",
    "CK": "Checklists",
    "SQ": "Implementation sequence",
    "GT": "Git history and other plans",
    "AP": "Approval",
    "PB": "planbook itself",
}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    check: Callable[[Plan, Context], Iterable[Hit]] = field(repr=False)
    needs_doctype: bool = True

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    @property
    def doc_path(self) -> str:
        return f"docs/rules/{self.code}.md"


@dataclass
class Context:
    """What a rule may know beyond its plan: the doc type, today, and the other plans."""

    doctype: DocType | None
    today: Any  # datetime.date
    exists: Callable[[str], bool] = lambda path: False  # a path relative to the plan's folder
    plan_names: frozenset[str] = frozenset()  # stems and IDs of every plan in the run
    known_types: tuple[str, ...] = ("IP",)
    history: Any = None  # changes.PlanHistory when git knows the plan's history, else None
    cache: dict = field(default_factory=dict)  # per plan: work several rules share


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str = "error", *, needs_doctype: bool = True):
    """Register a check function under a code, a kebab-case name and a default severity."""

    def register(check):
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, name, severity, check, needs_doctype)
        return check

    return register


def parser_rule(code: str, name: str, severity: str = "error", doc: str = "") -> None:
    """Register a finding the parser makes itself, so it has a code, a doc and select/ignore."""

    def check(plan: Plan, ctx: Context) -> Iterator[Hit]:
        for found, line, column, message in plan.parse_findings:
            if found == code:
                yield line, column, message

    check.__doc__ = doc
    REGISTRY[code] = Rule(code, name, severity, check, needs_doctype=False)


def all_rules() -> dict[str, Rule]:
    from planbook.rules import (  # noqa: F401 - importing registers the rules
        approval,
        checklists,
        frontmatter,
        history,
        planbook,
        references,
        sequence,
        structure,
        tables,
    )

    return dict(sorted(REGISTRY.items()))


def find(code_or_name: str) -> Rule | None:
    rules = all_rules()
    wanted = code_or_name.strip()
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    return next((r for r in rules.values() if r.name == wanted.lower()), None)
