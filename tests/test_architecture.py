"""The shape docs/architecture.md promises, checked from the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "planbook"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """The planbook modules a file imports, wherever the import stands (inside functions
    too): a late import still ties the two modules together."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else \
        module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("planbook"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if not base.startswith("planbook"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found - {module_name(path)}


def type_checking_only(path: Path) -> set[str]:
    """Modules imported only under `if TYPE_CHECKING:`, which never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    out.add(inner.module)
    return out


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in FILES}


def graph() -> dict[str, set[str]]:
    out = {}
    for path in FILES:
        found = imports(path) - type_checking_only(path)
        # importing a package runs its __init__: an edge to a submodule is one to it too
        out[module_name(path)] = {m for m in found if m in MODULES}
    from planbook.rules import FAMILIES  # all_rules imports each family's module by name

    out["planbook.rules"] |= {f"planbook.rules.{module}" for _, module in FAMILIES.values()}
    return out


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import circle, or [] when there is none."""
    state: dict[str, int] = {}
    for start in sorted(edges):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(edges[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(edges.get(child, ())))))
    return []


def test_the_import_graph_has_no_circle():
    found = cycle(graph())
    assert not found, "import circle: " + " → ".join(found)


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []


def test_rules_never_import_status_cli_or_the_site():
    for module, targets in graph().items():
        if module.startswith("planbook.rules"):
            bad = {t for t in targets if t.startswith(("planbook.status", "planbook.cli",
                                                       "planbook.site", "planbook.lint"))}
            assert not bad, f"{module} imports {bad}"


def test_one_task_class_and_one_reader_of_the_tasks_table():
    classes = [(p.name, node.name) for p in FILES
               for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef) and node.name == "Task"]
    assert classes == [("facts.py", "Task")]
    readers = [p.name for p in FILES if 'column_index("Task")' in p.read_text(encoding="utf-8")]
    assert readers == ["facts.py"]


# what a facts attribute reads of the doc type
FACT_PARTS = {"tables": {"tables"}, "value_cells": {"tables"}, "dependency_rows": {"tables"},
              "tasks": {"tables", "report"}, "tasks_tracked": {"tables", "report"},
              "risks": {"tables", "report"},
              "sequence_problems": {"tables", "report", "options"},
              "open_tasks": {"tables", "report"}, "next_task": {"tables", "report"},
              "top_sections": {"sections"}, "status": {"lifecycle", "fields"},
              "items_in": {"sections"}, "find_section": {"sections"},
              "numbering": {"options"}, "defined_ids": set(), "gantt": set(),
              "field": {"roles"}, "title": {"roles"}}
DOCTYPE_PARTS = {"placeholder_res": "template", "example_row_res": "template",
                 "instruction_res": "template", "template_text": "template"}


def test_each_rule_declares_the_doc_type_parts_it_reads():
    import inspect
    import re

    from planbook.rules import all_rules

    for code, rule in all_rules().items():
        if rule.check.__name__ == "check":  # a parser rule reads only the parser's findings
            assert rule.reads == ()
            continue
        source = inspect.getsource(rule.check)
        used = {DOCTYPE_PARTS.get(m, m) for m in re.findall(r"ctx\.doctype\.(\w+)", source)}
        for attr in re.findall(r"ctx\.facts\.(\w+)", source):
            assert attr in FACT_PARTS, f"{code}: ctx.facts.{attr} is not in FACT_PARTS"
            used |= FACT_PARTS[attr]
        assert used <= set(rule.reads), f"{code} reads {sorted(used - set(rule.reads))} too"


def test_every_record_says_what_it_is():
    """Each class made with `record` has a docstring: one without makes `dataclass` work
    out its signature at import, and leaves the reader to guess what it holds."""
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            made = any((isinstance(d, ast.Name) and d.id == "record")
                       or (isinstance(d, ast.Call) and getattr(d.func, "id", "") == "record")
                       for d in node.decorator_list)
            if made and ast.get_docstring(node) is None:
                bare.append(f"{module_name(path)}.{node.name}")
    assert bare == []
