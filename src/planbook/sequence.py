"""The Implementation Sequence: a plan's mermaid gantt, read as data and checked against its
tasks table.

The lint rule (SQ001) and the site's drawing both read the gantt here, so what the site shows
as a mismatch is exactly what CI reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planbook.ids import ID_LIKE
from planbook.model import Plan, title_key

if TYPE_CHECKING:
    from planbook.facts import Task


@dataclass(slots=True)
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


@dataclass(slots=True)
class Gantt:
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
    """Tie each bar to the task it schedules: by its id (t1 ~ T-1), a task ID in its name, or
    a name equal to the task's."""
    by_key = {_key(t.id): t.id for t in tasks}
    by_name = {_key(t.title): t.id for t in tasks if t.title}
    ids = {t.id for t in tasks}
    for bar in gantt.bars:
        found = by_key.get(_key(bar.id)) if bar.id else None
        if not found:
            named = ID_LIKE.search(bar.name)
            if named and named.group(0) in ids:
                found = named.group(0)
        bar.task = found or by_name.get(_key(bar.name), "")


def check_sequence(gantt: Gantt, tasks: list[Task]) -> list[tuple[str, int, str, str]]:
    """Where the gantt and the tasks table disagree, as (task or bar, line, message, rule code):
    SQ001 for what breaks the plan (a task never scheduled, a bar for no task, a dependency the
    sequence does not wait for), SQ002 for an `after` the Dependencies do not lead to (a wait
    the table does not explain). Tasks
    and bars are compared through other tasks: `after t3` covers T-1 when T-3 itself comes after
    T-1."""
    match_tasks(gantt, tasks)
    problems: list[tuple[str, int, str, str]] = []
    by_bar_id = {bar.id: bar for bar in gantt.bars if bar.id}
    scheduled: dict[str, Bar] = {}
    for bar in gantt.bars:
        if not bar.task:
            problems.append((bar.name, bar.line, f"“{bar.name}” matches no task in the tasks "
                                                 "table", "SQ001"))
            continue
        if bar.task in scheduled:
            problems.append((bar.task, bar.line, f"{bar.task} is scheduled twice", "SQ001"))
            continue
        scheduled[bar.task] = bar
    ids = {t.id for t in tasks}
    deps_of = {t.id: [d for d in t.depends if d in ids] for t in tasks}
    after_of: dict[str, list[str]] = {}
    for task in tasks:
        bar = scheduled.get(task.id)
        if bar is None:
            problems.append((task.id, task.line,
                             f"{task.id} is in the tasks table but not in the sequence", "SQ001"))
            continue
        after_of[task.id] = []
        for ref in bar.after:
            target = by_bar_id.get(ref)
            if target is None:
                problems.append((task.id, bar.line, f"{task.id} starts after “{ref}”, which no "
                                                    "bar of the sequence has as its id", "SQ001"))
            elif target.task:
                after_of[task.id].append(target.task)
    waits, needs = _closures(after_of), _closures(deps_of)
    for task in tasks:
        if task.id not in after_of:
            continue
        line = scheduled[task.id].line
        before = waits[task.id]
        missing = [d for d in deps_of[task.id] if d not in before]
        if missing:
            problems.append((task.id, line, f"{task.id} can start before {_names(missing)} "
                                            "ends: the sequence does not put it after "
                                            f"{'them' if len(missing) > 1 else 'it'}, but its "
                                            "Dependencies list it"
                                            f"{'em' if len(missing) > 1 else ''}", "SQ001"))
        needed = needs[task.id]
        extra = [a for a in after_of[task.id] if a not in needed]
        if extra:
            problems.append((task.id, line, f"{task.id} starts after {_names(extra)} in the "
                                            "sequence, but its Dependencies do not lead to "
                                            f"{'them' if len(extra) > 1 else 'it'}", "SQ002"))
    return problems


def _closures(graph: dict[str, list[str]]) -> dict[str, set[str]]:
    """For every node, everything it comes after, directly or through others. Without a cycle
    each node's set is built from its predecessors' in one pass (predecessors first); a graph
    with a cycle (RF002 reports it) is walked node by node."""
    pending = {node: len([p for p in preds if p in graph]) for node, preds in graph.items()}
    followers: dict[str, list[str]] = {}
    for node, preds in graph.items():
        for pred in preds:
            if pred in graph:
                followers.setdefault(pred, []).append(node)
    ready = [node for node, count in pending.items() if count == 0]
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for follower in followers.get(node, ()):
            pending[follower] -= 1
            if pending[follower] == 0:
                ready.append(follower)
    if len(order) < len(graph):
        return {node: _closure(graph, node) for node in graph}
    out: dict[str, set[str]] = {}
    for node in order:
        found: set[str] = set()
        for pred in graph[node]:
            found.add(pred)
            found |= out.get(pred, set())
        out[node] = found
    return out


def _closure(graph: dict[str, list[str]], start: str) -> set[str]:
    """Everything `start` comes after, directly or through others."""
    seen: set[str] = set()
    stack = list(graph.get(start, []))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, []))
    return seen


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
