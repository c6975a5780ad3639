"""Diagrams drawn from a plan's data at build time, as inline SVG.

Drawing here rather than shipping a diagram library keeps pages readable without JavaScript
and without the network, and lets the Implementation Sequence be checked against the tasks
table instead of only drawn. The layouts are deliberately simple: tasks and plans are placed
in layers by the longest chain of dependencies before them; the gantt is one bar per row.
"""

from __future__ import annotations

import datetime as dt

from planbook.facts import Task
from planbook.records import record
from planbook.sequence import Gantt
from planbook.site.markup import escape

NODE_W, NODE_H, GAP_X, GAP_Y = 200, 40, 56, 14
LINE_H, SUB_LINES = 14, 3  # a node's subtitle wraps onto at most this many lines
GAP_ACROSS, GAP_DOWN = 24, 34  # between boxes side by side and between layers, top to bottom
CHAR_W = 6.6  # average width of a 12px sans-serif character, for truncating labels


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
    per_day = max(4.0, min(32.0, 410 / total))  # a chart of weeks fits a page column
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


@record(slots=True, many=True)
class Node:
    """One box of a diagram: its key, text and link."""

    key: str
    title: str  # first line, bold
    subtitle: str = ""
    css: str = ""
    href: str = ""
    tooltip: str = ""


def graph_svg(nodes: list[Node], edges: list[tuple[str, str]], label: str,
              ident: str = "pb-arrow") -> str:
    """Boxes in layers, arrows from each prerequisite to what needs it. A graph deeper than
    it is wide (a long chain of tasks) is drawn top to bottom, so it fits a page's column
    instead of running off to the side. `ident` names the arrowhead, and must differ between
    graphs on one page."""
    if not nodes:
        return ""
    by_key = {n.key: n for n in nodes}
    wrapped = {n.key: _wrap(n.subtitle, NODE_W - 16) for n in nodes}
    node_h = NODE_H + LINE_H * max(max(len(w) for w in wrapped.values()) - 1, 0)
    columns = layers([n.key for n in nodes], edges)
    tallest = max(len(c) for c in columns)
    down = len(columns) > max(tallest, 2)  # the layers as rows
    where: dict[str, tuple[float, float]] = {}
    if down:
        width = tallest * (NODE_W + GAP_ACROSS) - GAP_ACROSS + 16
        height = len(columns) * (node_h + GAP_DOWN) - GAP_DOWN + 16
        for c, column in enumerate(columns):
            offset = (tallest - len(column)) * (NODE_W + GAP_ACROSS) / 2
            for r, key in enumerate(column):
                where[key] = (8 + offset + r * (NODE_W + GAP_ACROSS), 8 + c * (node_h + GAP_DOWN))
        if any(where[b][1] <= where[a][1] for a, b in edges
               if a in where and b in where and a != b):
            width += 40  # room for the back edges of a cycle, drawn around the right
    else:
        width = len(columns) * (NODE_W + GAP_X) - GAP_X + 16
        height = tallest * (node_h + GAP_Y) - GAP_Y + 16
        for c, column in enumerate(columns):
            offset = (tallest - len(column)) * (node_h + GAP_Y) / 2
            for r, key in enumerate(column):
                where[key] = (8 + c * (NODE_W + GAP_X), 8 + offset + r * (node_h + GAP_Y))
    marker = ident
    out = [_svg_open(width, height, label, "pb-graph"),
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
           'class="pb-arrowhead"/></marker></defs>']
    for a, b in edges:
        if a not in where or b not in where or a == b:
            continue
        (x1, y1), (x2, y2) = where[a], where[b]
        if down:
            out.append(_edge_down(x1, y1, x2, y2, node_h, marker))
            continue
        x1, y1, y2 = x1 + NODE_W, y1 + node_h / 2, y2 + node_h / 2
        if x2 <= x1:  # a back edge of a cycle: go around below
            low = max(y1, y2) + node_h
            path = f"M{x1:.0f},{y1:.0f}C{x1 + 40:.0f},{low:.0f} {x2 - 40:.0f},{low:.0f} " \
                   f"{x2:.0f},{y2:.0f}"
        else:
            mid = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f}C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        out.append(f'<path class="pb-edge" d="{path}" marker-end="url(#{marker})"/>')
    for key, (x, y) in where.items():
        node = by_key[key]
        box = (f'<g class="pb-node {escape(node.css)}"><title>{escape(node.tooltip or node.title)}'
               f'</title><rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{node_h}" '
               f'rx="5"/><text class="pb-node-title" x="{x + 8:.0f}" y="{y + 16:.0f}">'
               f'{escape(_clip(node.title, NODE_W - 16, 7.2))}</text>')
        for n, line in enumerate(wrapped[key]):
            box += (f'<text class="pb-node-sub" x="{x + 8:.0f}" y="{y + 31 + n * LINE_H:.0f}">'
                    f"{escape(line)}</text>")
        box += "</g>"
        if node.href:
            box = f'<a href="{escape(node.href)}">{box}</a>'
        out.append(box)
    out.append("</svg>")
    return "".join(out)


def _edge_down(x1: float, y1: float, x2: float, y2: float, node_h: float, marker: str) -> str:
    """An arrow from the bottom of one box to the top of another, or, for the back edge of a
    cycle, around the right of both."""
    if y2 <= y1:
        right = max(x1, x2) + NODE_W + 30
        ya, yb = y1 + node_h / 2, y2 + node_h / 2
        path = f"M{x1 + NODE_W:.0f},{ya:.0f}C{right:.0f},{ya:.0f} {right:.0f},{yb:.0f} " \
               f"{x2 + NODE_W:.0f},{yb:.0f}"
    else:
        xa, xb, ya = x1 + NODE_W / 2, x2 + NODE_W / 2, y1 + node_h
        mid = (ya + y2) / 2
        path = f"M{xa:.0f},{ya:.0f}C{xa:.0f},{mid:.0f} {xb:.0f},{mid:.0f} {xb:.0f},{y2:.0f}"
    return f'<path class="pb-edge" d="{path}" marker-end="url(#{marker})"/>'


def task_edges(tasks: list[Task]) -> list[tuple[str, str]]:
    """Each (prerequisite, task) the Dependencies column names, between tasks of the table."""
    ids = {t.id for t in tasks}
    return [(d, t.id) for t in tasks for d in t.depends if d in ids and d != t.id]


def task_graph_svg(tasks: list[Task], href=lambda task: "") -> str:
    """The tasks linked by their Dependencies; `href(task)` is where a node leads."""
    nodes = [Node(t.id, t.id, t.title, "pb-done" if t.done else "", href(t),
                  tooltip=f"{t.id}: {t.title}") for t in tasks]
    return graph_svg(nodes, task_edges(tasks), "Task dependency graph", "pb-arrow-tasks")


def _svg_open(width: float, height: float, label: str, css: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" '
            f'aria-label="{escape(label)}" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">')


def _wrap(value: str, pixels: float, char: float = CHAR_W) -> list[str]:
    """Text in lines that fit `pixels`, at most SUB_LINES of them, the last clipped."""
    most = max(int(pixels / char), 4)
    lines: list[str] = []
    for word in value.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > SUB_LINES:
        lines = lines[:SUB_LINES - 1] + [_clip(" ".join(lines[SUB_LINES - 1:]), pixels, char)]
    return [_clip(line, pixels, char) for line in lines]


def _clip(value: str, pixels: float, char: float = CHAR_W) -> str:
    most = max(int(pixels / char), 4)
    return value if len(value) <= most else value[: most - 1].rstrip() + "…"
