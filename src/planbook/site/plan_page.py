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
from collections.abc import Callable
from urllib.parse import quote, unquote

from planbook.facts import PlanFacts
from planbook.model import Block, ChecklistItem, Plan
from planbook.site import diagrams, markup, trace_view
from planbook.site.held import page_text
from planbook.site.load import Entry
from planbook.site.urls import Layout
from planbook.site.view import (
    SiteView,
    badge,
    figure,
    id_mark,
    lint_cell,
    plan_edges,
    plan_nodes,
    progress_html,
)

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
ANCHOR = "pb-L"  # the id of a place in the rendered plan: pb-L12 is where line 12 is shown
FEW_FINDINGS = 5  # more than this, and the list of findings starts folded
TR = re.compile(r"<tr>")
MARK = "\ue000pb"  # private-use characters around a line number: where a block begins
MARKER = re.compile(r"<p>\ue000pb(\d+)\ue000pb</p>\n?")
STRAY = re.compile(r"\ue000pb\d*(?:\ue000pb)?")  # a marker raw HTML swallowed: dropped


def prepare(layout: Layout, entry: Entry) -> None:
    """Render the plan's own part of its page now (unless the entry already holds it, from an
    earlier build), and keep only what the rest still needs."""
    if entry.body is None or entry.sketches is None:
        entry.body, entry.anchors = _body(layout, entry, layout.page[entry.rel])
        entry.sketches = _sketches(entry, entry.anchors) if layout.options.diagrams else []
    entry.prepared = layout.options
    entry.plan = _slim(entry.plan)
    entry.facts = None  # what pages still need of them is in the entry now


def _slim(plan: Plan) -> Plan:
    """What pages still need of a plan once its body is rendered: cheap to send between
    processes."""
    checklist = [ChecklistItem(i.checked, i.text, i.line, i.column) for i in plan.checklist]
    return Plan(path=plan.path, text=plan.text, meta=plan.meta, checklist=checklist,
                has_frontmatter=plan.has_frontmatter, doc_type=plan.doc_type)


def render(view: SiteView, entry: Entry, hold: Callable[[str], str] | None = None) -> str:
    """The plan's page; its own part comes from `prepare` when that ran with these options.
    With `hold` (see `held`), each block of HTML is given to it and the page holds what it
    returns instead."""
    page = view.page[entry.rel]
    ready = entry.prepared == view.options
    if ready:
        body = entry.body
    else:
        body, entry.anchors = _body(view, entry, page)
    parts = [f"# {_heading(entry)}", "", *_yaml_banner(entry), _card(view, entry, page), ""]
    parts += _findings(view, entry, page)
    if view.options.diagrams:
        sketches = entry.sketches if ready else _sketches(entry, entry.anchors)
        related = _related(view, entry, page)
        if sketches or related:
            parts += ["## Diagrams", "", *sketches, *related]
    parts += trace_view.section(entry, view.site.repo_url)
    parts += body
    return page_text(parts, hold)


def _heading(entry: Entry) -> str:
    """The page's H1, never blank: MkDocs titles a page whose H1 has no text after its file
    name, and themes print that title as HTML, so a blank title would publish the file name
    as markup."""
    return markup.md_escape(entry.title or entry.rel)


def _yaml_banner(entry: Entry) -> list[str]:
    """A plan whose frontmatter YAML does not load says so first: every field below is missing
    because of it, not because the plan leaves it out."""
    if not entry.yaml_errors:
        return []
    items = "".join(f"<li>line {line}: {markup.escape(message)}</li>"
                    for line, message in entry.yaml_errors)
    return [markup.Html('<div class="admonition failure pb-yaml-error" role="alert">'
                        '<p class="admonition-title">The frontmatter is not valid YAML, so '
                        f"none of its fields could be read</p><ul>{items}</ul></div>"), ""]


def _history(entry: Entry) -> str:
    """Created, last changed and by whom, from the build's one walk of the git log."""
    history = entry.history
    if history is None or not history.updated:
        return ""
    text = f"created {history.created[:10]}, last changed {history.updated[:10]}"
    if history.authors:
        text += f" by {history.authors[0]}"
    text += f" ({history.commits} commit{'s' if history.commits != 1 else ''})"
    return text


def _card(view: SiteView, entry: Entry, page: str) -> markup.Html:
    meta, history = entry.plan.meta, entry.history
    facts: list[tuple[str, str]] = []

    def add(label: str, value: object, raw: bool = False) -> None:
        if value not in (None, "", []):
            facts.append((label, value if raw else markup.escape(value)))

    add("ID", markup.escape(entry.id) + id_mark(view, entry), raw=True)
    history_line = _history(entry)
    if history_line and view.site.shallow:
        history_line += " (a shallow clone: the first commit may be later than the real one)"
    add("History", history_line)
    add("Version", markup.text(meta.get("version")))
    add("Author", entry.author)
    add("Component", markup.text(meta.get("component")))
    created = markup.text(meta.get("created"))
    updated = markup.text(meta.get("updated"))
    if created or updated:
        add("Created", created or "—")
        add("Updated", updated or "—")
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
    what.append(f"tasks {tasks[0]} of {tasks[1]} done" if tasks else
                f"{len(entry.tasks)} task{'s' if len(entry.tasks) != 1 else ''}, "
                "none marked done or not" if entry.tasks else "no tasks")
    if total:
        progress = (f'<div class="pb-card-progress"><strong>Progress</strong> '
                    f"{progress_html(done, total, 'Progress')} "
                    f'<span class="pb-muted">{"; ".join(what)}</span></div>')
    else:
        progress = ('<div class="pb-card-progress"><strong>Progress</strong> '
                    f'<span class="pb-muted">nothing to count: {" and ".join(what)}</span></div>')
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    description = markup.text(meta.get("description"))
    lead = f'<p class="pb-lead">{markup.escape(description)}</p>' if description else ""
    return markup.Html(
        f'<div class="pb-card"><div class="pb-card-badges">{" ".join(badges)}</div>{lead}'
        f'<dl class="pb-facts">{rows}</dl>{progress}</div>')


def _findings(view: SiteView, entry: Entry, page: str) -> list[str]:
    """A summary by rule and severity first; then every finding, each linking to its place in
    the plan below, folded away when there are more than a few."""
    out = ["## Findings", ""]
    if not entry.findings:
        return out + ["No findings: the plan passes every rule that applies to it.", ""]

    def rule_link(code: str) -> str:
        return view.link(page, posixpath.join(view.options.rules_dir, f"{code}.md"))

    counts = entry.counts
    by_rule: dict[tuple[str, str, str], int] = {}
    for finding in entry.findings:
        key = (finding.severity, finding.code, finding.name)
        by_rule[key] = by_rule.get(key, 0) + 1
    totals = " ".join(
        f'<span class="pb-sev pb-sev-{s}">{counts[s]} {s}{"s" if counts[s] != 1 else ""}</span>'
        for s in ("error", "warning", "info") if counts[s])
    rules = "".join(
        f'<li class="pb-sev-{severity}"><span class="pb-sev pb-sev-{severity}">{severity}</span> '
        f'<a href="{rule_link(code)}">{code}</a> {markup.escape(name)} '
        f'<span class="pb-muted">× {n}</span></li>'
        for (severity, code, name), n in sorted(
            by_rule.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][0], 3), -kv[1], kv[0][1])))
    out += [markup.Html(
        f'<div class="pb-findings-summary"><p>{totals}, from {len(by_rule)} '
        f'rule{"s" if len(by_rule) != 1 else ""}:</p><ul class="pb-rule-counts">{rules}</ul>'
        "</div>"), ""]
    anchors = entry.anchors or []
    rows = []
    for finding in sorted(entry.findings,
                          key=lambda f: (f.line, SEVERITY_ORDER.get(f.severity, 3), f.code)):
        target = _anchor_for(anchors, finding.line)
        line = (f'<a href="#{ANCHOR}{target}">{finding.line}</a>' if target else
                str(finding.line))
        remote = view.source_link(entry, finding.line)
        if remote:
            line += f' <a class="pb-muted" href="{markup.escape(remote)}">source</a>'
        rows.append(f'<tr class="pb-sev-{finding.severity}"><td>{line}</td>'
                    f'<td><a href="{rule_link(finding.code)}">{finding.code}</a> '
                    f"{markup.escape(finding.name)}</td>"
                    f'<td><span class="pb-sev pb-sev-{finding.severity}">{finding.severity}'
                    f"</span></td><td>{markup.escape(finding.message)}</td></tr>")
    table = ('<div class="pb-scroll"><table class="pb-table pb-findings"><thead><tr>'
             '<th scope="col">Line</th><th scope="col">Rule</th><th scope="col">Severity</th>'
             '<th scope="col">Message</th></tr></thead><tbody>' + "".join(rows)
             + "</tbody></table></div>")
    opened = " open" if len(entry.findings) <= FEW_FINDINGS else ""
    many = len(entry.findings)
    out += [markup.Unindexed(
        f'<details class="pb-findings-list" data-search-exclude{opened}><summary>'
        f'All {many} finding{"s" if many != 1 else ""}, by line</summary>\n{table}\n'
        "</details>"), ""]
    return out


def _anchor_for(anchors: list[int], line: int) -> int:
    """The anchor in the rendered plan nearest above `line`: its table row, else its block."""
    best = 0
    for anchor in anchors:
        if anchor > line:
            break
        best = anchor
    return best


def _sketches(entry: Entry, anchors: list[int] | None) -> list[str]:
    """The diagrams drawn from the plan alone: its task graph (when a task depends on another:
    boxes without arrows say nothing the tasks table does not) and its gantt. A task's box
    leads to its row in the plan."""
    out: list[str] = []
    tasks = entry.tasks
    rows = set(anchors or ())
    if tasks and diagrams.task_edges(tasks):
        svg = diagrams.task_graph_svg(
            tasks, lambda t: f"#{ANCHOR}{t.line}" if t.line in rows else "")
        out += ["### Task dependencies", "", figure(svg), ""]
    facts = entry.facts or PlanFacts(entry.plan, None)
    problems = facts.sequence_problems  # ties each bar to its task, for the drawing too
    gantt = facts.gantt
    if gantt is not None:
        out += ["### Implementation sequence", ""]
        notes = [f"line {line}: {message}" for _, line, message, _ in problems]
        if notes or gantt.notes:
            items = "".join(f"<li>{markup.escape(n)}</li>" for n in [*notes, *gantt.notes])
            out += [markup.Html(
                '<div class="admonition warning pb-mismatch"><p class="admonition-title">'
                f"The sequence and the tasks table disagree</p><ul>{items}</ul></div>"), ""]
        elif tasks:
            out += [markup.Html(
                '<p class="pb-ok">Every task is scheduled, and every <code>after</code> '
                "matches the task's Dependencies.</p>"), ""]
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


def _body(layout: Layout, entry: Entry, page: str) -> tuple[list[str], list[int]]:
    """The plan's own text: headings as Markdown (for the table of contents), the rest as
    sanitised HTML, and the lines it can be linked at. The leading H1 repeats the title and is
    left out. Each block starts with an anchor for its first line (`#pb-L12`) and each row of a
    table carries its own, so findings and diagram nodes can point at what they are about."""
    plan = entry.plan
    blocks = [b for b in plan.blocks if b.line >= plan.body_start]
    if not blocks:
        return [], []
    if blocks[0].type == "heading" and blocks[0].token["attrs"]["level"] == 1:
        blocks = blocks[1:]
    headings = [b for b in blocks if b.type == "heading"]
    shift = 2 - min((b.token["attrs"]["level"] for b in headings), default=2)
    rewrite = _rewriter(layout, entry, page)
    facts = entry.facts
    gantt = facts.gantt if facts is not None and layout.options.diagrams else None
    out: list[str] = []
    anchors: list[int] = []
    pending: list[Block] = []  # the blocks since the last heading

    def flush(until: int) -> None:
        if not pending:
            return
        # a marker paragraph before each block, rendered with the section (so raw HTML that
        # spans blocks, like <details>, stays whole) and swapped for an anchor afterwards
        chunk = []
        for n, block in enumerate(pending):
            end = pending[n + 1].line - 1 if n + 1 < len(pending) else until
            chunk += [f"{MARK}{block.line}{MARK}", "", *plan.lines[block.line - 1:end]]
        html = markup.render("\n".join(chunk), rewrite)
        kinds = {b.line: b for b in pending}
        pieces = MARKER.split(html)
        parts = [STRAY.sub("", pieces[0])]
        for line_text, piece in zip(pieces[1::2], pieces[2::2], strict=True):
            line, piece = int(line_text), STRAY.sub("", piece)
            block = kinds.get(line)
            if block is None or not piece.strip():
                parts.append(piece)
                continue
            anchors.append(line)
            tables = [t for t in plan.tables if block.line <= t.line <= block.end_line]
            if len(tables) == 1:
                piece, rows = _row_anchors(piece, [r.line for r in tables[0].rows])
                anchors.extend(rows)
            if gantt is not None and block.line <= gantt.line - 1 <= block.end_line:
                piece = ('<details class="pb-source" data-search-exclude><summary>Mermaid '
                         "source of the implementation sequence (drawn above)</summary>\n"
                         f"{piece.strip()}\n</details>\n")
            parts.append(f'<span class="pb-anchor" id="{ANCHOR}{line}"></span>{piece}')
        html = "".join(parts).strip()
        if html:
            out.extend([markup.Html(f'<div class="pb-body">\n{html}\n</div>'), ""])
        pending.clear()

    for block in blocks:
        if block.type == "heading":
            flush(block.line - 1)
            level = min(max(block.token["attrs"]["level"] + shift, 2), 6)
            title = markup.inline_text(block.token.get("text", ""))
            out.extend([f"{'#' * level} {markup.md_escape(title)}", ""])
        elif block.type != "blank_line":
            pending.append(block)
    flush(len(plan.lines))
    return out, sorted(set(anchors))


def _row_anchors(html: str, rows: list[int]) -> tuple[str, list[int]]:
    """A table's body rows, each with the id of the line it was written on (`rows`)."""
    head, tag, body = html.partition("<tbody>")
    if not tag or html.count("<tbody>") != 1:
        return html, []
    parts = TR.split(body)
    if len(parts) - 1 != len(rows):  # the rows are not one a line: keep the block's anchor
        return html, []
    body = parts[0] + "".join(f'<tr id="{ANCHOR}{line}">{part}'
                              for line, part in zip(rows, parts[1:], strict=True))
    return head + tag + body, rows


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

