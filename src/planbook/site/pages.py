"""Plans in, site files out: the one core behind the MkDocs plugin and `planbook site export`.

`Settings` are the plugin's options as mkdocs.yml or MkDocs gives them; `Settings.options`
derives the render options from them, the one way both callers get them. `site_files` yields
every file of the site from there: the generated pages (index, board, dependencies, one per
plan), plans.json, the `.txt` copy of each plan, the rule pages when the docs folder lacks
them, the plans' own files and the stylesheet and script. The plugin hands them to MkDocs and
the export writes them, so the two can never drift apart.

`build` is `load` and `render` with the same options: each plan's own part of its page is
made in the worker that parsed it (`plan_page.prepare`), the pages about all plans after.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import field
from pathlib import Path

from planbook.records import record
from planbook.site import overview, plan_page
from planbook.site.held import Held
from planbook.site.load import Site, load
from planbook.site.urls import Layout, Options
from planbook.site.view import SiteView

ASSETS = Path(__file__).parent / "assets"
ASSET_DIR = "assets/planbook"  # where the stylesheet and script go in the site


@record
class Settings:
    """The plugin's options (mkdocs.yml's or their defaults), and the two MkDocs settings the
    pages depend on. Paths are relative to the project folder (that of mkdocs.yml), or absolute."""

    plans_dir: str = "plans"
    output_dir: str = "plans"
    rules_dir: str = "rules"
    diagrams: bool = True
    git: bool = True
    source_url: str = ""
    directory_urls: bool = True
    docs_dir: str = "docs"
    junit: list[str] = field(default_factory=list)  # JUnit XML results, for traceability
    repo_url: str = ""  # MkDocs' repo_url: commits link there

    def plans_path(self, root: str | os.PathLike) -> Path:
        return (Path(root) / self.plans_dir).resolve()

    def options(self, root: str | os.PathLike) -> Options:
        docs = (Path(root) / self.docs_dir).resolve()
        return Options(
            output_dir=self.output_dir, rules_dir=self.rules_dir.strip("/"),
            directory_urls=self.directory_urls, diagrams=self.diagrams,
            source_url=self.source_url,
            docs_dir=Path(os.path.relpath(docs, self.plans_path(root))).as_posix())


@record(frozen=True, many=True)
class SiteFile:
    """One file of the site: generated `text`, or a `source` file published as it is."""

    path: str  # from the docs root, with forward slashes
    text: str | None = None
    source: Path | None = None
    plan: Path | None = None  # the plan a page is made from, for an "edit this page" link
    held: tuple[str, ...] = ()  # the HTML blocks `text` holds placeholders for (see `held`)


def site_files(settings: Settings, root: str | os.PathLike,
               in_docs: Callable[[str], bool], prepared: dict | None = None,
               hold: bool = False) -> tuple[Site, list[SiteFile]]:
    """The plans as loaded, and every file of the site in the order MkDocs is given them.

    `in_docs(path)` says whether the docs folder already has a file: the rule pages are
    generated only when it has no `<rules_dir>/index.md`. `prepared` (see `build`) carries
    each plan's own part of its page from one call to the next. With `hold`, the generated pages
    hold their HTML blocks out of their text (each file's `held`), for the plugin to put
    back once MkDocs has made the text HTML.
    """
    options = settings.options(root)
    plans_dir = settings.plans_path(root)
    held: dict[str, tuple[str, ...]] | None = {} if hold else None
    site, generated = build(plans_dir, options, git=settings.git, root=root,
                            junit=[Path(root) / j for j in settings.junit],
                            repo_url=settings.repo_url, prepared=prepared, held=held)
    if not in_docs(f"{options.rules_dir}/index.md"):
        generated.update(rule_pages(options.rules_dir))
    out = options.output_dir.strip("/")
    layout = Layout([e.rel for e in site.entries], site.attachments, options)
    made_from = {layout.page[e.rel]: plans_dir / e.rel for e in site.entries}
    # a plan's Markdown copy is the plan file itself when its bytes are its text
    copies = {layout.page[e.rel] + ".txt": plans_dir / e.rel
              for e in site.entries if e.verbatim}
    files = [SiteFile(path, source=copies[path]) if path in copies
             else SiteFile(path, text=text, plan=made_from.get(path),
                           held=held.get(path, ()) if held else ())
             for path, text in generated.items()]
    files += [SiteFile(f"{out}/{rel}", source=plans_dir / rel) for rel in site.attachments]
    files += [SiteFile(f"{ASSET_DIR}/{asset.name}", source=asset)
              for asset in sorted(ASSETS.iterdir()) if asset.is_file()]
    return site, files


def build(plans_dir: str | os.PathLike, options: Options | None = None,
          prepared: dict | None = None, held: dict | None = None,
          **kwargs) -> tuple[Site, dict[str, str]]:
    """`load` and `render` with the same options, the plans' own parts made in parallel.

    With `prepared` (a dict, empty at first), the plans' own parts made by the last call are
    reused where the plan and the site around it are the same, and the dict is left holding
    this call's: the rebuilds of `mkdocs serve` render again only the plans that changed.
    """
    options = options or Options()
    site = load(plans_dir, options=options, prepare=plan_page.prepare, prepared=prepared,
                **kwargs)
    if prepared is not None:
        prepared.clear()
        prepared.update({e.prepared_key: (e.body, e.anchors, e.sketches)
                         for e in site.entries if e.prepared_key})
    return site, render(site, options, release=True, held=held)


def render(site: Site, options: Options | None = None, release: bool = False,
           held: dict | None = None) -> dict[str, str]:
    """Every generated page as text, keyed by its path from the docs root.

    With `release`, each plan's rendered body and drawings are dropped from its entry once
    its page holds them, so a large site never holds both at once (the entries cannot be
    rendered again after that). With `held` (a dict), each page holds its HTML blocks out of
    its text, and `held` maps the page to them.
    """
    view = SiteView(site, options or Options())

    def made(page: str, render, *args) -> str:
        if held is None:
            return render(*args)
        blocks = Held()
        text = render(*args, blocks.hold)
        if blocks.blocks:
            held[page] = tuple(blocks.blocks)
        return text

    out = {
        view.index: made(view.index, overview.index_page, view),
        view.board: made(view.board, overview.board_page, view),
        view.graph: made(view.graph, overview.dependencies_page, view),
        view.data: overview.plans_json(view),
    }
    for entry in site.entries:
        page = view.page[entry.rel]
        out[page] = made(page, plan_page.render, view, entry)
        out[page + ".txt"] = entry.plan.text
        if release:
            entry.body = entry.sketches = None
    return out


def rule_pages(folder: str) -> dict[str, str]:
    """The rule reference, for sites whose docs folder does not carry it."""
    from planbook.docs import index_page, rule_page
    from planbook.rules import all_rules

    rules = all_rules()
    out = {f"{folder}/{rule.code}.md": rule_page(rule) for rule in rules.values()}
    out[f"{folder}/index.md"] = index_page(rules)
    return out
