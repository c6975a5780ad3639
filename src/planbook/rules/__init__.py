"""The rules. A rule is a plain function plus its code, name, severity, what it needs and its
doc (see `registry`).

Each family lives in its own module, listed in FAMILIES. A rule's docstring is its
documentation: the first line is the summary, the rest (with a bad and a good example) becomes
docs/rules/<CODE>.md. Rules take the parsed plan and a context and yield (line, column,
message); they print nothing and read no files. What the doc type makes of the plan (its
tables, tasks, gantt, sections) comes from `ctx.facts`, never worked out again in a rule.
"""

from __future__ import annotations

from typing import NamedTuple

from planbook.rules.registry import (  # noqa: F401 - the registry's names, for callers
    FAMILIES,
    REGISTRY,
    Context,
    Hit,
    Rule,
    parser_rule,
    rule,
)


def all_rules() -> dict[str, Rule]:
    """Every rule by code; importing each family's module registers its rules."""
    import importlib

    for _title, module in FAMILIES.values():
        importlib.import_module(f"planbook.rules.{module}")
    return dict(sorted(REGISTRY.items()))


class RuleInfo(NamedTuple):
    """What a run needs to know of a rule without its check: see `catalog`."""

    code: str
    name: str
    severity: str
    default: bool
    needs_history: bool


def catalog() -> dict[str, RuleInfo]:
    """Every rule by code, as `rules.codes` records it, without importing the rule
    modules (a test keeps the catalog equal to the rules)."""
    from planbook.rules.codes import CATALOG

    return {code: RuleInfo(code, *row) for code, row in CATALOG.items()}


def history_codes() -> tuple[str, ...]:
    """The rules that need git history, in code order."""
    return tuple(code for code, r in catalog().items() if r.needs_history)


def find(code_or_name: str) -> Rule | None:
    rules = all_rules()
    wanted = code_or_name.strip()
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    return next((r for r in rules.values() if r.name == wanted.lower()), None)
