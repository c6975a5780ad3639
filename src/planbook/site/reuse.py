"""Pages MkDocs rendered before, used again when nothing they are made from has changed.

MkDocs renders every page on every build: its Markdown to HTML, then the theme's template
around it. Between two builds of a site of plans most pages are the same (the rule reference,
the guide, every plan but the one being edited), so the plugin keeps both results, keyed by a
digest of everything each is made from, and hands them back instead of rendering again:

- the Markdown step (`Page.render`): the page's Markdown and the HTML blocks it holds out
  (`held`), its address, every file of the site with its address (links resolve against
  them), the Markdown extensions and their settings;
- the template step: the page's HTML, title, table of contents and metadata, its edit and
  canonical addresses, the whole navigation (every title and address in it), the template,
  the config, the theme's own files and the versions of MkDocs, the theme and planbook.

Results are kept in memory for the rebuilds of one `mkdocs serve`, and those of the pages
the caller names (the plugin: every page but the plans', such as the rule reference) on disk
in the cache folder, for the next build. Nothing is reused from a render that logged
something (its warning must come again), nor with a Markdown extension that reads other
files, and the template step only with plugins known to leave a page's context alone.
What a reused page writes is byte for byte what MkDocs would have written. The theme's
compiled templates are kept with Jinja's own bytecode cache in the same folder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import sysconfig
import zlib
from collections.abc import Mapping
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

FORMAT = 2  # 2: a page's HTML kept compressed in the file too
FILE = "site-pages.json"
TEMPLATES = "templates"  # Jinja's bytecode cache, in the cache folder
BUILTIN = frozenset({"abbr", "admonition", "attr_list", "codehilite", "def_list", "extra",
                     "fenced_code", "footnotes", "legacy_attrs", "legacy_em", "md_in_html",
                     "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks"})
OTHER_FILES = frozenset({"pymdownx.snippets"})  # extensions that include other files
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# settings that change where a build goes or how it is watched, not what a page says
UNUSED = frozenset({"site_dir", "dev_addr", "watch", "strict", "plugins", "theme",
                    "config_file_path", "_current_page"})


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    return ADDRESS.sub("", repr(value))


def _hash(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def extensions_read_only_the_page(config) -> bool:
    """Whether every Markdown extension renders from the page's text alone."""
    for ext in config.markdown_extensions:
        name = ext if isinstance(ext, str) else type(ext).__module__
        if name.removeprefix("markdown.extensions.") in BUILTIN:
            continue
        if name.startswith(("material.extensions.", "pymdownx.")) and name not in OTHER_FILES:
            continue
        return False
    return True


def _theme_files(theme) -> list:
    """The theme's folders: an installed theme by its version, a project's own by its files."""
    installed = {Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}
    found = []
    for folder in theme.dirs:
        path = Path(folder).resolve()
        if any(path.is_relative_to(root) for root in installed):
            found.append(str(path))
            continue
        for item in sorted(path.rglob("*")):
            if item.is_file():
                info = item.stat()
                found.append((item.relative_to(path).as_posix(), info.st_size, info.st_mtime_ns))
    return found


def _versions() -> list:
    import mkdocs

    from planbook.cache import run_key

    versions = [mkdocs.__version__, run_key("site", FORMAT)]
    try:
        import material

        versions.append(material.__version__)
    except ImportError:
        pass
    return versions


def build_digest(config, files) -> str:
    """What every page of this build is made from besides its own text: versions, config,
    theme, the Markdown settings and every file of the site with its address."""
    settings = {k: v for k, v in config.items() if k not in UNUSED}
    plugins = {name: dict(plugin.config) for name, plugin in config.plugins.items()}
    theme = {"vars": dict(config.theme), "dirs": _theme_files(config.theme),
             "static": sorted(config.theme.static_templates)}
    site = [(f.src_uri, f.dest_uri, f.url, f.inclusion.name) for f in files]
    level = logging.getLogger("mkdocs").getEffectiveLevel()
    return _hash(_versions(), settings, plugins, theme, site, level)


def nav_digest(nav) -> str:
    def walk(items):
        return [(type(item).__name__, str(item.title), getattr(item, "url", None),
                 walk(item.children) if item.children else None) for item in items]

    return _hash(walk(nav.items), getattr(nav.homepage, "url", None))


def _text(value: str | bytes) -> str:
    """A page's text as kept (`Reuse.kept_text`): compressed in memory, and in the file
    compressed and then written in base64."""
    if isinstance(value, str):
        value = base64.b64decode(value)
    return zlib.decompress(value).decode("utf-8")


def _stored(value: str | bytes) -> str:
    """A kept text as the file holds it: base64 of the compressed bytes."""
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def _toc_tokens(toc) -> list:
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _toc_tokens(a.children)}
            for a in toc]


class _Heard(logging.Handler):
    """Whether anything was logged while a page rendered."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record):
        self.count += 1


class Reuse:
    """The pages of earlier builds, for the builds of one process (one `mkdocs serve`)."""

    def __init__(self, keep_in_memory: bool = False):
        self.keep_in_memory = keep_in_memory
        self.memory: dict[str, dict] = {}
        self.used: dict[str, dict] = {}  # this build's entries: what the next one keeps
        self.disk: dict[str, dict] = {}
        self.disk_new: dict[str, dict] = {}
        self.folder: Path | None = None
        self.digest = ""
        self.nav = ""
        self.on_disk: set[str] = set()
        self.templates = True
        self.prepared: dict = {}  # each plan's own part of its page (`pages.build`)
        self.rendered: dict[str, list[str]] = {"markdown": [], "template": []}  # this build's
        self.reused = 0  # steps this build took from an earlier one

    def start(self, config, files, folder: Path | None, on_disk: set[str],
              templates: bool) -> None:
        """A new build: `on_disk` are the pages worth keeping for the next process."""
        self.digest = build_digest(config, files)
        self.folder, self.on_disk, self.templates = folder, on_disk, templates
        self.used, self.disk_new = {}, {}
        self.rendered, self.reused = {"markdown": [], "template": []}, 0
        self.disk = {}
        if folder is not None and on_disk:
            from planbook.cache import read_json

            entries = read_json(folder / FILE, FORMAT).get("entries")  # none yet: {}
            self.disk = entries if isinstance(entries, dict) else {}

    def kept_text(self, text: str) -> bytes:
        """A rendered text as an entry keeps it: compressed, whether for the rebuilds of a
        `mkdocs serve` or until the build writes it to disk. Every page carries the whole
        navigation, so at thousands of plans the pages kept are tens of megabytes as text,
        a tenth of that compressed."""
        return zlib.compress(text.encode("utf-8"), 1)

    def kept(self, page) -> bool:
        """Whether what this page renders is kept: by a `mkdocs serve`, or on disk."""
        return self.keep_in_memory or page.file.src_uri in self.on_disk

    def _get(self, key: str, uri: str) -> tuple[dict, dict[str, str]] | None:
        """The entry kept under `key`, with its texts decoded; None when there is none, or
        one that cannot be read (a damaged file): the page is rendered again."""
        entry = self.memory.get(key) or self.disk.get(key)
        if not isinstance(entry, dict):
            return None
        try:
            texts = {name: _text(entry[name]) for name in ("html", "content") if name in entry}
        except (ValueError, TypeError, zlib.error):
            return None
        self._keep(key, entry, uri)
        return entry, texts

    def _keep(self, key: str, entry: dict, uri: str) -> None:
        if self.keep_in_memory:
            self.used[key] = entry
        if uri in self.on_disk:
            self.disk_new[key] = entry

    def markdown(self, page, markdown: str, held: tuple[str, ...] = ()) -> None:
        """Give the page a render that reuses an earlier one, or that keeps what it makes.
        `held` are the HTML blocks the page's Markdown holds out (see `held`): part of what
        the page is made from, though they are put back after this step."""
        original = page.render
        if not self.kept(page):  # nothing of it was kept, nor will be: only count it
            def counted(config, files):
                original(config, files)
                self.rendered["markdown"].append(page.file.src_uri)

            page.render = counted
            return
        key = "md:" + _hash(self.digest, page.file.src_uri, page.url, markdown, held)
        found = self._get(key, page.file.src_uri)
        if found is not None and "content" in found[1]:
            entry, texts = found

            def reused(config, files):
                from mkdocs.structure.toc import get_toc

                page.content = texts["content"]
                page.toc = get_toc(entry["toc"])
                page._title_from_render = entry["title"]
                page.present_anchor_ids = set(entry["anchors"])
                if entry["links"] is not None:
                    page.links_to_anchors = {files.get_file_from_path(uri): dict(links)
                                             for uri, links in entry["links"].items()}
                self.reused += 1

            page.render = reused
            return

        def render(config, files):
            heard = _Heard()
            # MkDocs' command line stops its records at the "mkdocs" logger: listen there too
            loggers = (logging.getLogger(), logging.getLogger("mkdocs"))
            for logger in loggers:
                logger.addHandler(heard)
            try:
                original(config, files)
            finally:
                for logger in loggers:
                    logger.removeHandler(heard)
            self.rendered["markdown"].append(page.file.src_uri)
            links = page.links_to_anchors
            if heard.count or (links and None in links):
                return
            self._keep(key, {
                "content": self.kept_text(page.content),
                "toc": _toc_tokens(page.toc),
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": None if links is None else
                {f.src_uri: dict(v) for f, v in links.items()}}, page.file.src_uri)

        page.render = render

    def install(self, env, config, nav) -> None:
        """Have each page's template render come from an earlier build when it can."""
        if self.folder is not None:
            folder = self.folder / TEMPLATES
            try:
                folder.mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = _CompiledTemplates(os.fspath(folder))
            except OSError:
                pass
        if not self.templates:
            return
        self.nav = nav_digest(nav)
        original = env.get_template
        served = {"page": None}

        def get_template(name, parent=None, globals=None):
            page = config._current_page
            if page is None or page is served["page"] or parent is not None:
                return original(name, parent, globals)
            served["page"] = page
            if not self.kept(page):
                self.rendered["template"].append(page.file.src_uri)
                return original(name, parent, globals)
            return _Template(self, lambda: original(name, parent, globals), name, page)

        env.get_template = get_template

    def template_key(self, name: str, page, context) -> str:
        neighbours = [(p.url, str(p.title)) if p else None
                      for p in (page.previous_page, page.next_page)]
        return "html:" + _hash(
            self.digest, self.nav, name, page.file.src_uri, page.url, page.canonical_url,
            page.edit_url, str(page.title), page.meta, page.content, _toc_tokens(page.toc),
            page.is_homepage, neighbours, context.get("base_url"))

    def finish(self) -> None:
        """Keep this build's entries for the next rebuild, and the disk ones for the next
        process, written atomically (two builds at once: the later one's entries win)."""
        self.memory = self.used if self.keep_in_memory else {}
        self.used = {}
        if self.folder is None or set(self.disk_new) <= set(self.disk):
            return  # nothing rendered that the file lacks
        kept = {k: {name: _stored(value) if name in ("html", "content") else value
                    for name, value in v.items()} for k, v in self.disk_new.items()}
        self.disk_new = {}
        from planbook.cache import write_json

        try:
            write_json(self.folder, FILE, {"format": FORMAT, "entries": kept})
        except OSError:
            pass  # a read-only checkout: the next build renders again


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a file that cannot be read or written means compiling."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: compile the template instead
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a read-only folder


class _Template:
    """Stands for a page's template: its output comes from an earlier build when the key
    matches, else from the template, loaded only then."""

    def __init__(self, reuse: Reuse, load, name: str, page):
        self.reuse, self.load, self.name, self.page = reuse, load, name, page

    def render(self, context) -> str:
        reuse, page = self.reuse, self.page
        key = reuse.template_key(self.name, page, context)
        found = reuse._get(key, page.file.src_uri)
        if found is not None and "html" in found[1]:
            reuse.reused += 1
            return found[1]["html"]
        output = self.load().render(context)
        reuse.rendered["template"].append(page.file.src_uri)
        reuse._keep(key, {"html": reuse.kept_text(output)}, page.file.src_uri)
        return output
