"""Diagrams drawn from a plan's data at build time, as inline SVG.

Drawing here rather than shipping a diagram library keeps pages readable without JavaScript
and without the network, and lets the Implementation Sequence be checked against the tasks
table instead of only drawn. The layouts are deliberately simple: tasks and plans are placed
in layers by the longest chain of dependencies before them; the gantt is one bar per row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from planbook.site.markup import escape

ID_LIKE = re.compile(r"\b[A-Z]{1,4}(?:-[A-Z][A-Z0-9]*)?-\d+\b")
NODE_W, NODE_H, GAP_X, GAP_Y = 176, 40, 56, 14
CHAR_W = 6.6  # average width of a 12px sans-serif character, for truncating labels


@dataclass(slots=True)
class Task:
    """A row of the tasks table."""

    id: str
    name: str
    deps: list[str]
    line: int
    done: bool | None = None  # None: nothing in the plan says


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
    """Tie each bar to the task it schedules: by its id (t1 ~ T-1) or a task ID in its name."""
    by_key = {_key(t.id): t.id for t in tasks}
    ids = {t.id for t in tasks}
    for bar in gantt.bars:
        found = by_key.get(_key(bar.id)) if bar.id else None
        if not found:
            named = ID_LIKE.search(bar.name)
            if named and named.group(0) in ids:
                found = named.group(0)
        bar.task = found or ""


def check_sequence(gantt: Gantt, tasks: list[Task]) -> list[tuple[str, str]]:
    """Where the gantt and the tasks table disagree, as (task or bar, message) pairs: tasks
    never scheduled, bars for no task, and `after` lists that differ from Dependencies."""
    match_tasks(gantt, tasks)
    problems: list[tuple[str, str]] = []
    by_bar_id = {bar.id: bar for bar in gantt.bars if bar.id}
    scheduled: dict[str, Bar] = {}
    for bar in gantt.bars:
        if not bar.task:
            problems.append((bar.name, f"line {bar.line}: “{bar.name}” matches no task in the "
                                       "tasks table"))
            continue
        if bar.task in scheduled:
            problems.append((bar.task, f"line {bar.line}: {bar.task} is scheduled twice"))
            continue
        scheduled[bar.task] = bar
    deps_of = {t.id: t for t in tasks}
    for task in tasks:
        bar = scheduled.get(task.id)
        if bar is None:
            problems.append((task.id, f"{task.id} is in the tasks table but not in the sequence"))
            continue
        after = set()
        for ref in bar.after:
            target = by_bar_id.get(ref)
            if target is None:
                problems.append((task.id, f"line {bar.line}: {task.id} starts after “{ref}”, "
                                          "which no bar of the sequence has as its id"))
            elif target.task:
                after.add(target.task)
        wanted = {d for d in deps_of[task.id].deps if d in deps_of}
        if after != wanted:
            says = ", ".join(sorted(after, key=_natural)) or "nothing"
            table = ", ".join(sorted(wanted, key=_natural)) or "none"
            problems.append((task.id, f"line {bar.line}: {task.id} starts after {says} in the "
                                      f"sequence, but its Dependencies are {table}"))
    return problems


def _natural(value: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", value)]


def schedule(gantt: Gantt) -> tuple[dt.date | None, list[tuple[float, float]]]:
    """Each bar's (start, end) in days from the first dated start (or from 0 with no dates)."""
    dated = [b.start for b in gantt.bars if b.start] + [b.end for b in gantt.bars if b.end]
    origin = min(dated) if dated else None
    by_id = {b.id: i for i, b in enumerate(gantt.bars) if b.id}
    spans: dict[int, tuple[float, float]] = {}

    def span(index: int, seen: frozenset) -> tuple[float, float]:
        if index in spans:
            return spans[index]
        bar = gantt.bars[index]
        if bar.start and origin:
            begin = float((bar.start - origin).days)
        elif bar.after:
            ends = [span(by_id[r], seen | {index})[1] for r in bar.after
                    if r in by_id and by_id[r] not in seen | {index}]
            begin = max(ends, default=0.0)
        elif index > 0 and index - 1 not in seen:
            begin = span(index - 1, seen | {index})[1]
        else:
            begin = 0.0
        if bar.end and origin:
            finish = max(begin, float((bar.end - origin).days) + 1)
        else:
            finish = begin + (bar.days if bar.days is not None else 1.0)
        spans[index] = (begin, finish)
        return spans[index]

    return origin, [span(i, frozenset()) for i in range(len(gantt.bars))]


def gantt_svg(gantt: Gantt, flagged: set[str] = frozenset(), label: str = "") -> str:
    """The gantt as bars on a day axis; bars whose task disagrees with the table are marked."""
    origin, spans = schedule(gantt)
    if not spans:
        return ""
    total = max(max(end for _, end in spans), 1.0)
    per_day = max(4.0, min(32.0, 720 / total))
    left, row, top = 250, 22, 28
    rows: list[tuple[str, int | None]] = []  # (section title, None) or (label, bar index)
    section = None
    for i, bar in enumerate(gantt.bars):
        if bar.section != section:
            section = bar.section
            if section:
                rows.append((section, None))
        rows.append((bar.name, i))
    width = int(left + total * per_day + 20)
    height = top + row * len(rows) + 10
    out = [_svg_open(width, height, label or f"Gantt chart: {gantt.title}", "pb-gantt")]
    step = next(s for s in (1, 2, 7, 14, 28, 56, 91, 182, 364, 10**6) if s * per_day >= 56)
    day = 0
    while day <= total:
        x = left + day * per_day
        tick = (origin + dt.timedelta(days=day)).strftime("%m-%d") if origin else f"day {day}"
        out.append(f'<line class="pb-grid" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" '
                   f'y2="{height - 8}"/>')
        out.append(f'<text class="pb-tick" x="{x:.1f}" y="{top - 10}">{escape(tick)}</text>')
        day += step
    for n, (name, index) in enumerate(rows):
        y = top + n * row
        if index is None:
            out.append(f'<text class="pb-section" x="4" y="{y + 15}">'
                       f'{escape(_clip(name, left - 8, 7.0))}</text>')
            continue
        bar = gantt.bars[index]
        begin, end = spans[index]
        css = "pb-bar" + (" pb-bad" if (bar.task or bar.name) in flagged else "") + \
            (" pb-done" if "done" in bar.tags else "")
        x, w = left + begin * per_day, max((end - begin) * per_day, 3)
        out.append(f'<text class="pb-label" x="12" y="{y + 15}">'
                   f'{escape(_clip(name, left - 16))}</text>')
        out.append(f'<rect class="{css}" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row - 8}"'
                   f' rx="3"><title>{escape(name)}: day {begin:g} to {end:g}</title></rect>')
    out.append("</svg>")
    return "".join(out)


# -- graphs ----------------------------------------------------------------------------------


def layers(nodes: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Nodes in columns: each one column right of the longest chain that leads to it.

    Cycles cannot make this loop: a node's column stops growing at the number of nodes. Within
    a column, nodes sit near the mean position of what leads to them, to cut crossings.
    """
    known = set(nodes)
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        if a in known and b in known and a != b and a not in preds[b]:
            preds[b].append(a)
    level = dict.fromkeys(nodes, 0)
    cap = max(len(nodes) - 1, 0)
    for _ in range(len(nodes)):
        changed = False
        for n in nodes:
            want = min(max((level[p] + 1 for p in preds[n]), default=0), cap)
            if want > level[n]:
                level[n], changed = want, True
        if not changed:
            break
    columns: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for n in nodes:
        columns[level[n]].append(n)
    position: dict[str, float] = {}
    for column in columns:
        def centre(n: str) -> float:
            placed = [position[p] for p in preds[n] if p in position]
            return sum(placed) / len(placed) if placed else float("inf")

        column.sort(key=centre)
        for i, n in enumerate(column):
            position[n] = i
    return columns


@dataclass(slots=True)
class Node:
    key: str
    title: str  # first line, bold
    subtitle: str = ""
    css: str = ""
    href: str = ""
    tooltip: str = ""


def graph_svg(nodes: list[Node], edges: list[tuple[str, str]], label: str,
              ident: str = "pb-arrow") -> str:
    """Boxes in columns, arrows from each prerequisite to what needs it. `ident` names the
    arrowhead, and must differ between graphs on one page."""
    if not nodes:
        return ""
    by_key = {n.key: n for n in nodes}
    columns = layers([n.key for n in nodes], edges)
    tallest = max(len(c) for c in columns)
    width = len(columns) * (NODE_W + GAP_X) - GAP_X + 16
    height = tallest * (NODE_H + GAP_Y) - GAP_Y + 16
    where: dict[str, tuple[float, float]] = {}
    for c, column in enumerate(columns):
        offset = (tallest - len(column)) * (NODE_H + GAP_Y) / 2
        for r, key in enumerate(column):
            where[key] = (8 + c * (NODE_W + GAP_X), 8 + offset + r * (NODE_H + GAP_Y))
    marker = ident
    out = [_svg_open(width, height, label, "pb-graph"),
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
           'class="pb-arrowhead"/></marker></defs>']
    for a, b in edges:
        if a not in where or b not in where or a == b:
            continue
        (x1, y1), (x2, y2) = where[a], where[b]
        x1, y1, y2 = x1 + NODE_W, y1 + NODE_H / 2, y2 + NODE_H / 2
        if x2 <= x1:  # a back edge of a cycle: go around below
            low = max(y1, y2) + NODE_H
            path = f"M{x1:.0f},{y1:.0f}C{x1 + 40:.0f},{low:.0f} {x2 - 40:.0f},{low:.0f} " \
                   f"{x2:.0f},{y2:.0f}"
        else:
            mid = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f}C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        out.append(f'<path class="pb-edge" d="{path}" marker-end="url(#{marker})"/>')
    for key, (x, y) in where.items():
        node = by_key[key]
        box = (f'<g class="pb-node {escape(node.css)}"><title>{escape(node.tooltip or node.title)}'
               f'</title><rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" '
               f'rx="5"/><text class="pb-node-title" x="{x + 8:.0f}" y="{y + 16:.0f}">'
               f'{escape(_clip(node.title, NODE_W - 16, 7.2))}</text>')
        if node.subtitle:
            box += (f'<text class="pb-node-sub" x="{x + 8:.0f}" y="{y + 31:.0f}">'
                    f'{escape(_clip(node.subtitle, NODE_W - 16))}</text>')
        box += "</g>"
        if node.href:
            box = f'<a href="{escape(node.href)}">{box}</a>'
        out.append(box)
    out.append("</svg>")
    return "".join(out)


def task_graph_svg(tasks: list[Task]) -> str:
    ids = {t.id for t in tasks}
    nodes = [Node(t.id, t.id, t.name, "pb-done" if t.done else "", tooltip=f"{t.id}: {t.name}")
             for t in tasks]
    edges = [(d, t.id) for t in tasks for d in t.deps if d in ids]
    return graph_svg(nodes, edges, "Task dependency graph", "pb-arrow-tasks")


def _svg_open(width: float, height: float, label: str, css: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" '
            f'aria-label="{escape(label)}" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">')


def _clip(value: str, pixels: float, char: float = CHAR_W) -> str:
    most = max(int(pixels / char), 4)
    return value if len(value) <= most else value[: most - 1].rstrip() + "…"
