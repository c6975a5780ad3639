"""Plans in, pages out: every generated page of the site as text, with no MkDocs in sight.

`build` is `load` and `render` with the same options: each plan's own part of its page is
made in the worker that parsed it (`plan_page.prepare`), the pages about all plans after.
The MkDocs plugin and `planbook site export` both take the mapping it returns as it is, so
the two can never drift apart.
"""

from __future__ import annotations

import os
from pathlib import Path

from planbook.site import overview, plan_page
from planbook.site.load import Site, load
from planbook.site.urls import Options
from planbook.site.view import SiteView


def build(plans_dir: str | os.PathLike, options: Options | None = None, **kwargs) \
        -> tuple[Site, dict[str, str]]:
    """`load` and `render` with the same options, the plans' own parts made in parallel."""
    options = options or Options()
    site = load(plans_dir, options=options, prepare=plan_page.prepare, **kwargs)
    return site, render(site, options)


def render(site: Site, options: Options | None = None) -> dict[str, str]:
    """Every generated page as text, keyed by its path from the docs root."""
    view = SiteView(site, options or Options())
    out = {
        view.index: overview.index_page(view),
        view.board: overview.board_page(view),
        view.graph: overview.dependencies_page(view),
        view.data: overview.plans_json(view),
    }
    for entry in site.entries:
        page = view.page[entry.rel]
        out[page] = plan_page.render(view, entry)
        out[page + ".txt"] = entry.plan.text
    return out


def write(files: dict[str, str], folder: str | os.PathLike) -> int:
    """Write rendered files under `folder`; return how many."""
    root = Path(folder)
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return len(files)
