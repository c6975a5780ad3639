"""`planbook mcp`: planbook's engine as a few MCP tools for coding agents, over stdio.

An agent pays for every tool description in its context, so there are five tools with short
descriptions, and every answer is compact JSON capped at `LIMIT` items with a count of what
was left out. The tools are plain functions over the library (`lint.run`, `status`,
`planbook.new`) that return data; `build_server` wraps them for the MCP SDK, which is imported
only here. Everything is read-only except `new_plan`, which never overwrites a file.

Paths are read relative to the folder the server was started in (the repository).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from planbook.config import Config, ConfigError, load_config

LIMIT = 50  # items in one answer; the rest are counted, not listed
MESSAGE = 300  # characters of one message or row cell


class ToolProblem(ValueError):
    """A call that cannot be answered as asked; the message says what to change."""


def _config(config_path: str | None, start: Path | None = None) -> Config:
    try:
        return load_config(Path(config_path) if config_path else None, start=start)
    except ConfigError as exc:
        raise ToolProblem(str(exc)) from None


def _short(text: str, limit: int = MESSAGE) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _capped(items: list, limit: int = LIMIT) -> tuple[list, int]:
    return items[:limit], max(len(items) - limit, 0)


# -- the tools, as plain functions ---------------------------------------------------------


def lint_report(path: str = "", text: str = "", filename: str = "",
         config_path: str | None = None) -> dict:
    """Findings for a plan file or folder (default: the configured plan folders), or for a
    buffer's `text` linted as if saved at `filename`. Writes nothing, not even the lint
    cache."""
    from planbook import lint as linting

    if text and path:
        raise ToolProblem("give either path or text, not both")
    if text:
        where = filename or "plans/new-plan.md"
        config = _config(config_path, Path(where).resolve().parent)
        request = linting.Request(stdin=text.encode("utf-8"), stdin_filename=where, jobs=1,
                                  cache=False)
    else:
        if path and not os.path.exists(path):
            raise ToolProblem(f"{path} does not exist (paths are relative to {os.getcwd()})")
        start = Path(path).resolve() if path else None
        config = _config(config_path, start if start is None or start.is_dir()
                         else start.parent)
        request = linting.Request(paths=[path] if path else [], jobs=1, cache=False)
    try:
        result = linting.run(request, config)
    except linting.LintError as exc:
        raise ToolProblem(str(exc)) from None
    findings = sorted(result.findings, key=lambda f: f.sort_key())
    fixed = _fixes(findings, config, text if text else None)
    rows = []
    for f in findings:
        row = {"path": f.path, "line": f.line, "col": f.column, "code": f.code,
               "severity": f.severity, "message": _short(f.message)}
        if (f.path, f.line, f.code) in fixed:
            row["fix"] = f"planbook fix --select {f.code} {f.path}"
        rows.append(row)
    shown, omitted = _capped(rows)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    out = {"files": result.files, "counts": counts, "findings": shown, "omitted": omitted}
    if result.notices:  # e.g. the history rules skipped outside git
        out["notices"] = [_short(n) for n in result.notices[:5]]
    return out


def _fixes(findings: list, config: Config, text: str | None) -> set[tuple[str, int, str]]:
    """(path, line, code) of each finding `planbook fix` would fix: its fixer edits that
    line. Worked out by running the fixers without writing, so a hint is never a guess."""
    from planbook import fix
    from planbook.lint import Linter

    wanted = set(fix.FIXERS) - fix.OPT_IN
    paths = sorted({f.path for f in findings if f.code in wanted})
    if not paths:
        return set()
    if text is not None:  # a buffer: no history, as lint had none for it
        linter = Linter(config)
        outcomes = [fix.fix_text(text, paths[0], linter, fix.codes_for(linter, []))]
    else:
        outcomes = [r.outcome for r in fix.run(paths, config, apply=False) if r.outcome]
    return {(o.path, edit.line, edit.code) for o in outcomes for edit in o.edits}


def rule_doc(code: str) -> dict:
    """A rule's documentation: why it exists, with a bad and a good example."""
    from planbook.rules import find

    rule = find(code)
    if rule is None:
        raise ToolProblem(f"no rule {code!r}; codes look like FM007, TB003, RF001")
    return {"code": rule.code, "name": rule.name, "severity": rule.severity,
            "doc": _short(rule.doc, 4000)}


def _plans(path: str, config_path: str | None) -> tuple[list[str], object]:
    from planbook import lint as linting

    if path and not os.path.exists(path):
        raise ToolProblem(f"{path} does not exist (paths are relative to {os.getcwd()})")
    start = Path(path).resolve() if path else None
    config = _config(config_path, start if start is None or start.is_dir() else start.parent)
    try:
        files = linting.discover([path] if path else [], config)
        linter = linting.Linter(config)
    except ValueError as exc:
        raise ToolProblem(str(exc)) from None
    if not files:
        raise ToolProblem("no plans found: pass a path, or set paths in [tool.planbook]")
    return files, linter


def _progress(done: int, total: int) -> str:
    return f"{done}/{total}" if total else ""


def plan_list(path: str = "", config_path: str | None = None) -> dict:
    """Each plan with its status, progress and next step."""
    from planbook import status

    files, linter = _plans(path, config_path)
    report = status.build(files, linter)
    rows = [{"path": p.path, "title": _short(p.title, 120), "type": p.doc_type,
             "status": p.status, "tasks": _progress(p.tasks_done, p.tasks)
             if p.tasks_tracked else "", "checklist": _progress(p.checked, p.items),
             "high_risks": len(p.high_risks),
             "next": _short(p.next_step, 160) or ("finished" if p.finished else "")}
            for p in report.plans]
    shown, omitted = _capped(rows)
    return {"plans": shown, "omitted": omitted, "unreadable": report.unreadable[:LIMIT]}


def plan_next_step(plan: str, config_path: str | None = None) -> dict:
    """One plan's next step: the first open task whose dependencies are done, with its row;
    before approval, the status move toward it."""
    from planbook.parse import read_plan
    from planbook.status import plan_status

    if not plan or not os.path.isfile(plan):
        raise ToolProblem(f"{plan or '(empty)'} is not a plan file (paths are relative to "
                          f"{os.getcwd()}); list_plans names them")
    files, linter = _plans(plan, config_path)
    parsed = read_plan(files[0])
    broken = [m for code, _l, _c, m in parsed.parse_findings if code.startswith("IO")]
    if broken:
        raise ToolProblem(f"{plan}: {broken[0]}")
    facts = linter.facts(parsed)
    found = plan_status(parsed, facts.doctype, facts)
    out = {"path": found.path, "status": found.status, "next": found.next_step,
           "kind": found.next_kind or ("finished" if found.finished else "none"),
           "blocked": found.blocked[:LIMIT]}
    if found.next_task:
        out["task"] = _task_row(facts, found.next_task)
    return out


def _task_row(facts, task_id: str) -> dict:
    """The task's row as column → cell, with its line."""
    from planbook.facts import cell

    report = facts.doctype.report if facts.doctype else None
    for table, _spec in facts.tables_of(report.tasks if report else "tasks"):
        ids = table.column_index("ID")
        for row in table.rows:
            if ids is not None and cell(row, ids) == task_id:
                values = {name: _short(cell(row, i), 200) for i, name in enumerate(table.header)}
                return {"line": row.line, **values}
    return {}


def create_plan(title: str, component: str = "", prd: str = "", scope: str = "", by: str = "",
             issue: str = "", doc_type: str = "", config_path: str | None = None) -> dict:
    """Write a new plan from its doc type's template into the first plan folder; never
    overwrites. Says which findings are left to fill in."""
    from planbook import new as scaffold
    from planbook.lint import Linter, today

    config = _config(config_path)
    try:
        known = config.load_doctypes()
    except ValueError as exc:
        raise ToolProblem(str(exc)) from None
    wanted = (doc_type or config.default_type).strip().lower()
    doctype = next((d for n, d in known.items() if n.lower() == wanted), None)
    if doctype is None:
        raise ToolProblem(f"unknown doc type {doc_type!r}; known: "
                          f"{', '.join(sorted(known, key=str.lower))}")
    given = {"title": title, "component": component, "prd": prd, "scope": scope, "by": by,
             "issue": issue}
    try:
        template, pattern, needed = scaffold.start(doctype, config)
        missing = [name for name in needed if not (given[name] or "").strip()]
        if missing:
            raise ToolProblem(f"the {template.source} needs " + ", ".join(missing))
        name, text = scaffold.fill(doctype, template, pattern, given, today().isoformat())
        path = config.root / (config.paths or ("plans",))[0] / name
        scaffold.write_new(path, text)
    except scaffold.NewError as exc:  # PlanExists included: nothing is overwritten
        raise ToolProblem(str(exc)) from None
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    findings, _failed = Linter(config).lint_path(str(path))
    left = sorted({f.code for f in findings})
    return {"path": shown, "doc_type": doctype.name, "status": doctype.lifecycle.initial,
            "findings": len(findings), "codes": left[:LIMIT]}


# -- the server ----------------------------------------------------------------------------

DESCRIPTIONS = {
    "lint": "Lint implementation plans. Give a file or folder path (default: configured plan "
            "folders), or text plus the filename it will have. JSON findings; fix names the "
            "planbook fix command when one applies.",
    "explain_rule": "Explain a planbook rule code (e.g. FM007): why, with bad and good "
                    "examples.",
    "list_plans": "List plans (optionally under a path) with status, task and checklist "
                  "progress, and next step.",
    "next_step": "The next step for one plan file: the first open task whose dependencies "
                 "are done, with its row.",
    "new_plan": "Create a plan from its doc type's template (title, component, prd, scope, "
                "by; issue, doc_type optional). Never overwrites.",
}


def build_server(config_path: str | None = None):
    """The MCP server with the five tools registered."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp_types import ToolAnnotations

    from planbook import __version__

    server = MCPServer("planbook", version=__version__,
                       instructions="Lint and track implementation plans kept in git.")
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    def answer(work, **kwargs) -> str:
        try:
            return json.dumps(work(**kwargs), ensure_ascii=False, separators=(",", ":"))
        except ToolProblem as exc:
            raise ToolError(str(exc)) from None

    @server.tool(name="lint", description=DESCRIPTIONS["lint"], annotations=read_only,
                 structured_output=False)
    def lint(path: str = "", text: str = "", filename: str = "") -> str:
        return answer(lint_report, path=path, text=text, filename=filename, config_path=config_path)

    @server.tool(name="explain_rule", description=DESCRIPTIONS["explain_rule"],
                 annotations=read_only, structured_output=False)
    def explain_rule(code: str) -> str:
        return answer(rule_doc, code=code)

    @server.tool(name="list_plans", description=DESCRIPTIONS["list_plans"], annotations=read_only,
                 structured_output=False)
    def list_plans(path: str = "") -> str:
        return answer(plan_list, path=path, config_path=config_path)

    @server.tool(name="next_step", description=DESCRIPTIONS["next_step"], annotations=read_only,
                 structured_output=False)
    def next_step(plan: str) -> str:
        return answer(plan_next_step, plan=plan, config_path=config_path)

    @server.tool(name="new_plan", description=DESCRIPTIONS["new_plan"], structured_output=False,
                 annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False,
                                             idempotent_hint=False, open_world_hint=False))
    def new_plan(title: str, component: str = "", prd: str = "", scope: str = "",
                      by: str = "", issue: str = "", doc_type: str = "") -> str:
        return answer(create_plan, title=title, component=component, prd=prd, scope=scope,
                      by=by, issue=issue, doc_type=doc_type, config_path=config_path)
    return server


def serve(config_path: str | None = None) -> None:
    """Run the MCP server on standard input and output until the client closes it."""
    build_server(config_path).run("stdio")
