"""The `planbook` MkDocs plugin: MkDocs glue over `pages.site_files`, and nothing else.

It translates its config and MkDocs' into `pages.Settings`, adds the files the core yields,
logs, ships the stylesheet and script in `extra_css`/`extra_javascript`, keeps Material's
search worker shim local, escapes what MkDocs makes of plan text where the theme prints it
as HTML (a plan's title in `<title>`, plan folder names in the nav), and has `mkdocs serve`
watch the plans folder. It keeps the HTML blocks of the pages it generates out of
Python-Markdown's way and puts them back in the page's HTML (`held`), lets `reuse` hand back
pages of the last build that nothing has changed, and lets go of a generated page's text once
the page is written.
"""

from __future__ import annotations

import html
import os
import posixpath
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from planbook.extras import MissingExtra, require

try:  # MkDocs reports a ValidationError raised while loading a plugin as one plain line
    require("site", "the planbook MkDocs plugin")
except MissingExtra as exc:
    raise base.ValidationError(str(exc)) from None

from planbook.site import pages  # noqa: E402 (needs nh3, checked just above)

log = get_plugin_logger(__name__)
SHIM = f"{pages.ASSET_DIR}/iframe-worker-shim.js"
# plugins known to read no page's Markdown or HTML after the page is built: with only these,
# a generated page's text is released once written, so memory grows with the largest plan
QUIET_PLUGINS = frozenset({"search", "offline", "planbook"})
ON_DEMAND = f"{pages.ASSET_DIR}/search-on-demand.js"  # runs before the theme's own script
# Markdown extensions that rewrite a page's raw HTML (comments stripped, paths converted,
# images inlined, critic marks read): with one of them, the HTML goes through Markdown
REWRITE_HTML = frozenset({"pymdownx.striphtml", "pymdownx.pathconverter", "pymdownx.b64",
                          "pymdownx.critic"})


class PlanbookConfig(base.Config):
    plans_dir = c.Type(str, default="plans")  # relative to the folder of mkdocs.yml
    output_dir = c.Type(str, default="plans")  # where the pages go in the site
    rules_dir = c.Type(str, default="rules")  # where the rule pages are (or are generated)
    diagrams = c.Type(bool, default=True)
    git = c.Type(bool, default=True)  # history from git; off for a tarball or a shallow clone
    source_url = c.Type(str, default="")  # e.g. https://example.org/org/repo/blob/main
    junit = c.ListOfItems(c.Type(str), default=[])  # JUnit XML results, for traceability


class PlanbookPlugin(BasePlugin[PlanbookConfig]):
    reuse = None  # reuse.Reuse: pages of earlier builds
    held: dict[str, tuple[str, ...]] = {}  # page → the HTML blocks its Markdown holds out
    unindexed: dict[str, tuple[tuple[str, ...], set[int]]] = {}  # page → blocks put back
    # after the search plugin read it: the blocks, and the numbers of those put back before
    search_skips_unindexed = False  # the search plugin leaves out data-search-exclude

    def on_startup(self, *, command, dirty):
        """Defined, so that MkDocs keeps this plugin across `mkdocs serve` rebuilds: the pages
        each build renders are kept for the next one."""
        from planbook.site.reuse import Reuse

        self.reuse = Reuse(keep_in_memory=command == "serve")

    def on_config(self, config):
        self.root = Path(config.config_file_path or ".").resolve().parent
        for path, extra in (("planbook.css", config.extra_css),
                            ("planbook.js", config.extra_javascript)):
            url = f"{pages.ASSET_DIR}/{path}"
            if url not in [str(item) for item in extra]:
                extra.append(url)
        _local_worker_shim(config)
        return config

    def settings(self, config) -> pages.Settings:
        """This plugin's options and the MkDocs settings the pages depend on. Read when the
        files are gathered: the offline plugin turns directory URLs off in its own on_config."""
        return pages.Settings(
            plans_dir=self.config.plans_dir, output_dir=self.config.output_dir,
            rules_dir=self.config.rules_dir, diagrams=self.config.diagrams,
            git=self.config.git, source_url=self.config.source_url,
            directory_urls=config.use_directory_urls, docs_dir=config.docs_dir,
            junit=list(self.config.junit), repo_url=config.repo_url or "")

    def on_files(self, files: Files, config) -> Files:
        from planbook.config import ConfigError

        settings = self.settings(config)
        try:
            site, generated = pages.site_files(
                settings, self.root,
                in_docs=lambda path: files.get_file_from_path(path) is not None,
                prepared=self.reuse.prepared if self.reuse and self.reuse.keep_in_memory
                else None, hold=_holds_html(config))
        except (ConfigError, ValueError) as exc:
            raise PluginError(f"planbook: {exc}") from None
        if site.shallow:
            log.warning(
                "the plans come from a shallow git clone: first-commit dates and authors are "
                "cut off at the clone's depth. Fetch the whole history (for example "
                "'fetch-depth: 0' on a CI checkout) or set 'git: false' for the planbook plugin.")
        plans_dir = settings.plans_path(self.root)
        for existing in list(files):  # the plans as files of the docs folder: published below
            if existing.abs_src_path and not existing.generated_by and \
                    Path(existing.abs_src_path).resolve().is_relative_to(plans_dir):
                files.remove(existing)
        docs_dir = Path(config.docs_dir).resolve()
        self.cache_folder = _cache_folder(plans_dir, self.root)
        self.held, self.unindexed = {}, {}
        self.search_skips_unindexed = _search_skips_unindexed(config)
        for file in generated:
            if file.held:
                self.held[file.path] = file.held
            if file.text is not None:
                made = File.generated(config, file.path, content=file.text)
                if file.plan is not None:  # "edit this page" leads to the plan itself
                    made.edit_uri = Path(os.path.relpath(file.plan, docs_dir)).as_posix()
                _replace(files, made)
            else:
                _replace(files, File.generated(config, file.path,
                                               abs_src_path=os.fspath(file.source)))
        if files.get_file_from_path("index.md") is None and \
                files.get_file_from_path("README.md") is None:
            _replace(files, File.generated(config, "index.md", content=home_page(
                config.site_name, settings.output_dir.strip("/"), len(site.entries))))
        log.info("%d plans rendered into %s/", len(site.entries), settings.output_dir.strip("/"))
        return files

    @event_priority(100)  # first: every other plugin sees the page's whole HTML
    def on_page_content(self, html: str, page, config, files):
        """Put back the HTML blocks the page's Markdown held out, with their anchors. A
        generated page's Markdown is not needed once it is HTML: let it go."""
        blocks = self.held.pop(page.file.src_uri, None) if _ours(page) else None
        if blocks:
            from planbook.site.held import anchor_ids, restore
            from planbook.site.markup import Unindexed

            later = {n for n, block in enumerate(blocks) if isinstance(block, Unindexed)} \
                if self.search_skips_unindexed else set()
            try:
                html = restore(html, blocks, keep=later)
            except ValueError as exc:
                raise PluginError(f"planbook: {page.file.src_uri}: {exc}") from None
            if later:  # kept until the page is written: only those blocks, not the others too
                self.unindexed[page.file.src_uri] = (
                    tuple(block if n in later else "" for n, block in enumerate(blocks)),
                    set(range(len(blocks))) - later)
            page.present_anchor_ids = (page.present_anchor_ids or set()) | anchor_ids(blocks)
        if _ours(page) and _quiet(config):
            page.markdown = ""  # the title stays: MkDocs took it from the render
            page.file.content_string = ""
        return html

    def on_nav(self, nav, config, files):
        """Escape the nav titles MkDocs makes from the plans' folder names.

        Without a `nav` in mkdocs.yml, each folder of plans becomes a section titled with the
        folder's name, and themes print section titles as HTML: a folder named `<img src=x
        onerror=…>` would run in every page's navigation.
        """
        if config.nav is None:
            for section in _sections(nav.items):
                if all(getattr(page.file, "generated_by", None) == "planbook"
                       for page in _pages(section)):
                    section.title = html.escape(section.title)
        from planbook.site.reuse import Reuse, extensions_read_only_the_page

        if self.reuse is None:
            self.reuse = Reuse()
        # every page but the plans' own is kept on disk: the rule reference and the guide are
        # the same from one build to the next, and the plans, thousands of them, change
        plans = self.config.output_dir.strip("/") + "/"
        self.reuse.start(config, files, getattr(self, "cache_folder", None),
                         on_disk={f.src_uri for f in files if f.is_documentation_page() and
                                  not (f.generated_by == "planbook" and
                                       f.src_uri.startswith(plans))},
                         templates=_quiet(config))
        self.reuse_markdown = extensions_read_only_the_page(config)
        self.nav = nav
        return nav

    @event_priority(-100)  # last: the Markdown as every other plugin left it
    def on_page_markdown(self, markdown: str, page, config, files):
        if self.reuse is not None and self.reuse_markdown:
            self.reuse.markdown(page, markdown, self.held.get(page.file.src_uri, ()))
        return markdown

    def on_env(self, env, config, files):
        if self.reuse is not None:
            self.reuse.install(env, config, self.nav)
        return env

    def on_post_build(self, config):
        if self.reuse is not None:
            self.reuse.finish()

    @event_priority(-100)  # last: after the search plugin has read the page
    def on_page_context(self, context, page, config, nav):
        """The blocks the search index leaves out, back in the page once it is indexed; an
        edit link to a plan outside the docs folder, written without `..` in it."""
        unindexed = self.unindexed.pop(page.file.src_uri, None)
        if unindexed:
            from planbook.site.held import restore

            try:
                page.content = restore(page.content, unindexed[0], keep=unindexed[1])
            except ValueError as exc:
                raise PluginError(f"planbook: {page.file.src_uri}: {exc}") from None
        url = getattr(page, "edit_url", None)
        if url and "/../" in url and getattr(page.file, "generated_by", None) == "planbook":
            from urllib.parse import urlsplit, urlunsplit

            parts = urlsplit(url)
            path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
            page.edit_url = urlunsplit(parts._replace(path=path))
        return context

    def on_post_page(self, output: str, page, config) -> str:
        """Keep a plan's title text inside the theme's `<title>` element, and have the search
        index load when a reader first searches (see `search-on-demand.js`)."""
        from planbook.site.markup import safe_title_element

        title = (page.meta or {}).get("title") or page.title
        output = safe_title_element(output, str(title)) if title else output
        if any(name.split("/")[-1] == "search" for name in config.plugins) and \
                "</head>" in output:
            from mkdocs.utils import get_relative_url

            src = get_relative_url(ON_DEMAND, page.url)
            output = output.replace("</head>", f'<script src="{src}"></script></head>', 1)
        if _ours(page) and _quiet(config):
            page.content = ""  # written out and indexed: nothing reads it again
        return output

    def on_serve(self, server, config, builder):
        plans_dir = self.settings(config).plans_path(self.root)
        if plans_dir.is_dir():
            server.watch(os.fspath(plans_dir))
        return server


def home_page(site_name: str, output_dir: str, count: int) -> str:
    """The site's home page when the docs folder has none: a repository of plans alone."""
    from planbook.site.markup import md_escape

    return (f"# {md_escape(site_name or 'Plans')}\n\n{count} plan{'s' if count != 1 else ''}: "
            f"[all plans]({output_dir}/index.md) · [status board]({output_dir}/board.md) · "
            f"[dependencies]({output_dir}/dependencies.md)\n")


def _local_worker_shim(config) -> None:
    """Material's offline plugin loads its search worker shim from a CDN; use our copy.

    Whichever of the two plugins runs first, the shim ends up local: ours counts as present
    for the offline plugin, and a CDN address it already added is replaced.
    """
    polyfills = [p for p in config.extra.get("polyfills") or []]
    remote = [p for p in polyfills if "iframe-worker" in str(p) and "//" in str(p)]
    offline = any(name.split("/")[-1] == "offline" for name in config.plugins)
    kept = [p for p in polyfills if p not in remote]
    if (remote or offline) and not any("iframe-worker" in str(p) for p in kept):
        kept.append(SHIM)
    config.extra["polyfills"] = kept


def _cache_folder(plans_dir: Path, root: Path) -> Path | None:
    """The planbook configuration's cache folder (that of `planbook lint`), if it has one;
    beside mkdocs.yml when there is no configuration."""
    from planbook.config import ConfigError, load_config

    try:
        config = load_config(start=plans_dir if plans_dir.is_dir() else root)
    except ConfigError:
        return None
    if not config.cache_dir:
        return None
    return (config.root if config.source else root) / config.cache_dir


def _ours(page) -> bool:
    return getattr(page.file, "generated_by", None) == "planbook"


def _quiet(config) -> bool:
    return all(name.split("/")[-1] in QUIET_PLUGINS for name in config.plugins)


def _search_skips_unindexed(config) -> bool:
    """Whether the site's search plugin is Material's, which leaves out of its index every
    element marked `data-search-exclude` (MkDocs' own indexes them)."""
    found = [plugin for name, plugin in config.plugins.items()
             if name.split("/")[-1] == "search"]
    return bool(found) and all(type(p).__module__.startswith("material.plugins.search")
                               for p in found)


def _holds_html(config) -> bool:
    """Whether the generated pages' HTML blocks may skip Python-Markdown (see `held`): only
    with plugins that read no page's Markdown, and Markdown extensions known to leave raw
    HTML alone."""
    from planbook.site.reuse import extensions_read_only_the_page

    names = {ext if isinstance(ext, str) else type(ext).__module__
             for ext in config.markdown_extensions}
    return _quiet(config) and extensions_read_only_the_page(config) and \
        not names & REWRITE_HTML


def _sections(items):
    for item in items:
        if item.is_section:
            yield item
            yield from _sections(item.children)


def _pages(section):
    for item in section.children:
        if item.is_section:
            yield from _pages(item)
        elif item.is_page:
            yield item


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        log.info("%s is generated by planbook; the file in the docs folder is not used",
                 file.src_uri)
        files.remove(existing)
    files.append(file)
