"""`planbook site export`: the plugin's files written to a folder, for other generators.

MkDocs 1.6 is the last of its line; generators that read mkdocs.yml can take these Markdown
files as ordinary docs. The settings come from the planbook entry of mkdocs.yml when there is
one, and the files from `pages.site_files`, as the plugin's do: an export and a plugin build
of the same project produce the same pages.
"""

from __future__ import annotations

import shutil
from dataclasses import fields
from pathlib import Path

import yaml

from planbook.site.pages import Settings, site_files


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml without running or rejecting its `!!python/…` and `!ENV` tags."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)
# what the planbook entry of mkdocs.yml may set; the other settings are MkDocs' own
PLUGIN_KEYS = {f.name for f in fields(Settings)} - {"directory_urls", "docs_dir", "repo_url"}


def read_settings(mkdocs_yml: Path | None) -> Settings:
    settings = Settings()
    if mkdocs_yml is None or not mkdocs_yml.is_file():
        return settings
    data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_Loader) or {}
    settings.docs_dir = str(data.get("docs_dir") or "docs")
    settings.directory_urls = bool(data.get("use_directory_urls", True))
    settings.repo_url = str(data.get("repo_url") or "")
    for item in data.get("plugins") or []:
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if name.split("/")[-1] == "offline" and (options or {}).get("enabled", True):
            settings.directory_urls = False  # as Material's offline plugin does
        if name == "planbook":
            for key, value in (options or {}).items():
                if key in PLUGIN_KEYS:
                    setattr(settings, key, value)
    return settings


def export(folder: str | Path, settings: Settings, root: Path) -> int:
    """Write every file of the site under `folder` (the rule pages only when `folder` has
    none); return how many."""
    folder = Path(folder)
    _, files = site_files(settings, root, in_docs=lambda path: (folder / path).is_file())
    for file in files:
        target = folder / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.text is not None:
            target.write_text(file.text, encoding="utf-8")
        else:
            shutil.copyfile(file.source, target)
    return len(files)
