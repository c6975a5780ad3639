"""What the renderers share: the site as one render sees it, and pieces of HTML several pages show.

`SiteView` is the layout plus what a render needs across plans: the names a plan can be
called by and who depends on whom. The pieces (status badge, progress bar, lint cell, plan
nodes for the graphs, figure) escape every value from a plan on the way out.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from planbook.site import diagrams, markup
from planbook.site.load import Entry, Site
from planbook.site.urls import Layout, Options

NOT_A_CLASS = re.compile(r"[^a-z0-9-]+")


def status_title(status: str) -> str:
    """A status as a heading: `in-progress` → "In progress"; none → "No status"."""
    if not status:
        return "No status"
    words = re.sub(r"[-_\s]+", " ", status).strip()
    return words[:1].upper() + words[1:]


def status_class(status: str) -> str:
    """The CSS class of a status: its own name, made safe for a class attribute."""
    return "pb-status-" + (NOT_A_CLASS.sub("-", status.lower()).strip("-") or "none")


def role_class(entry: Entry) -> str:
    """What the plan's lifecycle makes of its status, for colour: done, finished, unknown."""
    if not entry.status:
        return "pb-role-none"
    if not entry.known_status:
        return "pb-role-unknown"
    return "pb-role-done" if entry.done else "pb-role-finished" if entry.finished else ""


class SiteView(Layout):
    """The layout, plus what one render needs across plans: names and who depends on whom."""

    def __init__(self, site: Site, options: Options):
        super().__init__([e.rel for e in site.entries], site.attachments, options)
        self.site = site
        self.entries = sorted(site.entries, key=lambda e: e.sort_key)  # IP-2 before IP-10
        self.status_counts = Counter(e.status for e in self.entries)
        self.statuses = _status_order(self.entries, self.status_counts)  # board columns
        by_id: dict[str, list[Entry]] = {}
        for entry in self.entries:
            by_id.setdefault(entry.id.lower(), []).append(entry)
        # plans that share their ID with another: a name that means two plans
        self.same_id = {e.rel: [o for o in group if o is not e]
                        for group in by_id.values() if len(group) > 1 for e in group}
        self.names: dict[str, Entry] = {}
        for entry in site.entries:  # later entries never shadow earlier ones
            stem = Path(entry.rel).stem
            for name in (entry.id, stem, entry.rel, entry.rel[:-3] if entry.rel.endswith(".md")
                         else entry.rel):
                self.names.setdefault(name.lower(), entry)
        self.needed_by: dict[str, list[Entry]] = {}
        for entry in site.entries:
            for name in entry.depends_on:
                target = self.resolve(name)
                if target is not None and target is not entry:
                    self.needed_by.setdefault(target.rel, []).append(entry)

    def resolve(self, name: str) -> Entry | None:
        key = name.strip().lower()
        key = key[:-3] if key.endswith(".md") else key
        return self.names.get(key) or self.names.get(posixpath.basename(key))

    def waiting_on(self, entry: Entry) -> list[tuple[str, str]]:
        """The plans this one depends on that are not done: (name, their status or why)."""
        out = []
        for name in entry.depends_on:
            target = self.resolve(name)
            if target is None:
                out.append((name, "not found"))
            elif not target.done:
                out.append((name, target.status or "no status"))
        return out

    def source_link(self, entry: Entry, line: int = 0) -> str:
        if not self.options.source_url:
            return ""
        url = self.options.source_url.rstrip("/") + "/" + quote(entry.source)
        return f"{url}#L{line}" if line else url


def lint_cell(entry: Entry) -> tuple[str, int, str]:
    """(text, sort value, css class) for a plan's lint result."""
    counts = entry.counts
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning",
                                                                        "info") if counts[s]]
    value = counts["error"] * 10_000 + counts["warning"] * 100 + counts["info"]
    css = "pb-lint-error" if counts["error"] else "pb-lint-warning" if counts["warning"] else \
        "pb-lint-clean"
    return (", ".join(parts) or "clean"), value, css


def progress_html(done: int, total: int, label: str) -> str:
    if not total:
        return '<span class="pb-muted">nothing to count</span>'
    percent = round(100 * done / total)
    return (f'<progress class="pb-progress" value="{done}" max="{total}" '
            f'aria-label="{markup.escape(label)}: {done} of {total}"></progress> '
            f'<span class="pb-progress-text">{done}/{total}</span> '
            f'<span class="pb-muted">({percent}%)</span>')


def badge(entry: Entry) -> str:
    """The plan's status by its own name; a spelling read as a lifecycle status says so, and a
    status its lifecycle does not name is marked as such."""
    css = f"pb-badge {status_class(entry.status)} {role_class(entry)}".strip()
    note = ""
    if entry.status and entry.written_status and entry.written_status != entry.status:
        note = f"written “{entry.written_status}”"
    elif entry.status and not entry.known_status:
        note = "not a status of its doc type's lifecycle"
    title = f' title="{markup.escape(note)}"' if note else ""
    return (f'<span class="{css}"{title}>{markup.escape(entry.status or "no status")}'
            "</span>")


def id_mark(view: SiteView, entry: Entry) -> str:
    """A flag on a plan whose ID another plan has too."""
    others = view.same_id.get(entry.rel)
    if not others:
        return ""
    names = ", ".join(o.rel for o in others)
    return (f' <span class="pb-flag pb-flag-error pb-duplicate-id" title="also the ID of '
            f'{markup.escape(names)}">duplicate ID</span>')


def _status_order(entries: list[Entry], used: Counter) -> list[str]:
    """The lifecycles' statuses in their order, then the other statuses plans use (most used
    first), then no status when a plan has none."""
    order: list[str] = []
    for entry in entries:
        for status in entry.lifecycle:
            if status not in order:
                order.append(status)
    others = sorted((s for s in used if s and s not in order), key=lambda s: (-used[s], s))
    return order + others + ([""] if used[""] else [])


def figure(svg: str) -> markup.Unindexed:
    """A diagram, kept out of the search index: its labels repeat the page's text."""
    return markup.Unindexed('<figure class="pb-diagram pb-scroll" tabindex="0" '
                            f"data-search-exclude>{svg}</figure>")


def plan_nodes(view: SiteView, entries: list[Entry], from_page: str,
               current: str = "") -> list[diagrams.Node]:
    nodes = []
    for entry in entries:
        css = status_class(entry.status) + (" pb-current" if entry.rel == current else "")
        nodes.append(diagrams.Node(entry.rel, entry.id, entry.title, css,
                                   view.link(from_page, view.page[entry.rel]),
                                   f"{entry.title} ({entry.status or 'no status'})"))
    return nodes


def plan_edges(view: SiteView, entries: list[Entry]) -> list[tuple[str, str]]:
    keep = {e.rel for e in entries}
    edges = []
    for entry in entries:
        for name in entry.depends_on:
            target = view.resolve(name)
            if target is not None and target.rel in keep:
                edges.append((target.rel, entry.rel))
    return edges
