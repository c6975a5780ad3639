"""Plans in, pages out: the plan site as Markdown text, with no MkDocs in sight.

`load` reads a plans folder once through the linter (so the site shows exactly the findings
`planbook lint` reports) and asks git once for history; `render` turns that into a mapping of
page path → Markdown text; `build` does both, rendering each plan's own text in the worker
that parsed it. The MkDocs plugin and `planbook site export` both take that mapping as it is,
so the two can never drift apart.

Pages mix Markdown (titles, headings and the findings table, so MkDocs builds the table of
contents and checks the rule links) with HTML blocks we write ourselves. Every value from a
plan goes through `markup.escape`, `markup.md_escape` or the sanitiser on its way out.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from planbook import sequence
from planbook.facts import PlanFacts, Task
from planbook.model import ChecklistItem, Finding, Plan
from planbook.site import diagrams, markup

STATUSES = ("draft", "review", "approved", "in-progress", "done", "abandoned")
STATUS_TITLES = {"draft": "Draft", "review": "Review", "approved": "Approved",
                 "in-progress": "In progress", "done": "Done", "abandoned": "Abandoned",
                 "other": "No known status"}
FINISHED = {"done"}
RESERVED = {"index", "readme", "board", "dependencies"}  # names our own pages take
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
PLAN_ID = re.compile(r"^[A-Za-z]+-\d+")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Front matter for the wide pages: Material then gives the table of contents' room to the
# content. Only fixed keys: a title in front matter would reach the theme unescaped.
WIDE = "---\nhide:\n  - toc\n---\n"
EMPTY = '<li class="pb-empty pb-muted">none</li>'


@dataclass
class Options:
    """How pages are laid out; the plugin fills this from its config and MkDocs'."""

    output_dir: str = "plans"  # folder of the generated pages, relative to the docs root
    rules_dir: str = "rules"  # where the rule pages are, relative to the docs root
    directory_urls: bool = True  # MkDocs' use_directory_urls: IP-1.md → IP-1/ or IP-1.html
    diagrams: bool = True
    source_url: str = ""  # base for links to a plan's source, such as a repository's blob URL
    docs_dir: str = ""  # the docs folder as seen from the plans folder ("../docs"), if any


@dataclass
class Entry:
    """One plan with everything shown about it."""

    plan: Plan
    rel: str  # path inside the plans folder, with forward slashes
    findings: list[Finding] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    history: object | None = None  # gitmeta.History
    uncommitted: bool = False
    source: str = ""  # path of the file from the repository root (or the project root)
    # the plan's own part of its page, made where it was parsed (see `load`), for these options
    body: list[str] | None = None
    sketches: list[str] | None = None
    prepared: Options | None = None

    @property
    def id(self) -> str:
        stem = Path(self.rel).stem
        match = PLAN_ID.match(stem)
        return match.group(0) if match else stem

    @property
    def status(self) -> str:
        return self.plan.status if self.plan.status in STATUSES else "other"

    @property
    def author(self) -> str:
        return markup.text(self.plan.meta.get("by") or self.plan.meta.get("author"))

    @property
    def counts(self) -> Counter:
        return Counter(f.severity for f in self.findings)

    @property
    def depends_on(self) -> list[str]:
        value = self.plan.meta.get("depends_on")
        if isinstance(value, (str, int)):
            value = [value]
        return [markup.text(v).strip() for v in value or [] if markup.text(v).strip()]

    def task_progress(self) -> tuple[int, int] | None:
        known = [t for t in self.tasks if t.done is not None]
        if not known:
            return None
        return sum(1 for t in known if t.done), len(self.tasks)

    def progress(self) -> tuple[int, int]:
        """Checked items plus done tasks, out of items plus tasks (when their state is known)."""
        done, total = self.plan.progress
        tasks = self.task_progress()
        if tasks:
            done, total = done + tasks[0], total + tasks[1]
        return done, total


@dataclass
class Site:
    entries: list[Entry] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # other files in the plans folder
    shallow: bool = False
    in_repo: bool = False


# -- loading ---------------------------------------------------------------------------------


def load(plans_dir: str | os.PathLike, config=None, git: bool = True,
         root: str | os.PathLike | None = None, options: Options | None = None,
         jobs: int | None = None) -> Site:
    """Parse and lint every plan under `plans_dir` once, and read git history in one walk.

    `root` is the project folder that source paths are given from when git cannot say (by
    default the configuration's folder). With `options`, each plan's body and diagrams are
    rendered right after it is parsed, in worker processes when there are many plans: that
    is most of the work, and it needs nothing from the other plans.
    """
    from planbook.config import load_config
    from planbook.lint import PARALLEL_FROM, Linter, discover, plan_names

    folder = Path(plans_dir)
    if not folder.is_dir():
        return Site()
    config = config or load_config(start=folder)
    files = discover([str(folder)], config)
    linter = Linter(config, plan_names=plan_names(files))
    site = Site(attachments=_attachments(folder))
    rels = [Path(os.path.relpath(path, folder)).as_posix() for path in files]
    facts = None
    if git:
        from planbook import gitmeta

        facts = gitmeta.facts(folder, rels)
        site.shallow, site.in_repo = facts.shallow, facts.in_repo
    base = Path(root or config.root).resolve()
    sources = {}
    for rel in rels:
        if facts and facts.in_repo:
            sources[rel] = facts.prefix + rel
        else:
            try:
                sources[rel] = (folder / rel).resolve().relative_to(base).as_posix()
            except ValueError:
                sources[rel] = rel
    layout = Layout(rels, site.attachments, options) if options else None
    work = list(zip(files, rels, strict=True))
    jobs = jobs or min(os.cpu_count() or 1, 8)
    state = (linter, layout, sources)
    if jobs > 1 and len(work) >= PARALLEL_FROM:
        import multiprocessing

        chunks = [work[i::jobs * 4] for i in range(jobs * 4)]
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(jobs, initializer=_init_worker, initargs=(state,)) as pool:
            entries = [e for chunk in pool.imap_unordered(_read_chunk, chunks) for e in chunk]
    else:
        _init_worker(state)
        entries = _read_chunk(work)
    order = {rel: i for i, rel in enumerate(rels)}
    site.entries = sorted(entries, key=lambda e: order[e.rel])
    for entry in site.entries:
        if facts and facts.in_repo:
            entry.history = facts.histories.get(entry.rel)
            entry.uncommitted = entry.rel in facts.uncommitted
    return site


_worker_state: tuple | None = None


def _init_worker(state: tuple) -> None:
    global _worker_state
    _worker_state = state


def _read_chunk(work: list[tuple[str, str]]) -> list[Entry]:
    from planbook.parse import read_plan

    linter, layout, sources = _worker_state
    entries = []
    for path, rel in work:
        plan = read_plan(path)
        findings, _ = linter.lint_plan(plan)
        entry = Entry(plan, rel, sorted(findings, key=Finding.sort_key), source=sources[rel])
        entry.tasks = PlanFacts(plan, linter.doctype_for(plan)).tasks
        if layout is not None:
            entry.body = _body(layout, entry, layout.page[rel])
            entry.sketches = _sketches(entry) if layout.options.diagrams else []
            entry.prepared = layout.options
            entry.plan = _slim(plan)
        entries.append(entry)
    return entries


def _slim(plan: Plan) -> Plan:
    """What pages still need of a plan once its body is rendered: cheap to send between
    processes."""
    checklist = [ChecklistItem(i.checked, i.text, i.line, i.column) for i in plan.checklist]
    return Plan(path=plan.path, text=plan.text, meta=plan.meta, checklist=checklist,
                has_frontmatter=plan.has_frontmatter, doc_type=plan.doc_type)


def build(plans_dir: str | os.PathLike, options: Options | None = None, **kwargs) \
        -> tuple[Site, dict[str, str]]:
    """`load` and `render` with the same options, the plans' own parts made in parallel."""
    options = options or Options()
    site = load(plans_dir, options=options, **kwargs)
    return site, render(site, options)


def _attachments(folder: Path) -> list[str]:
    """Images and other files beside the plans, published so relative links keep working."""
    found = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(".md") and not name.startswith("."):
                found.append(Path(os.path.relpath(os.path.join(current, name), folder)).as_posix())
    return found


# -- URLs ------------------------------------------------------------------------------------


def url_of(path: str, directory_urls: bool) -> str:
    """The URL (from the site root, no leading slash) that MkDocs gives a docs file."""
    if not path.endswith(".md"):
        return path
    folder, name = posixpath.split(path[:-3])
    if name.lower() in ("index", "readme"):
        return f"{folder}/" if directory_urls and folder else \
            posixpath.join(folder, "index.html") if not directory_urls else ""
    stem = posixpath.join(folder, name)
    return f"{stem}/" if directory_urls else f"{stem}.html"


def href(from_page: str, to_path: str, directory_urls: bool) -> str:
    """A relative link from one generated page to another file of the site."""
    source, target = url_of(from_page, directory_urls), url_of(to_path, directory_urls)
    base = source.rstrip("/") if source.endswith("/") or not source else posixpath.dirname(source)
    rel = posixpath.relpath(target.rstrip("/") or ".", base or ".")
    if target.endswith("/") or not target:
        rel = "./" if rel == "." else rel + "/"
    return quote(rel)


# -- rendering -------------------------------------------------------------------------------


class Layout:
    """Where every page goes, known from the file names alone, before any plan is parsed."""

    def __init__(self, rels, attachments, options: Options):
        self.options = options
        self.out = options.output_dir.strip("/")
        self.rels = set(rels)
        self.attachments = set(attachments)
        self.page: dict[str, str] = {}
        for rel in rels:
            folder, name = posixpath.split(rel)
            if Path(name).stem.lower() in RESERVED and not folder:
                name = f"plan-{name}"
            self.page[rel] = posixpath.join(self.out, folder, name)
        self.index = posixpath.join(self.out, "index.md")
        self.board = posixpath.join(self.out, "board.md")
        self.graph = posixpath.join(self.out, "dependencies.md")

    def link(self, from_page: str, to_path: str) -> str:
        return href(from_page, to_path, self.options.directory_urls)


class _Pages(Layout):
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
            elif target.plan.status not in FINISHED:
                out.append((name, target.plan.status or "no status"))
        return out

    def source_link(self, entry: Entry, line: int = 0) -> str:
        if not self.options.source_url:
            return ""
        url = self.options.source_url.rstrip("/") + "/" + quote(entry.source)
        return f"{url}#L{line}" if line else url


def render(site: Site, options: Options | None = None) -> dict[str, str]:
    """Every generated file as text, keyed by its path from the docs root."""
    options = options or Options()
    pages = _Pages(site, options)
    out = {
        pages.index: index_page(pages),
        pages.board: board_page(pages),
        pages.graph: dependencies_page(pages),
        posixpath.join(pages.out, "plans.json"): plans_json(pages),
    }
    for entry in site.entries:
        page = pages.page[entry.rel]
        out[page] = plan_page(pages, entry)
        out[page + ".txt"] = entry.plan.text
    return out


def _lint_cell(entry: Entry) -> tuple[str, int, str]:
    """(text, sort value, css class) for a plan's lint result."""
    counts = entry.counts
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning",
                                                                        "info") if counts[s]]
    value = counts["error"] * 10_000 + counts["warning"] * 100 + counts["info"]
    css = "pb-lint-error" if counts["error"] else "pb-lint-warning" if counts["warning"] else \
        "pb-lint-clean"
    return (", ".join(parts) or "clean"), value, css


def _progress_html(done: int, total: int, label: str) -> str:
    if not total:
        return '<span class="pb-muted">none</span>'
    percent = round(100 * done / total)
    return (f'<progress class="pb-progress" value="{done}" max="{total}" '
            f'aria-label="{markup.escape(label)}: {done} of {total}"></progress> '
            f'<span class="pb-progress-text">{done}/{total}</span> '
            f'<span class="pb-muted">({percent}%)</span>')


def _badge(status: str) -> str:
    css = status if status in STATUSES else "other"
    return (f'<span class="pb-badge pb-status-{css}">'
            f'{markup.escape(status or "no status")}</span>')


def _updated(entry: Entry) -> str:
    value = markup.text(entry.plan.meta.get("updated"))
    if not value and entry.history is not None:
        value = entry.history.updated[:10]
    return value


def index_page(pages: _Pages) -> str:
    entries = pages.site.entries
    head = [WIDE, "# Plans", ""]
    if not entries:
        return "\n".join(head + ["No plans yet: add Markdown plans to the plans folder and "
                                 "build again.", ""])
    statuses = Counter(e.status for e in entries)
    failing = sum(1 for e in entries if e.counts["error"])
    summary = ", ".join(f"{statuses[s]} {STATUS_TITLES[s].lower()}" for s in
                        (*STATUSES, "other") if statuses[s])
    head += [f"{len(entries)} plan{'s' if len(entries) != 1 else ''}: {summary}. "
             f"{failing} with lint errors. [Status board]({posixpath.basename(pages.board)}) · "
             f"[Dependencies]({posixpath.basename(pages.graph)}) · "
             f"[plans.json](plans.json)", ""]
    options = "".join(f'<option value="{s}">{STATUS_TITLES[s]}</option>'
                      for s in (*STATUSES, "other") if statuses[s])
    rows = []
    for entry in entries:
        plan = entry.plan
        lint, lint_value, lint_css = _lint_cell(entry)
        checked, items = plan.progress
        tasks = entry.task_progress()
        task_text = f"{tasks[0]}/{tasks[1]} done" if tasks else str(len(entry.tasks))
        link = pages.link(pages.index, pages.page[entry.rel])
        flags = ' <span class="pb-flag">uncommitted</span>' if entry.uncommitted else ""
        search = " ".join((plan.title, entry.rel, entry.author, entry.status,
                           markup.text(plan.meta.get("component")))).lower()
        updated = _updated(entry)
        rows.append(
            f'<tr data-status="{entry.status}" data-search="{markup.escape(search)}">'
            f'<td data-sort="{markup.escape(plan.title.lower())}"><a href="{link}">'
            f"{markup.escape(plan.title)}</a>{flags}"
            f'<br><small class="pb-muted">{markup.escape(entry.rel)}</small></td>'
            f'<td data-sort="{STATUSES.index(entry.status) if entry.status in STATUSES else 9}">'
            f"{_badge(plan.status)}</td>"
            f"<td>{markup.escape(entry.author)}</td>"
            f"<td>{markup.escape(plan.meta.get('component'))}</td>"
            f'<td data-sort="{markup.escape(updated)}" class="pb-nowrap">'
            f"{markup.escape(updated)}</td>"
            f'<td data-sort="{checked / items if items else -1:.4f}">'
            f"{_progress_html(checked, items, 'Checklist')}</td>"
            f'<td data-sort="{len(entry.tasks)}">{task_text}</td>'
            f'<td data-sort="{lint_value}" class="{lint_css}">{lint}</td></tr>'
        )
    table = (
        '<div class="pb-index">\n'
        '<div class="pb-controls" hidden><label>Filter <input type="search" class="pb-filter" '
        'placeholder="Title, author, component…" aria-label="Filter plans"></label> '
        '<label>Status <select class="pb-status-filter" aria-label="Filter by status">'
        f'<option value="">All</option>{options}</select></label> '
        '<span class="pb-count" aria-live="polite"></span></div>\n'
        '<table class="pb-table pb-sortable"><thead><tr>'
        + "".join(f'<th scope="col">{name}</th>' for name in (
            "Title", "Status", "Author", "Component", "Updated", "Checklist", "Tasks", "Lint"))
        + "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n</div>"
    )
    return "\n".join(head + [table, ""])


def board_page(pages: _Pages) -> str:
    lines = [WIDE, "# Status board", "",
             "Plans by status. A red edge marks lint errors; an amber note marks a plan that "
             "depends on plans not done yet.", ""]
    by_status: dict[str, list[Entry]] = {}
    for entry in pages.site.entries:
        by_status.setdefault(entry.status, []).append(entry)
    columns = []
    for status in (*STATUSES, "other"):
        members = by_status.get(status, [])
        if status == "other" and not members:
            continue
        cards = []
        for entry in members:
            errors = entry.counts["error"]
            waiting = pages.waiting_on(entry) if entry.plan.status not in FINISHED | \
                {"abandoned"} else []
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
            link = pages.link(pages.board, pages.page[entry.rel])
            cards.append(
                f'<li class="{css}"><a href="{link}">{markup.escape(entry.plan.title)}</a>'
                f'<div class="pb-muted">{markup.escape(entry.author)}</div>'
                f"<div>{_progress_html(done, total, 'Progress')}</div>"
                + ("<div>" + " ".join(notes) + "</div>" if notes else "") + "</li>")
        columns.append(
            f'<section class="pb-column pb-column-{status}"><h2 class="pb-column-title">'
            f'{STATUS_TITLES[status]} <span class="pb-muted">{len(members)}</span></h2>'
            f'<ul>{"".join(cards) or EMPTY}</ul></section>')
    lines += ['<div class="pb-board">\n' + "\n".join(columns) + "\n</div>", ""]
    return "\n".join(lines)


def _plan_nodes(pages: _Pages, entries: list[Entry], from_page: str, current: str = ""):
    nodes = []
    for entry in entries:
        css = f"pb-status-{entry.status}" + (" pb-current" if entry.rel == current else "")
        nodes.append(diagrams.Node(entry.rel, entry.id, entry.plan.title, css,
                                   pages.link(from_page, pages.page[entry.rel]),
                                   f"{entry.plan.title} ({entry.plan.status or 'no status'})"))
    return nodes


def _plan_edges(pages: _Pages, entries: list[Entry]) -> list[tuple[str, str]]:
    keep = {e.rel for e in entries}
    edges = []
    for entry in entries:
        for name in entry.depends_on:
            target = pages.resolve(name)
            if target is not None and target.rel in keep:
                edges.append((target.rel, entry.rel))
    return edges


def dependencies_page(pages: _Pages) -> str:
    lines = ["# Plan dependencies", "",
             "Each arrow runs from a plan to a plan that lists it in `depends_on`.", ""]
    linked = {e.rel for e in pages.site.entries if e.depends_on} | set(pages.needed_by)
    entries = [e for e in pages.site.entries if e.rel in linked]
    if not entries:
        return "\n".join(lines + ["No plan declares `depends_on` yet.", ""])
    missing = [(e, name) for e in entries for name in e.depends_on if pages.resolve(name) is None]
    if pages.options.diagrams:
        svg = diagrams.graph_svg(_plan_nodes(pages, entries, pages.graph),
                                 _plan_edges(pages, entries), "Plans linked by depends_on",
                                 "pb-arrow-plans")
        lines += [_figure(svg), ""]
    if missing:
        lines += ["Dependencies that name no plan:", ""]
        lines += [f"- {markup.md_escape(e.plan.title)}: {markup.md_escape(name)}"
                  for e, name in missing]
        lines.append("")
    return "\n".join(lines)


def plans_json(pages: _Pages) -> str:
    rows = []
    for entry in pages.site.entries:
        plan = entry.plan
        checked, items = plan.progress
        history = entry.history
        rows.append({
            "path": entry.rel,
            "page": url_of(pages.page[entry.rel], pages.options.directory_urls),
            "id": entry.id,
            "title": plan.title,
            "status": plan.status,
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


def plan_page(pages: _Pages, entry: Entry) -> str:
    page = pages.page[entry.rel]
    ready = entry.prepared == pages.options
    parts = [f"# {markup.md_escape(entry.plan.title)}", "", _card(pages, entry, page), ""]
    parts += _findings(pages, entry, page)
    if pages.options.diagrams:
        sketches = entry.sketches if ready else _sketches(entry)
        related = _related(pages, entry, page)
        if sketches or related:
            parts += ["## Diagrams", "", *sketches, *related]
    parts += entry.body if ready else _body(pages, entry, page)
    return "\n".join(parts)


def _card(pages: _Pages, entry: Entry, page: str) -> str:
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
            " (shallow clone: may be later than the real first commit)" if pages.site.shallow
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
    elif pages.site.in_repo:
        add("Git", "not committed yet")
    add("Doc type", entry.plan.doc_type)
    add("Tags", markup.text(meta.get("tags")))
    if entry.depends_on:
        links = []
        for name in entry.depends_on:
            target = pages.resolve(name)
            if target is None:
                links.append(f"{markup.escape(name)} <span class=pb-muted>(not found)</span>")
            else:
                links.append(f'<a href="{pages.link(page, pages.page[target.rel])}">'
                             f"{markup.escape(name)}</a> {_badge(target.plan.status)}")
        add("Depends on", ", ".join(links), raw=True)
    needed = pages.needed_by.get(entry.rel, [])
    if needed:
        add("Needed by", ", ".join(
            f'<a href="{pages.link(page, pages.page[e.rel])}">{markup.escape(e.id)}</a>'
            for e in needed), raw=True)
    source = f'<a href="{pages.link(page, page + ".txt")}">{markup.escape(entry.source)}</a>'
    remote = pages.source_link(entry)
    if remote:
        source += f' · <a href="{markup.escape(remote)}">repository</a>'
    add("Source", source, raw=True)
    badges = [_badge(entry.plan.status)]
    if entry.uncommitted:
        badges.append('<span class="pb-flag">uncommitted</span>')
    lint, _, lint_css = _lint_cell(entry)
    badges.append(f'<span class="pb-flag {lint_css}">lint: {lint}</span>')
    done, total = entry.progress()
    checked, items = entry.plan.progress
    tasks = entry.task_progress()
    what = [f"checklist {checked} of {items}" if items else "no checklist"]
    what.append(f"tasks {tasks[0]} of {tasks[1]} done" if tasks else f"{len(entry.tasks)} tasks")
    progress = (f'<div class="pb-card-progress"><strong>Progress</strong> '
                f"{_progress_html(done, total, 'Progress')} "
                f'<span class="pb-muted">{"; ".join(what)}</span></div>')
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    description = markup.text(meta.get("description"))
    lead = f'<p class="pb-lead">{markup.escape(description)}</p>' if description else ""
    return (f'<div class="pb-card"><div class="pb-card-badges">{" ".join(badges)}</div>{lead}'
            f'<dl class="pb-facts">{rows}</dl>{progress}</div>')


def _findings(pages: _Pages, entry: Entry, page: str) -> list[str]:
    out = ["## Findings", ""]
    if not entry.findings:
        return out + ["No findings: the plan passes every rule that applies to it.", ""]
    out += ["| Line | Rule | Severity | Message |", "| ---: | --- | --- | --- |"]
    base = posixpath.dirname(page)
    for finding in sorted(entry.findings,
                          key=lambda f: (f.line, SEVERITY_ORDER.get(f.severity, 3), f.code)):
        rule = posixpath.relpath(posixpath.join(pages.options.rules_dir, f"{finding.code}.md"),
                                 base or ".")
        line = str(finding.line)
        remote = pages.source_link(entry, finding.line)
        if remote:
            line = f"[{line}]({remote})"
        out.append(f"| {line} | [{finding.code}]({quote(rule)}) {markup.md_escape(finding.name)} "
                   f"| {finding.severity} | {markup.md_escape(finding.message)} |")
    return out + [""]


def _figure(svg: str) -> str:
    """A diagram, kept out of the search index: its labels repeat the page's text."""
    return f'<figure class="pb-diagram" data-search-exclude>{svg}</figure>'


def _sketches(entry: Entry) -> list[str]:
    """The diagrams drawn from the plan alone: its task graph and its gantt."""
    out: list[str] = []
    tasks = entry.tasks
    if tasks:
        out += ["### Task dependencies", "",
                _figure(diagrams.task_graph_svg(tasks)), ""]
    gantt = sequence.find_gantt(entry.plan)
    if gantt is not None:
        out += ["### Implementation sequence", ""]
        problems = sequence.check_sequence(gantt, tasks) if tasks else []
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
            out += [_figure(svg), ""]
    return out


def _related(pages: _Pages, entry: Entry, page: str) -> list[str]:
    """The plans this one depends on and those that depend on it, as a graph."""
    neighbours = [entry]
    for name in entry.depends_on:
        target = pages.resolve(name)
        if target is not None and target not in neighbours:
            neighbours.append(target)
    neighbours += [e for e in pages.needed_by.get(entry.rel, []) if e not in neighbours]
    if len(neighbours) > 1:
        svg = diagrams.graph_svg(_plan_nodes(pages, neighbours, page, entry.rel),
                                 _plan_edges(pages, neighbours), "Plans this plan is linked to",
                                 "pb-arrow-plans")
        return ["### Related plans", "", _figure(svg), ""]
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


def write(files: dict[str, str], folder: str | os.PathLike) -> int:
    """Write rendered files under `folder`; return how many."""
    root = Path(folder)
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return len(files)
