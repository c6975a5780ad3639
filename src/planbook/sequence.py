"""The Implementation Sequence: a plan's mermaid gantt, read as data and checked against its
tasks table.

The lint rule (SQ001) and the site's drawing both read the gantt here, so what the site shows
as a mismatch is exactly what CI reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import TYPE_CHECKING

from planbook.ids import ids_in
from planbook.model import Plan, title_key
from planbook.records import record

if TYPE_CHECKING:
    from planbook.facts import Task


@record(slots=True, many=True)
class Bar:
    """One task line of a mermaid gantt."""

    name: str
    line: int
    id: str = ""
    section: str = ""
    start: dt.date | None = None
    after: list[str] = field(default_factory=list)
    days: float | None = None
    end: dt.date | None = None
    tags: tuple[str, ...] = ()
    task: str = ""  # the tasks-table ID this bar stands for, once matched
    covers: list[str] = field(default_factory=list)  # the tasks a group bar names together


@record(slots=True, many=True)
class Gantt:
    """A Mermaid gantt chart: its bars, in order."""

    line: int
    title: str = ""
    bars: list[Bar] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines that could not be read


# -- the gantt ------------------------------------------------------------------------------

TAGS = ("done", "active", "crit", "milestone")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$", re.IGNORECASE)
UNIT_DAYS = {"ms": 1 / 86_400_000, "s": 1 / 86_400, "m": 1 / 1440, "h": 1 / 24, "d": 1, "w": 7}
KEYWORDS = ("dateformat", "axisformat", "tickinterval", "excludes", "includes", "todaymarker",
            "weekday", "inclusiveenddates", "topaxis", "displaymode", "accdescr", "acctitle")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def parse_gantt(source: str, first_line: int) -> Gantt | None:
    """Read a mermaid gantt; None when the code block is some other diagram.

    `first_line` is the plan line of the block's first content line, so notes can cite lines.
    """
    lines = source.split("\n")
    start = next((i for i, text in enumerate(lines) if text.strip()), None)
    if start is None or lines[start].strip().lower() != "gantt":
        return None
    gantt = Gantt(line=first_line + start)
    section = ""
    for offset, raw in enumerate(lines[start + 1:], start + 1):
        line_no = first_line + offset
        text = raw.strip()
        if not text or text.startswith("%%"):
            continue
        word = text.split(None, 1)[0].lower()
        if word == "title":
            gantt.title = text[5:].strip()
            continue
        if word == "section":
            section = text[7:].strip()
            continue
        if word in KEYWORDS or ":" not in text:
            if word not in KEYWORDS:
                gantt.notes.append(f"line {line_no}: not a task line: {text}")
            continue
        name, _, meta = text.partition(":")
        items = [item.strip() for item in meta.split(",")]
        tags = []
        while items and items[0].lower() in TAGS:
            tags.append(items.pop(0).lower())
        bar = Bar(name=name.strip(), line=line_no, section=section, tags=tuple(tags))
        if len(items) >= 3:
            bar.id, when, length = items[0], items[1], ",".join(items[2:])
        elif len(items) == 2:
            when, length = items
        else:
            when, length = "", items[0] if items else ""
        if when.lower().startswith("after "):
            bar.after = when[6:].split()
        elif when:
            bar.start = _date(when)
            if bar.start is None:
                gantt.notes.append(f"line {line_no}: start {when!r} is not a YYYY-MM-DD date")
        duration = DURATION.match(length.replace(" ", ""))
        if duration:
            bar.days = float(duration.group(1)) * UNIT_DAYS[duration.group(2).lower()]
        elif length.lower().startswith("until "):
            pass  # an end at another task's start; drawn as one day
        else:
            bar.end = _date(length)
            if bar.end is None and length:
                gantt.notes.append(f"line {line_no}: length {length!r} is not understood")
        gantt.bars.append(bar)
    return gantt


def _key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def match_tasks(gantt: Gantt, tasks: list[Task]) -> None:
    """Tie each bar to what it schedules: one task by its id (t1 ~ T-1), by the one task ID its
    name cites, or by a name equal to the task's; or several tasks its name cites ("Task Queue
    (T-Q1, T-Q2)", "tests for T-7 to T-11"), which the bar then covers together. A bar that
    names one task which has a bar of its own ("Review T-3") is a step about it."""
    by_key = {_key(t.id): t.id for t in tasks}
    by_name = {_key(t.title): t.id for t in tasks if t.title}
    ids = {t.id for t in tasks}
    own = {by_key[_key(b.id)] for b in gantt.bars if b.id and _key(b.id) in by_key}
    for bar in gantt.bars:
        cited = [i for i in ids_in(bar.name) if i in ids]
        found = by_key.get(_key(bar.id)) if bar.id else None
        if not found and len(cited) == 1 and cited[0] not in own:
            found = cited[0]  # a bar named after a task that has no bar of its own
        bar.task = found or ("" if cited else by_name.get(_key(bar.name), ""))
        bar.covers = [i for i in cited if i != bar.task] if len(cited) > 1 else []


def _cites_ids(gantt: Gantt, tasks: list[Task]) -> bool:
    """Whether the sequence is written in task IDs: a bar's id is a task's (t1 for T-1), or a
    bar's name holds an ID of the tasks' kind."""
    keys = {_key(t.id) for t in tasks}
    prefixes = {t.id.split("-", 1)[0] for t in tasks}
    return any((bar.id and _key(bar.id) in keys)
               or any(i.split("-", 1)[0] in prefixes for i in ids_in(bar.name))
               for bar in gantt.bars)


def _unknown_ids(bar: Bar, prefixes: set[str], ids: set[str]) -> list[str]:
    """IDs of the tasks' own kind (`prefixes`) that a bar names but the tasks table (`ids`)
    does not define: its id when written like one (t12 for T-12), and IDs in its name."""
    named = [i for i in ids_in(bar.name) if i.split("-", 1)[0] in prefixes and i not in ids]
    as_id = re.fullmatch(r"([a-z]+)(\d+)", bar.id.lower()) if bar.id else None
    if as_id and not bar.task and not bar.covers and as_id.group(1).upper() in prefixes:
        named.append(f"{as_id.group(1).upper()}-{as_id.group(2)}")
    return named


def check_sequence(gantt: Gantt, tasks: list[Task], mode: str = "tasks"
                   ) -> list[tuple[str, int, str, str]]:
    """Where the gantt and the tasks table disagree, as (task or bar, line, message, rule code):
    SQ001 for what breaks the plan (a task never scheduled, a bar for a task that does not
    exist, a dependency the sequence does not wait for), SQ002 for an `after` the Dependencies
    do not lead to (a wait the table does not explain).

    `mode` is the doc type's `options.sequence`. In "tasks" (the default) a bar that cites task
    IDs covers those tasks, a bar that names no task is a step of the process (write the
    document, open the pull request) and is left alone, and a sequence that uses no task IDs at
    all is not held to the table bar by bar. "strict" wants every bar to be one task; "off"
    checks nothing. Waits are followed through other bars: `after b3` covers T-1 when b3
    itself comes after T-1's bar."""
    if mode == "off":
        return []
    match_tasks(gantt, tasks)
    strict = mode == "strict"
    if not strict and not _cites_ids(gantt, tasks):
        return []
    problems: list[tuple[str, int, str, str]] = []
    by_bar_id = {bar.id: bar for bar in gantt.bars if bar.id}
    scheduled: dict[str, Bar] = {}  # task → the bar that schedules it alone
    grouped: dict[str, Bar] = {}  # task → a bar that covers it with others
    prefixes, ids = {t.id.split("-", 1)[0] for t in tasks}, {t.id for t in tasks}
    for bar in gantt.bars:
        unknown = _unknown_ids(bar, prefixes, ids)
        if unknown:
            problems.append((bar.name, bar.line, f"“{bar.name}” names {_names(unknown)}, which "
                                                 "the tasks table does not define", "SQ001"))
            continue
        for task_id in bar.covers:
            grouped.setdefault(task_id, bar)
        if not bar.task and not bar.covers:
            for ref in bar.after:
                if ref not in by_bar_id:
                    problems.append((bar.name, bar.line, f"“{bar.name}” starts after “{ref}”, "
                                                         "which no bar of the sequence has as "
                                                         "its id", "SQ001"))
        if not bar.task:
            if strict and not bar.covers:
                problems.append((bar.name, bar.line, f"“{bar.name}” matches no task in the "
                                                     "tasks table", "SQ001"))
            continue
        if bar.task in scheduled:
            problems.append((bar.task, bar.line, f"{bar.task} is scheduled twice", "SQ001"))
            continue
        scheduled[bar.task] = bar
    bar_of = {**grouped, **scheduled}
    known = {t.id for t in tasks}
    deps_of = {t.id: [d for d in t.depends if d in known] for t in tasks}

    def tasks_of(bar: Bar) -> list[str]:
        return ([bar.task] if bar.task else []) + bar.covers

    def waits(bar: Bar, seen: set[int]) -> list[str]:
        """The tasks a bar waits for directly: its `after` bars' tasks, looking through bars
        that schedule no task."""
        out: list[str] = []
        for ref in bar.after:
            target = by_bar_id.get(ref)
            if target is None or id(target) in seen:
                continue
            seen.add(id(target))
            out.extend(tasks_of(target) or waits(target, seen))
        return out

    after_of: dict[str, list[str]] = {}
    for task in tasks:
        bar = bar_of.get(task.id)
        if bar is None:
            problems.append((task.id, task.line,
                             f"{task.id} is in the tasks table but not in the sequence", "SQ001"))
            continue
        if tasks_of(bar)[0] == task.id:  # what a bar says is reported once, for its first task
            for ref in bar.after:
                if ref not in by_bar_id:
                    problems.append((task.id, bar.line, f"{task.id} starts after “{ref}”, which "
                                                        "no bar of the sequence has as its id",
                                     "SQ001"))
        after_of[task.id] = waits(bar, set())
    reach_after, reach_deps = _closures(after_of), _closures(deps_of)
    for task in tasks:
        if task.id not in after_of:
            continue
        bar = bar_of[task.id]
        together = set(tasks_of(bar))  # a bar covering several tasks orders them itself
        before = reach_after[task.id]
        missing = [d for d in deps_of[task.id] if d not in before and d not in together]
        if missing:
            many = len(missing) > 1
            problems.append((task.id, bar.line, f"{task.id} can start before {_names(missing)} "
                                                "ends: the sequence does not put it after "
                                                f"{'them' if many else 'it'}, but its "
                                                f"Dependencies list {'them' if many else 'it'}",
                             "SQ001"))
        if tasks_of(bar)[0] != task.id:
            continue  # a group's waits are reported once, for its first task
        needed = set().union(*(reach_deps.get(t, set()) for t in together)) | together
        extra = [a for a in after_of[task.id] if a not in needed]
        if extra:
            many = len(extra) > 1
            problems.append((task.id, bar.line, f"{task.id} starts after {_names(extra)} in the "
                                                "sequence, but its Dependencies do not lead to "
                                                f"{'them' if many else 'it'}", "SQ002"))
    return problems


def _closures(graph: dict[str, list[str]]) -> dict[str, set[str]]:
    """For every node, everything it comes after, directly or through others, in time linear
    in the graph plus the answer: nodes that reach each other (a cycle, which RF002 reports)
    form one component (Tarjan's, walked with an explicit stack), components are done in the
    order Tarjan finds them, predecessors' first, and every node of one shares its set."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    reach: list[set[str]] = []
    stack: list[str] = []
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, iter(graph[root]))]
        while work:
            node, preds = work[-1]
            for pred in preds:
                if pred not in graph:
                    continue
                if pred not in index:
                    index[pred] = low[pred] = len(index)
                    stack.append(pred)
                    work.append((pred, iter(graph[pred])))
                    break
                if pred not in component:  # still on the stack: in the node's component
                    low[node] = min(low[node], index[pred])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        component[member] = len(reach)
                        members.append(member)
                        if member == node:
                            break
                    found: set[str] = set()
                    for member in members:
                        for pred in graph[member]:
                            found.add(pred)
                            done = component.get(pred)
                            if done is not None and done != len(reach):
                                found |= reach[done]
                    reach.append(found)
    return {node: reach[component[node]] for node in graph}


def _names(ids: list[str]) -> str:
    return ", ".join(sorted(dict.fromkeys(ids), key=_natural))


def _natural(value: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", value)]


SEQUENCE_SECTION = title_key("Implementation Sequence")


def find_gantt(plan: Plan) -> Gantt | None:
    """The plan's gantt: the one in its Implementation Sequence section, else the first."""
    found = None
    for block in plan.code_blocks:
        if block.info.split()[:1] != ["mermaid"]:
            continue
        gantt = parse_gantt(block.text, block.line + 1)
        if gantt is None:
            continue
        if block.section and any(s.titled(SEQUENCE_SECTION) for s in block.section.path()):
            return gantt
        found = found or gantt
    return found
