"""The `planbook` MkDocs plugin: hands MkDocs the pages `planbook.site.pages` builds.

All it does is MkDocs glue: read its config, load and render the plans once per build,
add the results as generated files, ship the stylesheet and script, make sure the rule pages
the findings link to exist, and have `mkdocs serve` watch the plans folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from planbook.site import pages

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"
ASSET_DIR = "assets/planbook"
SHIM = f"{ASSET_DIR}/iframe-worker-shim.js"


class PlanbookConfig(base.Config):
    plans_dir = c.Type(str, default="plans")  # relative to the folder of mkdocs.yml
    output_dir = c.Type(str, default="plans")  # where the pages go in the site
    rules_dir = c.Type(str, default="rules")  # where the rule pages are (or are generated)
    diagrams = c.Type(bool, default=True)
    git = c.Type(bool, default=True)  # history from git; off for a tarball or a shallow clone
    source_url = c.Type(str, default="")  # e.g. https://example.org/org/repo/blob/main


class PlanbookPlugin(BasePlugin[PlanbookConfig]):
    def on_config(self, config):
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.plans_dir = (self.root / self.config.plans_dir).resolve()
        for path, extra in (("planbook.css", config.extra_css),
                            ("planbook.js", config.extra_javascript)):
            url = f"{ASSET_DIR}/{path}"
            if url not in [str(item) for item in extra]:
                extra.append(url)
        _local_worker_shim(config)
        return config

    def on_files(self, files: Files, config) -> Files:
        from planbook.config import ConfigError

        options = pages.Options(
            output_dir=self.config.output_dir, rules_dir=self.config.rules_dir.strip("/"),
            directory_urls=config.use_directory_urls, diagrams=self.config.diagrams,
            source_url=self.config.source_url,
            docs_dir=Path(os.path.relpath(config.docs_dir, self.plans_dir)).as_posix())
        try:
            site, generated = pages.build(self.plans_dir, options, git=self.config.git,
                                          root=self.root)
        except (ConfigError, ValueError) as exc:
            raise PluginError(f"planbook: {exc}") from None
        if site.shallow:
            log.warning(
                "the plans come from a shallow git clone: first-commit dates and authors are "
                "cut off at the clone's depth. Fetch the whole history (for example "
                "'fetch-depth: 0' on a CI checkout) or set 'git: false' for the planbook plugin.")
        out = options.output_dir.strip("/")
        sources = {f"{out}/{rel}": str(self.plans_dir / rel) for rel in site.attachments}
        sources.update({f"{ASSET_DIR}/{p.name}": str(p) for p in ASSETS.iterdir() if p.is_file()})
        if files.get_file_from_path(f"{options.rules_dir}/index.md") is None:
            generated.update(_rule_pages(options.rules_dir))
        for path, content in generated.items():
            _replace(files, File.generated(config, path, content=content))
        for path, source in sources.items():
            _replace(files, File.generated(config, path, abs_src_path=source))
        log.info("%d plans rendered into %s/", len(site.entries), out)
        return files

    def on_post_page(self, output: str, page, config) -> str:
        """Keep a plan's title text inside the theme's `<title>` element."""
        from planbook.site.markup import safe_title_element

        title = (page.meta or {}).get("title") or page.title
        return safe_title_element(output, str(title)) if title else output

    def on_serve(self, server, config, builder):
        if self.plans_dir.is_dir():
            server.watch(os.fspath(self.plans_dir))
        return server


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


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        log.info("%s is generated by planbook; the file in the docs folder is not used",
                 file.src_uri)
        files.remove(existing)
    files.append(file)


def _rule_pages(folder: str) -> dict[str, str]:
    """The rule reference, for sites whose docs folder does not carry docs/rules/."""
    from planbook.docs import index_page, rule_page
    from planbook.rules import all_rules

    rules = all_rules()
    out = {f"{folder}/{rule.code}.md": rule_page(rule) for rule in rules.values()}
    out[f"{folder}/index.md"] = index_page(rules)
    return out
