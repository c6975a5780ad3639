"""`planbook site export`: the plugin's pages as plain files, for generators other than MkDocs.

MkDocs 1.6 is the last of its line; generators that read mkdocs.yml can take these Markdown
files as ordinary docs. The options come from the planbook entry of mkdocs.yml when there is
one, so an export and a plugin build of the same project produce the same pages.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from planbook.site import pages

ASSETS = Path(__file__).parent / "assets"
ASSET_DIR = "assets/planbook"


@dataclass
class Settings:
    """The plugin's options as read from mkdocs.yml (or their defaults)."""

    plans_dir: str = "plans"
    output_dir: str = "plans"
    rules_dir: str = "rules"
    diagrams: bool = True
    git: bool = True
    source_url: str = ""
    directory_urls: bool = True
    docs_dir: str = "docs"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml without running or rejecting its `!!python/…` and `!ENV` tags."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(mkdocs_yml: Path | None) -> Settings:
    settings = Settings()
    if mkdocs_yml is None or not mkdocs_yml.is_file():
        return settings
    data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_Loader) or {}
    settings.docs_dir = str(data.get("docs_dir") or "docs")
    settings.directory_urls = bool(data.get("use_directory_urls", True))
    for item in data.get("plugins") or []:
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if name.split("/")[-1] == "offline" and (options or {}).get("enabled", True):
            settings.directory_urls = False  # as Material's offline plugin does
        if name == "planbook":
            for key, value in (options or {}).items():
                if hasattr(settings, key) and key not in ("directory_urls", "docs_dir"):
                    setattr(settings, key, value)
    return settings


def export(folder: str | Path, settings: Settings, root: Path) -> int:
    """Write every page, plans.json, the plans' own files, the rule pages (unless `folder`
    already has them) and the stylesheet and script under `folder`; return the file count."""
    folder = Path(folder)
    plans_dir = (root / settings.plans_dir).resolve()
    docs = (root / settings.docs_dir).resolve()
    options = pages.Options(
        output_dir=settings.output_dir, rules_dir=settings.rules_dir.strip("/"),
        directory_urls=settings.directory_urls, diagrams=settings.diagrams,
        source_url=settings.source_url,
        docs_dir=Path(os.path.relpath(docs, plans_dir)).as_posix())
    site, files = pages.build(plans_dir, options, git=settings.git, root=root)
    if not (folder / options.rules_dir / "index.md").is_file():
        from planbook.docs import index_page, rule_page
        from planbook.rules import all_rules

        rules = all_rules()
        files.update({f"{options.rules_dir}/{r.code}.md": rule_page(r) for r in rules.values()})
        files[f"{options.rules_dir}/index.md"] = index_page(rules)
    count = pages.write(files, folder)
    out = options.output_dir.strip("/")
    copies = [(plans_dir / rel, folder / out / rel) for rel in site.attachments]
    copies += [(path, folder / ASSET_DIR / path.name) for path in ASSETS.iterdir()
               if path.is_file()]
    for source, target in copies:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return count + len(copies)

