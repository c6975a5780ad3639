"""Where each plan stands: progress, open high risks, technical debt and the next step.

Everything here reads the plan's facts (`planbook.facts`: its tasks, risks and lifecycle), the
same the approval rules read, so `status` and `lint` agree on what "done" means.

The next step of a plan not yet approved is the status move toward approval. Once approved, it
is the first task, in table order, that is not done and whose dependencies all are; a plan that
does not track tasks uses its first unchecked checklist item; with nothing left, the move to
done.
"""

from __future__ import annotations

import re
from dataclasses import asdict, field

from planbook.doctypes import DocType
from planbook.facts import PlanFacts, Risk
from planbook.model import Plan, normalize, title_key
from planbook.records import record

LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*\S)\s*$")
EMPTY = {"", "none", "n/a", "-", "—", "nothing", "none yet"}


@record(many=True)
class PlanStatus:
    """One plan's progress, as `planbook status` reports it."""

    path: str
    title: str
    doc_type: str
    status: str
    checked: int = 0
    items: int = 0
    tasks_done: int = 0
    tasks: int = 0
    tasks_tracked: bool = False  # whether the plan records which tasks are done
    high_risks: list[Risk] = field(default_factory=list)
    debt: list[str] = field(default_factory=list)
    next_step: str = ""  # "T-3 Scheduler loop", an unchecked item, a status move, or ""
    next_kind: str = ""  # "task", "item", "status", or "" when nothing is left
    next_task: str = ""  # the task's ID when the next step is a task
    blocked: list[str] = field(default_factory=list)  # open tasks waiting on open dependencies
    finished: bool = False
    # tasks that commits cite (see planbook.trace): {"task", "commits", "sha", "date"}, the
    # newest commit's sha and date
    evidence: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["high_risks"] = [r.text for r in self.high_risks]
        return out


def debt(plan: Plan, doctype: DocType | None) -> list[str]:
    """List items (checklist items included) of the sections the doc type names for debt;
    a section written as prose counts as one item per paragraph line."""
    if doctype is None:
        return []
    wanted = [title_key(t) for t in doctype.report.debt]
    placeholders = doctype.placeholder_res
    out: list[str] = []
    for section in plan.sections:
        if not any(section.titled(key) for key in wanted):
            continue
        end = min((c.line - 1 for c in section.children), default=section.end_line)
        for number in range(section.line + 1, end + 1):
            text = plan.lines[number - 1].strip()
            match = LIST_ITEM.match(text)
            item = match.group(1) if match else text
            if item.startswith(("#", "|", "```", "<!--")) or item.strip(".").lower() in EMPTY:
                continue
            if any(p.search(item) for p in placeholders):
                continue
            out.append(item)
    return out


def plan_status(plan: Plan, doctype: DocType | None, facts: PlanFacts | None = None,
                trace=None) -> PlanStatus:
    """Where one plan stands; `facts` when the caller has them already, `trace` (a
    trace.PlanTrace) for the commits that cite its tasks."""
    facts = facts or PlanFacts(plan, doctype)
    found = facts.tasks
    checked, total = plan.progress
    life = doctype.lifecycle if doctype else None
    result = PlanStatus(
        path=plan.path, title=facts.title or plan.path, doc_type=doctype.name if doctype else "",
        status=plan.status, checked=checked, items=total,
        tasks_done=sum(1 for t in found if t.done), tasks=len(found),
        tasks_tracked=facts.tasks_tracked, high_risks=facts.risks,
        debt=debt(plan, doctype), finished=bool(life and life.is_finished(plan.status)),
    )
    cited = [t for t in trace.tasks if t.commits] if trace is not None else []
    result.evidence = [{"task": t.id, "commits": len(t.commits), "sha": t.commits[0].sha,
                        "date": t.commits[0].date} for t in cited]
    if result.finished:
        return result
    if life and plan.status in life.known() and not life.is_approved(plan.status):
        hop = life.toward(plan.status, life.approved)
        if hop:  # approval comes before any work
            needs = life.required_for(hop)
            record = f", recording {' and '.join(needs)}" if needs else ""
            result.next_step = f"move the plan to {hop}{record}"
            result.next_kind = "status"
            return result
    if facts.tasks_tracked:
        # a task that commits cite but that is not done is in progress: the next step is
        # the next task nobody has started, when there is one
        started = {t.id for t in cited if not t.done}
        step = facts.next_task(skip=started) or facts.next_task()
        done = {t.id for t in found if t.done}
        result.blocked = [t.id for t in found if not t.done and t is not step
                          and any(d not in done for d in t.depends)]
        if step:
            result.next_step, result.next_kind = f"{step.id} {step.title}".strip(), "task"
            result.next_task = step.id
            return result
    else:
        first = next((i for i in plan.checklist if not i.checked), None)
        if first:
            result.next_step, result.next_kind = first.text, "item"
            return result
    if life and life.done and not life.is_done(plan.status):
        hop = life.toward(plan.status, life.done)
        if hop:
            result.next_step, result.next_kind = f"move the plan to {hop}", "status"
    return result


# -- what changed since a ref --------------------------------------------------------------


@record(many=True)
class Completed:
    """What one plan finished since the ref: its status then and now, and the items and
    tasks done."""

    path: str
    title: str
    status_before: str  # "" when the plan is new since the ref
    status_now: str
    items: list[str] = field(default_factory=list)  # checklist items ticked since the ref
    tasks: list[str] = field(default_factory=list)  # tasks done since the ref


def completed_since(plan: Plan, before: Plan | None, doctype: DocType | None) -> Completed | None:
    """What this plan finished between `before` (None: it did not exist) and now; None when
    nothing was completed."""
    was_checked = {normalize(i.text) for i in (before.checklist if before else []) if i.checked}
    items = [i.text for i in plan.checklist if i.checked and normalize(i.text) not in was_checked]
    done_before = {t.id for t in PlanFacts(before, doctype).tasks if t.done} if before else set()
    new_tasks = [f"{t.id} {t.title}".strip() for t in PlanFacts(plan, doctype).tasks
                 if t.done and t.id not in done_before]
    status_before = before.status if before else ""
    if not items and not new_tasks and status_before == plan.status:
        return None
    title = PlanFacts(plan, doctype).title or plan.path
    return Completed(plan.path, title, status_before, plan.status, items, new_tasks)


# -- the report ----------------------------------------------------------------------------


class StatusError(ValueError):
    """A report that cannot be made as asked, such as an unknown `--since` ref."""


@record
class Report:
    """`planbook status`'s answer: every plan's status and, with `--since`, what was
    finished."""

    plans: list[PlanStatus] = field(default_factory=list)
    since: str = ""
    completed: list[Completed] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "path: why"

    def to_dict(self) -> dict:
        return {
            "plans": [p.to_dict() for p in self.plans],
            "since": self.since or None,
            "completed": [asdict(c) for c in self.completed] if self.since else None,
            "unreadable": self.unreadable,
        }


def versions_at(ref: str, paths: list[str]) -> dict[str, bytes]:
    """Each path's contents where `ref` and HEAD meet (the ref itself when they do not), as
    `planbook.git` reads them from a fixed number of git processes."""
    from planbook import git

    try:
        return git.files_at(ref, paths)
    except git.GitError as exc:
        raise StatusError(f"--since {exc}") from None


def build(paths: list[str], linter, since: str | None = None) -> Report:
    """The report for these plan files; `linter` decides each plan's doc type."""
    from planbook import trace
    from planbook.parse import parse_bytes

    report = Report(since=since or "")
    before = versions_at(since, paths) if since else {}
    try:
        index = trace.gather(paths, linter.config, tests=False)
    except (trace.TraceError, trace.GitError) as exc:
        raise StatusError(str(exc)) from None
    for path, facts in linter.read_facts(paths, report.unreadable):
        plan, doctype = facts.plan, facts.doctype
        found = trace.plan_trace(facts, index) if doctype is not None else None
        report.plans.append(plan_status(plan, doctype, facts, found))
        if since:
            old = parse_bytes(before[path], path) if path in before else None
            done = completed_since(plan, old, doctype)
            if done:
                report.completed.append(done)
    return report


def _progress(done: int, total: int) -> str:
    return f"{done}/{total}" if total else "-"


def _rows(report: Report) -> list[list[str]]:
    return [[p.path, p.doc_type or "?", p.status or "-", _progress(p.checked, p.items),
             _progress(p.tasks_done, p.tasks) if p.tasks_tracked else "-",
             str(len(p.high_risks)), p.next_step or ("finished" if p.finished else "-")]
            for p in report.plans]


HEADER = ["Plan", "Type", "Status", "Checklist", "Tasks", "High risks", "Next step"]


def render_table(report: Report) -> str:
    rows = [HEADER, *_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
           for row in rows]
    out += _details(report, bullet="  - ", heading=lambda text: f"\n{text}")
    return "\n".join(out) + "\n"


def render_markdown(report: Report) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["## Plan status", "", "| " + " | ".join(HEADER) + " |",
           "| " + " | ".join("---" for _ in HEADER) + " |"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in _rows(report)]
    out += _details(report, bullet="- ", heading=lambda text: f"\n### {text.rstrip(':')}\n")
    return "\n".join(out) + "\n"


def _details(report: Report, bullet: str, heading) -> list[str]:
    out: list[str] = []
    if report.since:
        out.append(heading(f"Completed since {report.since}:"))
        if not report.completed:
            out.append(f"{bullet}nothing")
        for done in report.completed:
            moved = (f"{done.status_before or 'new'} → {done.status_now or '-'}"
                     if done.status_before != done.status_now else done.status_now or "-")
            out.append(f"{bullet}{done.path} ({moved})")
            out += [f"{bullet}  {text}" if bullet.startswith(" ") else f"  - {text}"
                    for text in [*done.tasks, *done.items]]
    risks = [(p.path, r) for p in report.plans if not p.finished for r in p.high_risks]
    if risks:
        out.append(heading("Open high risks:"))
        out += [f"{bullet}{path}:{risk.line}: {risk.text} ({risk.level})" for path, risk in risks]
    debt = [(p.path, item) for p in report.plans for item in p.debt]
    if debt:
        out.append(heading("Technical debt:"))
        out += [f"{bullet}{path}: {item}" for path, item in debt]
    cited = [p for p in report.plans if p.evidence]
    if cited:
        out.append(heading("Evidence (commits citing each task):"))
        out += [f"{bullet}{p.path}: " + ", ".join(
            f"{e['task']} ({e['commits']} commit{'s' if e['commits'] != 1 else ''}, last "
            f"{e['sha'][:7]} {e['date'][:10]})" for e in p.evidence) for p in cited]
    steps = [p for p in report.plans if p.next_step]
    if steps:
        out.append(heading("Next steps:"))
        out += [f"{bullet}{p.path}: {p.next_step}" for p in steps]
    if report.unreadable:
        out.append(heading("Not read:"))
        out += [f"{bullet}{text}" for text in report.unreadable]
    return out


def render_json(report: Report) -> str:
    import json

    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
