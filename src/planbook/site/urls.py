"""Where the site's pages go and how they link to each other.

`Options` say how the site is laid out and linked; `Layout` places every page from the file
names alone, before any plan is parsed, so links between plans can be written in the worker
that parses a plan. `url_of` and `href` follow MkDocs' own rules for URLs, with and without
directory URLs.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import quote

from planbook.records import record

RESERVED = {"index", "readme", "board", "dependencies"}  # names our own pages take


@record
class Options:
    """How pages are laid out and linked; `pages.Settings.options` derives them."""

    output_dir: str = "plans"  # folder of the generated pages, relative to the docs root
    rules_dir: str = "rules"  # where the rule pages are, relative to the docs root
    directory_urls: bool = True  # MkDocs' use_directory_urls: IP-1.md → IP-1/ or IP-1.html
    diagrams: bool = True
    source_url: str = ""  # base for links to a plan's source, such as a repository's blob URL
    docs_dir: str = ""  # the docs folder as seen from the plans folder ("../docs"), if any


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
        self.data = posixpath.join(self.out, "plans.json")

    def link(self, from_page: str, to_path: str) -> str:
        return href(from_page, to_path, self.options.directory_urls)
