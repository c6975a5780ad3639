"""Rule reference pages, generated from each rule's own docstring so docs cannot drift."""

from __future__ import annotations

from pathlib import Path

from planbook.rules import FAMILIES, Rule, all_rules


def rule_page(rule: Rule) -> str:
    rest = rule.doc.partition("\n\n")[2]
    return (
        f"# {rule.code} {rule.name}\n\n"
        f"**{rule.summary}**\n\n"
        f"Family: {rule.family_title} · Default severity: `{rule.severity}`"
        f"{'' if rule.default else ' · Off by default'}\n\n"
        f"{rest.strip()}\n\n"
        + (f"Turn it off for one line with `<!-- planbook-disable-next-line {rule.code} -->`, "
           f"or everywhere with `ignore = [\"{rule.code}\"]` in `[tool.planbook]`.\n"
           if rule.default else
           f"It is off by default: turn it on with `extend-select = [\"{rule.code}\"]` in "
           f"`[tool.planbook]` (or name it in `select`).\n")
    )


def index_page(rules: dict[str, Rule]) -> str:
    lines = ["# Rules", "", "Every rule planbook checks, by family. `planbook explain CODE` "
             "prints the same page in a terminal.", ""]
    for family, (title, _module) in FAMILIES.items():
        members = [r for r in rules.values() if r.family == family]
        if not members:
            continue
        lines += [f"## {title}", "", "| Code | Name | Severity | What it finds |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity} | {r.summary} |"
                  for r in members]
        lines.append("")
    return "\n".join(lines)


def write_rule_docs(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    rules = all_rules()
    for rule in rules.values():
        (folder / f"{rule.code}.md").write_text(rule_page(rule), encoding="utf-8")
    (folder / "index.md").write_text(index_page(rules), encoding="utf-8")
    return len(rules)


def write_codes_table(path: Path | None = None) -> int:
    """Rewrite the table of `planbook.rules.codes` from the registered rules (in a checkout:
    `make docs` does it)."""
    from planbook.rules import codes

    path = path or Path(codes.__file__)
    text = path.read_text(encoding="utf-8")
    start = text.index("CATALOG: dict")
    end = text.index("\n}\n", start) + 3
    from planbook.fix import FIXERS

    rules = all_rules()
    rows = "".join(f'    "{code}": ("{r.name}", "{r.severity}", {r.default}, '
                   f"{r.needs_history}),\n" for code, r in rules.items())
    fixable = ", ".join(f'"{code}"' for code in sorted(FIXERS))
    tail = text[end:]
    if "FIXABLE" in tail:  # the table written before, replaced
        tail = tail[tail.index("\n)\n", tail.index("FIXABLE")) + 3:]
    path.write_text(text[:start] + "CATALOG: dict[str, tuple[str, str, bool, bool]] = {\n"
                    + rows + "}\n\n# the rules `planbook fix` has a fixer for (`fix.FIXERS`)\n"
                    + f"FIXABLE: tuple[str, ...] = (\n    {fixable},\n)\n" + tail,
                    encoding="utf-8")
    return len(rules)


def write_shipped_doctypes(folder: Path | None = None) -> int:
    """Rewrite the shipped doc types' `shipped.json` from their TOML files (in a checkout:
    `make docs` does it)."""
    import json

    from planbook import doctypes

    folder = folder or doctypes.HERE
    shipped = doctypes.shipped_json(folder)
    (folder / doctypes.SHIPPED).write_text(
        json.dumps(shipped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(shipped["doctypes"])
