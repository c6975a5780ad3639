"""The pages about all plans: the index, the status board, the dependency graph, plans.json.

Each takes the `SiteView` of one render and returns the page's text: Markdown for titles and
the parts MkDocs should see, HTML blocks we write ourselves for the rest. Every value from a
plan goes through `markup.escape` or `markup.md_escape` on its way out; plans.json is JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from planbook.site import diagrams, markup, trace_view
from planbook.site.held import page_text
from planbook.site.load import Entry
from planbook.site.urls import url_of
from planbook.site.view import (
    SiteView,
    badge,
    figure,
    id_mark,
    lint_cell,
    plan_edges,
    plan_nodes,
    progress_html,
    status_class,
    status_title,
)

# Front matter for the wide pages: Material then gives the room of the navigation (which
# the index and the board are themselves) and of the table of contents to the content. Only
# fixed keys: a title in front matter would reach the theme unescaped. The index and the
# board repeat what the plan pages say, so search leaves them out.
WIDE = "---\nhide:\n  - navigation\n  - toc\nsearch:\n  exclude: true\n---\n"
EMPTY = '<li class="pb-empty pb-muted">none</li>'


def _updated(entry: Entry) -> str:
    value = markup.text(entry.plan.meta.get("updated"))
    if not value and entry.history is not None:
        value = entry.history.updated[:10]
    return value


NO_STATUS = "~none"  # the filter's value for plans without a status: no status reads so


def _status_summary(view: SiteView) -> tuple[str, str]:
    """"3 draft, 2 completed*…" for the index, and the note on statuses the lifecycle lacks."""
    counts, parts, unknown = view.status_counts, [], []
    known = {s for e in view.entries for s in e.lifecycle}
    for status in view.statuses:
        if not counts[status]:
            continue
        name = status or "no status"
        if status and status not in known:
            unknown.append(status)
            name += "*"
        parts.append(f"{counts[status]} {markup.escape(name)}")
    note = ""
    if unknown:
        note = ("*Not a status of the plans' lifecycle: shown under its own name. "
                "<code>status-aliases</code> in the planbook configuration maps a team's own "
                "words to the lifecycle's (completed → done).")
    return ", ".join(parts), note


def index_page(view: SiteView, hold: Callable[[str], str] | None = None) -> str:
    entries = view.entries
    head = [WIDE, "# Plans", ""]
    if not entries:
        return "\n".join(head + ["No plans yet: add Markdown plans to the plans folder and "
                                 "build again.", ""])
    failing = sum(1 for e in entries if e.counts["error"])
    summary, note = _status_summary(view)
    head += [markup.Html(
        f'<p class="pb-summary">{len(entries)} plan{"s" if len(entries) != 1 else ""}: '
        f"{summary}. {failing} with lint errors. "
        f'<a href="{view.link(view.index, view.board)}">Status board</a> · '
        f'<a href="{view.link(view.index, view.graph)}">Dependencies</a> · '
        f'<a href="plans.json">plans.json</a>'
        + (f'<br><small class="pb-muted">{note}</small>' if note else "") + "</p>"), ""]
    options = "".join(
        f'<option value="{markup.escape(s or NO_STATUS)}">{markup.escape(status_title(s))} '
        f"({view.status_counts[s]})</option>" for s in view.statuses if view.status_counts[s])
    order = {s: i for i, s in enumerate(view.statuses)}
    # criteria met, only on a site built with test results: a column of dashes says nothing
    coverage = any(trace_view.has_coverage(entry) for entry in entries)
    rows = []
    for entry in entries:
        plan = entry.plan
        lint, lint_value, lint_css = lint_cell(entry)
        checked, items = plan.progress
        tasks = entry.task_progress()
        task_text = f"{tasks[0]}/{tasks[1]} done" if tasks else str(len(entry.tasks))
        link = view.link(view.index, view.page[entry.rel])
        flags = ' <span class="pb-flag">uncommitted</span>' if entry.uncommitted else ""
        search = " ".join((entry.id, entry.title, entry.rel, entry.author, entry.status,
                           markup.text(plan.meta.get("component")))).lower()
        updated = _updated(entry)
        rows.append(
            f'<tr data-status="{markup.escape(entry.status or NO_STATUS)}" '
            f'data-search="{markup.escape(search)}">'
            f'<td data-sort="{markup.escape(entry.sort_key)}" class="pb-nowrap">'
            f"{markup.escape(entry.id)}{id_mark(view, entry)}</td>"
            f'<td data-sort="{markup.escape(entry.title.lower())}"><a href="{link}">'
            f"{markup.escape(entry.title)}</a>{flags}"
            f'<br><small class="pb-muted">{markup.escape(entry.rel)}</small></td>'
            f'<td data-sort="{order.get(entry.status, len(order))}">{badge(entry)}</td>'
            f"<td>{markup.escape(entry.author)}</td>"
            f"<td>{markup.escape(plan.meta.get('component'))}</td>"
            f'<td data-sort="{markup.escape(updated)}" class="pb-nowrap">'
            f"{markup.escape(updated)}</td>"
            f'<td data-sort="{f"{checked / items:.4f}" if items else ""}">'
            f"{progress_html(checked, items, 'Checklist')}</td>"
            f'<td data-sort="{len(entry.tasks)}">{task_text}</td>'
            f"{trace_view.coverage_cell(entry) if coverage else ''}"
            f'<td data-sort="{lint_value}" class="{lint_css}">{lint}</td></tr>'
        )
    table = markup.Html(
        '<div class="pb-index">\n'
        '<div class="pb-controls" hidden><label>Filter <input type="search" class="pb-filter" '
        'placeholder="ID, title, author, component…" aria-label="Filter plans"></label> '
        '<label>Status <select class="pb-status-filter" aria-label="Filter by status">'
        f'<option value="">All</option>{options}</select></label> '
        '<span class="pb-count" aria-live="polite"></span></div>\n'
        '<div class="pb-scroll" tabindex="0" role="region" aria-label="Plans, scrolls sideways">'
        '<table class="pb-table pb-sortable"><thead><tr>'
        + "".join(f'<th scope="col">{name}</th>' for name in (
            "ID", "Title", "Status", "Author", "Component", "Updated", "Checklist", "Tasks",
            *(["Coverage"] if coverage else []), "Lint"))
        + "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n</div>"
    )
    return page_text(head + [table, ""], hold)


def board_page(view: SiteView, hold: Callable[[str], str] | None = None) -> str:
    lines = [WIDE, "# Status board", "",
             "Plans by status, in ID order. A red edge marks lint errors; an amber note marks "
             "a plan that depends on plans not done yet.", ""]
    by_status: dict[str, list[Entry]] = {}
    for entry in view.entries:
        by_status.setdefault(entry.status, []).append(entry)
    known = {s for e in view.entries for s in e.lifecycle}
    columns = []
    for status in view.statuses:
        members = by_status.get(status, [])
        cards = []
        for entry in members:
            errors = entry.counts["error"]
            waiting = [] if entry.finished else view.waiting_on(entry)
            css = "pb-tile" + (" pb-has-errors" if errors else "") + \
                (" pb-blocked" if waiting else "")
            done, total = entry.progress()
            notes = []
            if errors:
                notes.append(f'<span class="pb-flag pb-flag-error">{errors} error'
                             f'{"s" if errors != 1 else ""}</span>')
            if waiting:
                what = ", ".join(f"{name} ({why})" for name, why in waiting)
                notes.append(f'<span class="pb-flag pb-flag-blocked">waits on '
                             f'{markup.escape(what)}</span>')
            if entry.uncommitted:
                notes.append('<span class="pb-flag">uncommitted</span>')
            if entry.written_status and entry.written_status != entry.status:
                notes.append(f'<span class="pb-flag">written '
                             f"{markup.escape(entry.written_status)}</span>")
            link = view.link(view.board, view.page[entry.rel])
            search = " ".join((entry.id, entry.title, entry.author)).lower()
            cards.append(
                f'<li class="{css}" data-search="{markup.escape(search)}">'
                f'<span class="pb-tile-id">{markup.escape(entry.id)}</span>'
                f"{id_mark(view, entry)} "
                f'<a href="{link}">{markup.escape(entry.title)}</a>'
                f'<div class="pb-muted">{markup.escape(entry.author)}</div>'
                f"<div>{progress_html(done, total, 'Progress')}</div>"
                + ("<div>" + " ".join(notes) + "</div>" if notes else "") + "</li>")
        note = ""
        if status and status not in known:
            note = ('<p class="pb-column-note pb-muted">Not a status of the lifecycle: '
                    "shown under its own name.</p>")
        empty = "" if members else " pb-column-empty"
        opened = " open" if members else ""
        columns.append(
            f'<details class="pb-column {status_class(status)}{empty}" '
            f'data-status="{markup.escape(status or NO_STATUS)}"{opened}>'
            f'<summary class="pb-column-title">{markup.escape(status_title(status))} '
            f'<span class="pb-column-count">{len(members)}</span></summary>{note}'
            f'<ul>{"".join(cards) or EMPTY}</ul></details>')
    controls = ('<div class="pb-controls" hidden><label>Filter <input type="search" '
                'class="pb-filter" placeholder="ID, title, author…" aria-label="Filter plans">'
                '</label> <span class="pb-count" aria-live="polite"></span></div>')
    lines += [markup.Html('<div class="pb-board-wrap">' + controls + '\n<div class="pb-board '
                          'pb-scroll" tabindex="0" role="region" aria-label="Status board, '
                          'scrolls sideways">\n' + "\n".join(columns) + "\n</div></div>"), ""]
    return page_text(lines, hold)


def dependencies_page(view: SiteView, hold: Callable[[str], str] | None = None) -> str:
    lines = ["# Plan dependencies", "",
             "Each arrow runs from a plan to a plan that lists it in `depends_on`.", ""]
    linked = {e.rel for e in view.entries if e.depends_on} | set(view.needed_by)
    entries = [e for e in view.entries if e.rel in linked]
    if not entries:
        return "\n".join(lines + ["No plan declares `depends_on` yet.", ""])
    missing = [(e, name) for e in entries for name in e.depends_on if view.resolve(name) is None]
    if view.options.diagrams:
        svg = diagrams.graph_svg(plan_nodes(view, entries, view.graph),
                                 plan_edges(view, entries), "Plans linked by depends_on",
                                 "pb-arrow-plans")
        lines += [figure(svg), ""]
    if missing:
        lines += ["Dependencies that name no plan:", ""]
        lines += [f"- {markup.md_escape(e.title)}: {markup.md_escape(name)}"
                  for e, name in missing]
        lines.append("")
    return page_text(lines, hold)


def plans_json(view: SiteView) -> str:
    rows = []
    for entry in view.entries:
        plan = entry.plan
        checked, items = plan.progress
        history = entry.history
        rows.append({
            "path": entry.rel,
            "page": url_of(view.page[entry.rel], view.options.directory_urls),
            "id": entry.id,
            "title": entry.title,
            "status": plan.status,
            "shown_as": entry.status,  # the board column: a respelled or mapped status
            "author": entry.author,
            "component": markup.text(plan.meta.get("component")),
            "version": markup.text(plan.meta.get("version")),
            "created": markup.text(plan.meta.get("created")),
            "updated": markup.text(plan.meta.get("updated")),
            "depends_on": entry.depends_on,
            "checklist": {"done": checked, "total": items},
            "tasks": {"total": len(entry.tasks),
                      "done": sum(1 for t in entry.tasks if t.done)},
            "findings": {s: entry.counts[s] for s in ("error", "warning", "info")},
            "git": history.to_dict() if history is not None else None,
            "uncommitted": entry.uncommitted,
        })
    return json.dumps({"plans": rows}, indent=1, ensure_ascii=False) + "\n"


# -- one plan --------------------------------------------------------------------------------
