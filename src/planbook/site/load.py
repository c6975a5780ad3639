"""Plans in, entries out: everything the site shows about each plan, gathered in one pass.

`load` reads a plans folder once through the linter, so the site shows exactly the findings
`planbook lint` reports, takes each plan's tasks, asks git once for history, and works out
where each plan's source lives. It renders nothing itself: a caller that wants each plan's
own part of its page made in the worker that parsed the plan passes `prepare`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import field
from pathlib import Path

from planbook.doctypes import LifecycleSpec
from planbook.facts import PlanFacts, Task, status_of
from planbook.model import Finding, Plan
from planbook.names import PLAN_ID
from planbook.records import record
from planbook.site import markup
from planbook.site.urls import Layout, Options

UNTYPED = LifecycleSpec(finished=("done", "abandoned"))
SEPARATORS = re.compile(r"[\s_]+")
DIGITS = re.compile(r"\d+")


def lifecycle_order(life: LifecycleSpec) -> tuple[str, ...]:
    """The lifecycle's statuses in the order a plan meets them: the flow as declared, then the
    statuses reachable from any other (abandoned…)."""
    order: list[str] = []
    for status, targets in life.transitions.items():
        for name in (status, *targets):
            if name.lower() not in order and name not in life.from_any:
                order.append(name.lower())
    order += [s.lower() for s in life.from_any if s.lower() not in order]
    return tuple(order)


def status_key(written: str, canonical: str, known: tuple[str, ...],
               aliases: dict[str, str] | None = None) -> str:
    """The status a plan is shown under: what its doc type makes of it (an `open` pattern of
    the status field maps other wordings), else what the configuration's `status-aliases`
    say it means (completed → done), else the lifecycle status it spells with other separators
    (`in_progress`, `In Progress` → `in-progress`), else its own words."""
    if canonical in known:
        return canonical
    respell = SEPARATORS.sub("-", written.strip().lower())
    for key, target in (aliases or {}).items():
        if SEPARATORS.sub("-", key.strip().lower()) == respell:
            return target.strip().lower()
    return respell if respell in known else canonical


def natural_key(text: str) -> str:
    """A sort key that orders the numbers inside text by value: IP-2 before IP-10."""
    return DIGITS.sub(lambda m: m.group(0).zfill(12), text.lower())


@record(many=True)
class Entry:
    """One plan with everything shown about it."""

    plan: Plan
    rel: str  # path inside the plans folder, with forward slashes
    findings: list[Finding] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    history: object | None = None  # gitmeta.History
    trace: object | None = None  # trace.PlanTrace: commits per task, criteria and results
    uncommitted: bool = False
    source: str = ""  # path of the file from the repository root (or the project root)
    facts: PlanFacts | None = None  # the plan read through its doc type, until `prepare`
    done: bool = False  # its lifecycle says the work is complete
    title: str = ""  # its title field, else its H1, else its path inside the plans folder
    finished: bool = False  # its lifecycle says nothing is left to do (done, abandoned…)
    status: str = ""  # the status it is shown under, lower case (see `status_key`); "" for none
    written_status: str = ""  # the status as its frontmatter holds it, lower case
    lifecycle: tuple[str, ...] = ()  # its doc type's statuses, in order
    yaml_errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    verbatim: bool = False  # the file's bytes are its text as UTF-8: publishable as it is
    # the plan's own part of its page, made where it was parsed (see `load`), for these options
    body: list[str] | None = None
    anchors: list[int] | None = None  # lines of the body a link can point at (pb-L<line>)
    sketches: list[str] | None = None
    prepared: Options | None = None
    prepared_key: str = ""  # what `prepare` made it from, when a later load may reuse it

    @property
    def id(self) -> str:
        stem = Path(self.rel).stem
        match = PLAN_ID.match(stem)
        return match.group(0) if match else stem

    @property
    def known_status(self) -> bool:
        """Whether its doc type's lifecycle names the status it is shown under."""
        return self.status in self.lifecycle

    @property
    def sort_key(self) -> str:
        return natural_key(self.rel)

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


@record
class Site:
    """Everything a site build reads: the plans' entries, the other files beside them,
    and what git knows."""

    entries: list[Entry] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # other files in the plans folder
    shallow: bool = False
    in_repo: bool = False
    repo_url: str = ""  # mkdocs.yml's repo_url, for links to commits


# (layout, entry) → None: finishes an entry in the worker that read it
Prepare = Callable[[Layout, Entry], None]


def load(plans_dir: str | os.PathLike, config=None, git: bool = True,
         root: str | os.PathLike | None = None, options: Options | None = None,
         jobs: int | None = None, prepare: Prepare | None = None, junit=(),
         repo_url: str = "", prepared: dict | None = None) -> Site:
    """Parse and lint every plan under `plans_dir` once, and read git history in one walk.

    `root` is the project folder that source paths are given from when git cannot say (by
    default the configuration's folder). With `prepare`, each entry is handed to it with the
    layout for `options` right after its plan is parsed, in worker processes when there are
    many plans: the plan page renders the plan's own part there, which is most of the work
    and needs nothing from the other plans.

    `prepared` holds what `prepare` made in an earlier load (a `mkdocs serve` rebuild), by a
    key of everything it is made from: a plan whose key is there keeps those parts, and
    `prepare` renders nothing for it again. Each entry carries its key (`prepared_key`).
    """
    from planbook.config import load_config
    from planbook.lint import Linter, discover, plan_names
    from planbook.workers import map_items

    folder = Path(plans_dir)
    if not folder.is_dir():
        return Site()
    config = config or load_config(start=folder)
    files = discover([str(folder)], config)
    from planbook import trace

    try:
        index = trace.gather(files, config, junit, history=git, root=folder)
    except trace.GitError:  # git failed: the site builds without commits
        index = trace.gather(files, config, junit, history=False, root=folder)
    linter = Linter(config, plan_names=plan_names(files), trace_index=index)
    site = Site(attachments=attachments(folder), repo_url=repo_url)
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
    layout = Layout(rels, site.attachments, options or Options()) if prepare else None
    work = list(zip(files, rels, strict=True))
    base = None
    if prepare is not None and prepared is not None:
        from planbook.cache import run_key

        team = config.team_doctypes()
        base = run_key("prepared", repr(config), repr(layout.options), sorted(rels),
                       site.attachments,
                       [(name, repr(d), d.template_text) for name, d in sorted(team.items())])
    state = (linter, sources, layout, prepare, config.status_aliases, prepared or {}, base)
    site.entries = map_items(_read, state, work, jobs)
    for entry in site.entries:
        if facts and facts.in_repo:
            entry.history = facts.histories.get(entry.rel)
            entry.uncommitted = entry.rel in facts.uncommitted
    return site


def _read(state: tuple, work: tuple[str, str]) -> Entry:
    """One plan: parsed, linted, its tasks taken, and finished by `prepare` when given."""
    from planbook.parse import Unreadable, read_file, read_plan

    linter, sources, layout, prepare, aliases, prepared, base = state
    path, rel = work
    plan = read_plan(path)
    try:  # the file again, from the page cache: its copy on the site need not be held
        data = read_file(path)
    except Unreadable:
        data = None
    verbatim = bool(plan.text) and data == plan.text.encode("utf-8")
    facts = linter.facts(plan)
    findings, _ = linter.lint_plan(plan, facts)
    entry = Entry(plan, rel, sorted(findings, key=Finding.sort_key), source=sources[rel],
                  facts=facts, verbatim=verbatim)
    entry.tasks = facts.tasks
    entry.trace = linter.trace(facts)
    entry.title = facts.title or rel
    # a plan of no known type is read as an implementation plan would be
    life = facts.doctype.lifecycle if facts.doctype else UNTYPED
    entry.lifecycle = lifecycle_order(life)
    entry.written_status = status_of(plan, life.field)
    entry.status = status_key(entry.written_status, facts.status, entry.lifecycle, aliases)
    entry.done, entry.finished = life.is_done(entry.status), life.is_finished(entry.status)
    entry.yaml_errors = [(line, message) for code, line, _, message in plan.parse_findings
                         if code == "FM003"]
    if base is not None and data is not None:
        import hashlib

        digest = hashlib.sha256(f"{base}\0{rel}\0{entry.source}\0".encode())
        digest.update(data)
        entry.prepared_key = digest.hexdigest()
    made = prepared.get(entry.prepared_key) if entry.prepared_key else None
    if made is not None:  # the same plan, in the same site, as in the load that made these
        entry.body, entry.anchors, entry.sketches = made
    if prepare is not None:
        prepare(layout, entry)
    return entry


# Files a browser runs script from when they are opened from the site's own origin: never
# published. An SVG is published only when it holds nothing that can run (see `_inert_svg`).
ACTIVE = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml",
                    ".xsl", ".xslt", ".svgz", ".js", ".mjs", ".swf"})
_SVG_ACTIVE = re.compile(rb"<\s*script|<\s*foreignObject|\bon[a-z]+\s*=|javascript:|"
                         rb"<!ENTITY|<\s*(?:iframe|embed|object)|"
                         rb"\bhref\s*=(?!\s*[\"']?\s*#)", re.IGNORECASE)


def attachments(folder: Path) -> list[str]:
    """Images and other files beside the plans, published so relative links keep working;
    never a file that could run script on the site (HTML, XML, an SVG with script)."""
    found = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") or name.startswith("."):
                continue
            path = os.path.join(current, name)
            suffix = os.path.splitext(name)[1].lower()
            if suffix in ACTIVE or (suffix == ".svg" and not _inert_svg(path)):
                continue
            found.append(Path(os.path.relpath(path, folder)).as_posix())
    return found


def _inert_svg(path: str) -> bool:
    """An SVG with no script, handler, foreign HTML, entity or link out: a drawing only."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(5 * 1024 * 1024 + 1)
    except OSError:
        return False
    return len(data) <= 5 * 1024 * 1024 and _SVG_ACTIVE.search(data) is None
