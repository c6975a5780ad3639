"""One plan's page: its card, its findings, its diagrams, and the plan's own text.

The card, the findings and the related-plans graph need the whole site (`SiteView`); the
diagrams drawn from the plan alone (`sketches`) and its text (`body`) need only the layout,
so `prepare` makes them in the worker that parsed the plan and keeps what the page needs
later. The body is rendered with the sanitiser (`markup.render`); every other value from a
plan goes through `markup.escape` or `markup.md_escape`.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, unquote

from planbook.facts import PlanFacts
from planbook.model import ChecklistItem, Plan
from planbook.site import diagrams, markup
from planbook.site.load import Entry
from planbook.site.urls import Layout
from planbook.site.view import (
    SiteView,
    badge,
    figure,
    lint_cell,
    plan_edges,
    plan_nodes,
    progress_html,
)

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def prepare(layout: Layout, entry: Entry) -> None:
    """Render the plan's own part of its page now, and keep only what the rest still needs."""
    entry.body = _body(layout, entry, layout.page[entry.rel])
    entry.sketches = _sketches(entry) if layout.options.diagrams else []
    entry.prepared = layout.options
    entry.plan = _slim(entry.plan)
    entry.facts = None  # what pages still need of them is in the entry now


def _slim(plan: Plan) -> Plan:
    """What pages still need of a plan once its body is rendered: cheap to send between
    processes."""
    checklist = [ChecklistItem(i.checked, i.text, i.line, i.column) for i in plan.checklist]
    return Plan(path=plan.path, text=plan.text, meta=plan.meta, checklist=checklist,
                has_frontmatter=plan.has_frontmatter, doc_type=plan.doc_type)


def render(view: SiteView, entry: Entry) -> str:
    """The plan's page; its own part comes from `prepare` when that ran with these options."""
    page = view.page[entry.rel]
    ready = entry.prepared == view.options
    parts = [f"# {_heading(entry)}", "", _card(view, entry, page), ""]
    parts += _findings(view, entry, page)
    if view.options.diagrams:
        sketches = entry.sketches if ready else _sketches(entry)
        related = _related(view, entry, page)
        if sketches or related:
            parts += ["## Diagrams", "", *sketches, *related]
    parts += entry.body if ready else _body(view, entry, page)
    return "\n".join(parts)


def _heading(entry: Entry) -> str:
    """The page's H1, never blank: MkDocs titles a page whose H1 has no text after its file
    name, and themes print that title as HTML, so a blank title would publish the file name
    as markup."""
    return markup.md_escape(entry.title or entry.rel)


def _card(view: SiteView, entry: Entry, page: str) -> str:
    meta, history = entry.plan.meta, entry.history
    facts: list[tuple[str, str]] = []

    def add(label: str, value: object, raw: bool = False) -> None:
        if value not in (None, "", []):
            facts.append((label, value if raw else markup.escape(value)))

    add("Version", markup.text(meta.get("version")))
    add("Author", entry.author)
    add("Component", markup.text(meta.get("component")))
    git_first = git_last = ""
    if history is not None:
        first = history.created[:10]
        git_first = f" <span class=pb-muted>· first commit {markup.escape(first)}" + (
            " (shallow clone: may be later than the real first commit)" if view.site.shallow
            else "") + "</span>"
        git_last = f" <span class=pb-muted>· last commit {markup.escape(history.updated[:10])}" \
                   "</span>"
    created = markup.escape(markup.text(meta.get("created")) or "—")
    updated = markup.escape(markup.text(meta.get("updated")) or "—")
    add("Created", created + git_first, raw=True)
    add("Updated", updated + git_last, raw=True)
    if history is not None:
        add("Last commit", f"<code>{markup.escape(history.sha[:10])}</code> "
                           f"{markup.escape(history.subject)}", raw=True)
        add("Git authors", ", ".join(history.authors))
    elif view.site.in_repo:
        add("Git", "not committed yet")
    add("Doc type", entry.plan.doc_type)
    add("Tags", markup.text(meta.get("tags")))
    if entry.depends_on:
        links = []
        for name in entry.depends_on:
            target = view.resolve(name)
            if target is None:
                links.append(f"{markup.escape(name)} <span class=pb-muted>(not found)</span>")
            else:
                links.append(f'<a href="{view.link(page, view.page[target.rel])}">'
                             f"{markup.escape(name)}</a> {badge(target)}")
        add("Depends on", ", ".join(links), raw=True)
    needed = view.needed_by.get(entry.rel, [])
    if needed:
        add("Needed by", ", ".join(
            f'<a href="{view.link(page, view.page[e.rel])}">{markup.escape(e.id)}</a>'
            for e in needed), raw=True)
    source = f'<a href="{view.link(page, page + ".txt")}">{markup.escape(entry.source)}</a>'
    remote = view.source_link(entry)
    if remote:
        source += f' · <a href="{markup.escape(remote)}">repository</a>'
    add("Source", source, raw=True)
    badges = [badge(entry)]
    if entry.uncommitted:
        badges.append('<span class="pb-flag">uncommitted</span>')
    lint, _, lint_css = lint_cell(entry)
    badges.append(f'<span class="pb-flag {lint_css}">lint: {lint}</span>')
    done, total = entry.progress()
    checked, items = entry.plan.progress
    tasks = entry.task_progress()
    what = [f"checklist {checked} of {items}" if items else "no checklist"]
    what.append(f"tasks {tasks[0]} of {tasks[1]} done" if tasks else f"{len(entry.tasks)} tasks")
    progress = (f'<div class="pb-card-progress"><strong>Progress</strong> '
                f"{progress_html(done, total, 'Progress')} "
                f'<span class="pb-muted">{"; ".join(what)}</span></div>')
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    description = markup.text(meta.get("description"))
    lead = f'<p class="pb-lead">{markup.escape(description)}</p>' if description else ""
    return (f'<div class="pb-card"><div class="pb-card-badges">{" ".join(badges)}</div>{lead}'
            f'<dl class="pb-facts">{rows}</dl>{progress}</div>')


def _findings(view: SiteView, entry: Entry, page: str) -> list[str]:
    out = ["## Findings", ""]
    if not entry.findings:
        return out + ["No findings: the plan passes every rule that applies to it.", ""]
    out += ["| Line | Rule | Severity | Message |", "| ---: | --- | --- | --- |"]
    base = posixpath.dirname(page)
    for finding in sorted(entry.findings,
                          key=lambda f: (f.line, SEVERITY_ORDER.get(f.severity, 3), f.code)):
        rule = posixpath.relpath(posixpath.join(view.options.rules_dir, f"{finding.code}.md"),
                                 base or ".")
        line = str(finding.line)
        remote = view.source_link(entry, finding.line)
        if remote:
            line = f"[{line}]({remote})"
        out.append(f"| {line} | [{finding.code}]({quote(rule)}) {markup.md_escape(finding.name)} "
                   f"| {finding.severity} | {markup.md_escape(finding.message)} |")
    return out + [""]


def _sketches(entry: Entry) -> list[str]:
    """The diagrams drawn from the plan alone: its task graph and its gantt."""
    out: list[str] = []
    tasks = entry.tasks
    if tasks:
        out += ["### Task dependencies", "",
                figure(diagrams.task_graph_svg(tasks)), ""]
    facts = entry.facts or PlanFacts(entry.plan, None)
    problems = facts.sequence_problems  # ties each bar to its task, for the drawing too
    gantt = facts.gantt
    if gantt is not None:
        out += ["### Implementation sequence", ""]
        notes = [f"line {line}: {message}" for _, line, message, _ in problems]
        if notes or gantt.notes:
            items = "".join(f"<li>{markup.escape(n)}</li>" for n in [*notes, *gantt.notes])
            out += ['<div class="admonition warning pb-mismatch"><p class="admonition-title">'
                    "The sequence and the tasks table disagree</p>"
                    f"<ul>{items}</ul></div>", ""]
        elif tasks:
            out += ['<p class="pb-ok">Every task is scheduled, and every <code>after</code> '
                    "matches the task's Dependencies.</p>", ""]
        svg = diagrams.gantt_svg(gantt, {key for key, *_ in problems},
                                 "Implementation sequence")
        if svg:
            out += [figure(svg), ""]
    return out


def _related(view: SiteView, entry: Entry, page: str) -> list[str]:
    """The plans this one depends on and those that depend on it, as a graph."""
    neighbours = [entry]
    for name in entry.depends_on:
        target = view.resolve(name)
        if target is not None and target not in neighbours:
            neighbours.append(target)
    neighbours += [e for e in view.needed_by.get(entry.rel, []) if e not in neighbours]
    if len(neighbours) > 1:
        svg = diagrams.graph_svg(plan_nodes(view, neighbours, page, entry.rel),
                                 plan_edges(view, neighbours), "Plans this plan is linked to",
                                 "pb-arrow-plans")
        return ["### Related plans", "", figure(svg), ""]
    return []


def _body(layout: Layout, entry: Entry, page: str) -> list[str]:
    """The plan's own text: headings as Markdown (for the table of contents), the rest as
    sanitised HTML. The leading H1 repeats the title and is left out."""
    plan = entry.plan
    blocks = [b for b in plan.blocks if b.line >= plan.body_start]
    if not blocks:
        return []
    if blocks[0].type == "heading" and blocks[0].token["attrs"]["level"] == 1:
        blocks = blocks[1:]
    headings = [b for b in blocks if b.type == "heading"]
    shift = 2 - min((b.token["attrs"]["level"] for b in headings), default=2)
    rewrite = _rewriter(layout, entry, page)
    out: list[str] = []
    pending: list[int] = []  # first and last line of the text since the last heading

    def flush(until: int) -> None:
        if pending:
            chunk = "\n".join(plan.lines[pending[0] - 1:until])
            html = markup.render(chunk, rewrite).strip()
            if html:
                out.extend([f'<div class="pb-body">\n{html}\n</div>', ""])
            pending.clear()

    for block in blocks:
        if block.type == "heading":
            flush(block.line - 1)
            level = min(max(block.token["attrs"]["level"] + shift, 2), 6)
            title = markup.inline_text(block.token.get("text", ""))
            out.extend([f"{'#' * level} {markup.md_escape(title)}", ""])
        elif not pending:
            pending.append(block.line)
    flush(len(plan.lines))
    return out


def _rewriter(layout: Layout, entry: Entry, page: str):
    """Links in a plan body, made to work on the site: to other plans' pages, to files beside
    the plans, or (outside the plans folder) to the repository when its URL is known."""
    folder = posixpath.dirname(entry.rel)
    options = layout.options

    def rewrite(tag: str, url: str) -> str | None:
        if not url or url.startswith(("#", "/")) or SCHEME.match(url):
            return url
        path, hash_, fragment = url.partition("#")
        path = unquote(path.partition("?")[0])
        target = posixpath.normpath(posixpath.join(folder, path)) if path else entry.rel
        anchor = hash_ + fragment
        docs = options.docs_dir.strip("/")
        if docs and target.startswith(docs + "/"):
            return layout.link(page, target[len(docs) + 1:]) + anchor
        if target.startswith("../") or target == "..":
            if options.source_url:
                base = posixpath.dirname(entry.source)
                repo_path = posixpath.normpath(posixpath.join(base, path))
                if not repo_path.startswith("../"):
                    return options.source_url.rstrip("/") + "/" + quote(repo_path) + anchor
            return None  # it would point outside the site
        if target in layout.rels:
            return layout.link(page, layout.page[target]) + anchor
        if target not in layout.attachments:
            return None  # not published (a Markdown file that is no plan, or nothing at all)
        return layout.link(page, posixpath.join(layout.out, target)) + anchor

    return rewrite

