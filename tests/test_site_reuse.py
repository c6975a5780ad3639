"""Pages reused from an earlier build: the same bytes as a build that renders everything, and
only the pages whose sources changed rendered again (see `planbook.site.reuse`)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from test_site_plugin import make_project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def mkdocs(monkeypatch):
    """Builds a project in this process, as `mkdocs build` (a fresh plugin each time) or as the
    rebuilds of one `mkdocs serve` (the same plugin, kept by MkDocs); returns the plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    started = []

    def run(project: Path, site: Path, command: str = "build"):
        monkeypatch.chdir(project)
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        if command == "build" or not started:
            config.plugins.on_startup(command=command, dirty=False)
            started.append(command)
        build(config)
        return config.plugins["planbook"]

    return run


def no_cache(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.planbook]\ncache-dir = ""\n')


def test_pages_reused_from_disk_are_the_bytes_of_a_full_render(tmp_path, mkdocs):
    project = make_project(tmp_path / "p", git=False)
    first = mkdocs(project, tmp_path / "first")
    assert first.reuse.reused == 0
    assert "rules/FM001.md" in first.reuse.rendered["template"]
    again = mkdocs(project, tmp_path / "again")  # a new process would find the same files
    assert "rules/FM001.md" not in again.reuse.rendered["markdown"]
    assert "rules/FM001.md" not in again.reuse.rendered["template"]
    assert "index.md" not in again.reuse.rendered["template"]  # the guide's pages too
    assert "plans/IP-1-retry.md" in again.reuse.rendered["template"]  # plans: serve only
    assert again.reuse.reused >= 2 * 40  # both steps of every rule page
    cold = make_project(tmp_path / "cold", git=False)
    no_cache(cold)
    plain = mkdocs(cold, tmp_path / "plain")
    assert plain.reuse.reused == 0
    assert tree(tmp_path / "again") == tree(tmp_path / "first") == tree(tmp_path / "plain")


def test_serve_rebuild_renders_only_the_edited_plan(tmp_path, mkdocs, monkeypatch):
    from planbook.site import plan_page

    project = make_project(tmp_path / "p", git=False)
    no_cache(project)  # what is reused comes from the first build of this process
    mkdocs(project, tmp_path / "site", "serve")
    plan = project / "plans" / "IP-1-retry.md"
    plan.write_text(plan.read_text().replace("## 3. Test Strategy",
                                       "A new line of text.\n\n## 3. Test Strategy", 1))
    bodies = []
    body = plan_page._body
    monkeypatch.setattr(plan_page, "_body",
                        lambda layout, entry, page: bodies.append(entry.rel) or
                        body(layout, entry, page))
    plugin = mkdocs(project, tmp_path / "site", "serve")
    assert bodies == ["IP-1-retry.md"]  # the plugin rendered the edited plan's text alone
    assert plugin.reuse.rendered["markdown"] == ["plans/IP-1-retry.md"]
    assert plugin.reuse.rendered["template"] == ["plans/IP-1-retry.md"]
    assert "A new line of text." in (tmp_path / "site" / "plans" / "IP-1-retry.html").read_text()
    fresh = make_project(tmp_path / "fresh", git=False)
    no_cache(fresh)
    (fresh / "plans" / "IP-1-retry.md").write_text(plan.read_text())
    mkdocs(fresh, tmp_path / "fresh-site")
    assert tree(tmp_path / "site") == tree(tmp_path / "fresh-site")


def test_a_title_change_renders_every_page_around_the_new_navigation(tmp_path, mkdocs):
    project = make_project(tmp_path / "p", git=False)
    no_cache(project)
    first = mkdocs(project, tmp_path / "site", "serve")
    pages = set(first.reuse.rendered["template"])
    plan = project / "plans" / "IP-2-broken.md"
    plan.write_text(plan.read_text().replace("title:", "title: \"Renamed\"\ntitle_was:", 1)
                    if "title:" in plan.read_text() else "# Renamed\n" + plan.read_text())
    plugin = mkdocs(project, tmp_path / "site", "serve")
    assert set(plugin.reuse.rendered["template"]) == pages  # every page shows the nav
    assert "rules/FM001.md" not in plugin.reuse.rendered["markdown"]  # its HTML is the same


@pytest.mark.parametrize("change", ["config", "version"])
def test_a_config_or_planbook_change_renders_everything(tmp_path, mkdocs, monkeypatch,
                                                         change):
    import planbook

    project = make_project(tmp_path / "p", git=False)
    mkdocs(project, tmp_path / "one")
    if change == "config":
        yml = project / "mkdocs.yml"
        yml.write_text(yml.read_text().replace("font: false", "font: false\n  features:\n"
                                               "    - navigation.top"))
    else:
        monkeypatch.setattr(planbook, "__version__", planbook.__version__ + ".post1")
    plugin = mkdocs(project, tmp_path / "two")
    assert plugin.reuse.reused == 0
    assert "rules/FM001.md" in plugin.reuse.rendered["markdown"]


def test_a_page_that_warned_warns_again(tmp_path, mkdocs, monkeypatch):
    monkeypatch.setattr(logging.getLogger("mkdocs"), "propagate", False)  # as its CLI does
    project = make_project(tmp_path / "p", git=False)
    no_cache(project)
    (project / "docs" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n")
    heard = []

    class Listen(logging.Handler):
        def emit(self, record):
            heard.append(record.getMessage())

    handler = Listen(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        mkdocs(project, tmp_path / "site", "serve")
        plugin = mkdocs(project, tmp_path / "site", "serve")
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    assert sum("missing.md" in message for message in heard) == 2
    assert "broken.md" in plugin.reuse.rendered["markdown"]
    assert "index.md" not in plugin.reuse.rendered["markdown"]


def test_an_unwritable_cache_folder_builds_without_it(tmp_path, mkdocs):
    project = make_project(tmp_path / "p", git=False)
    (project / ".planbook_cache").write_text("not a folder")
    plugin = mkdocs(project, tmp_path / "site")
    assert plugin.reuse.reused == 0
    assert (tmp_path / "site" / "rules" / "FM001.html").is_file()
    assert (project / ".planbook_cache").read_text() == "not a folder"


def test_a_corrupt_cache_file_is_rendered_again(tmp_path, mkdocs):
    project = make_project(tmp_path / "p", git=False)
    mkdocs(project, tmp_path / "one")
    cache = project / ".planbook_cache" / "site-pages.json"
    cache.write_bytes(cache.read_bytes()[: os.path.getsize(cache) // 2])
    plugin = mkdocs(project, tmp_path / "two")
    assert "rules/FM001.md" in plugin.reuse.rendered["template"]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_entries_damaged_inside_a_whole_cache_file_are_rendered_again(tmp_path, mkdocs):
    """The file reads as JSON, but a page's kept text is not what was written: not base64,
    or base64 of bytes that do not decompress."""
    project = make_project(tmp_path / "p", git=False)
    mkdocs(project, tmp_path / "one")
    cache = project / ".planbook_cache" / "site-pages.json"
    data = json.loads(cache.read_text())
    for number, entry in enumerate(data["entries"].values()):
        for name in ("html", "content"):
            if name in entry:
                entry[name] = "not base64!" if number % 2 else "bm90IHpsaWI="
    cache.write_text(json.dumps(data))
    plugin = mkdocs(project, tmp_path / "two")
    assert "rules/FM001.md" in plugin.reuse.rendered["template"]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_the_pages_kept_for_the_next_build_are_held_compressed(tmp_path, mkdocs, monkeypatch):
    """Every page carries the whole navigation: at thousands of plans the rule pages kept
    for the next build are tens of megabytes as text, held until the build ends."""
    from planbook.site import reuse

    held = []
    finish = reuse.Reuse.finish

    def finishing(self):
        held.extend(value for entry in self.disk_new.values()
                    for name, value in entry.items() if name in ("html", "content"))
        finish(self)

    monkeypatch.setattr(reuse.Reuse, "finish", finishing)
    project = make_project(tmp_path / "p", git=False)
    mkdocs(project, tmp_path / "one")
    assert len(held) > 40 and all(isinstance(value, bytes) for value in held)
    cache = project / ".planbook_cache" / "site-pages.json"
    kept = [entry for entry in json.loads(cache.read_text())["entries"].values()
            if "html" in entry]
    assert kept and all("<html" not in entry["html"] for entry in kept)


def test_damaged_files_in_a_read_only_cache_folder_are_rendered_again(tmp_path, mkdocs):
    project = make_project(tmp_path / "p", git=False)
    mkdocs(project, tmp_path / "one")
    cache = project / ".planbook_cache"
    for path in cache.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x00garbage")
    folders = [cache, *[p for p in cache.rglob("*") if p.is_dir()]]
    for folder in folders:
        folder.chmod(0o555)
    try:
        plugin = mkdocs(project, tmp_path / "two")
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert "rules/FM001.md" in plugin.reuse.rendered["template"]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_generated_page_lets_go_of_its_text_once_written(tmp_path, mkdocs):
    project = make_project(tmp_path / "p", git=False)
    plugin = mkdocs(project, tmp_path / "site")
    plan = next(p for p in plugin.nav.pages if p.file.src_uri == "plans/IP-1-retry.md")
    home = next(p for p in plugin.nav.pages if p.file.src_uri == "index.md")
    assert (plan.markdown, plan.content, plan.file.content_string) == ("", "", "")
    assert plan.title == "Webhook Retry Queue"  # the navigation still has it
    assert home.content  # pages of docs/ are left as MkDocs keeps them
    written = (tmp_path / "site" / "plans" / "IP-1-retry.html").read_text()
    assert "Webhook Retry Queue" in written and "pb-body" in written
    copy = tmp_path / "site" / "plans" / "IP-1-retry.md.txt"
    assert copy.read_bytes() == (project / "plans" / "IP-1-retry.md").read_bytes()
