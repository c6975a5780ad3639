"""What the renderers share: the site as one render sees it, and pieces of HTML several pages show.

`SiteView` is the layout plus what a render needs across plans: the names a plan can be
called by and who depends on whom. The pieces (status badge, progress bar, lint cell, plan
nodes for the graphs, figure) escape every value from a plan on the way out.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import quote

from planbook.site import diagrams, markup
from planbook.site.load import STATUSES, Entry, Site
from planbook.site.urls import Layout, Options

STATUS_TITLES = {"draft": "Draft", "review": "Review", "approved": "Approved",
                 "in-progress": "In progress", "done": "Done", "abandoned": "Abandoned",
                 "other": "No known status"}


class SiteView(Layout):
    """The layout, plus what one render needs across plans: names and who depends on whom."""

    def __init__(self, site: Site, options: Options):
        super().__init__([e.rel for e in site.entries], site.attachments, options)
        self.site = site
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
                out.append((name, target.plan.status or "no status"))
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
        return '<span class="pb-muted">none</span>'
    percent = round(100 * done / total)
    return (f'<progress class="pb-progress" value="{done}" max="{total}" '
            f'aria-label="{markup.escape(label)}: {done} of {total}"></progress> '
            f'<span class="pb-progress-text">{done}/{total}</span> '
            f'<span class="pb-muted">({percent}%)</span>')


def badge(status: str) -> str:
    css = status if status in STATUSES else "other"
    return (f'<span class="pb-badge pb-status-{css}">'
            f'{markup.escape(status or "no status")}</span>')


def figure(svg: str) -> str:
    """A diagram, kept out of the search index: its labels repeat the page's text."""
    return f'<figure class="pb-diagram" data-search-exclude>{svg}</figure>'


def plan_nodes(view: SiteView, entries: list[Entry], from_page: str,
               current: str = "") -> list[diagrams.Node]:
    nodes = []
    for entry in entries:
        css = f"pb-status-{entry.status}" + (" pb-current" if entry.rel == current else "")
        nodes.append(diagrams.Node(entry.rel, entry.id, entry.title, css,
                                   view.link(from_page, view.page[entry.rel]),
                                   f"{entry.title} ({entry.plan.status or 'no status'})"))
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
