"""The MkDocs plugin, run the way users run it: `mkdocs build --strict` on a small project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MKDOCS = """\
site_name: Plans
theme:
  name: material
  font: false
plugins:
  - search
{offline}  - planbook{options}
"""


def run(args, cwd, **env):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env={
        **os.environ, "NO_MKDOCS_2_WARNING": "1", "PLANBOOK_TODAY": "2026-06-01",
        "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, **env})


def build(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", *extra], project)


def make_project(root: Path, offline: bool = True, options: str = "", plans: bool = True,
                 git: bool = True) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n\nSee the [plans](plans/index.md).\n")
    text = (FIXTURES / "clean.md").read_text().replace("(notes.md)", "(../docs/index.md)")
    if plans:
        (root / "plans").mkdir()
        (root / "plans" / "IP-1-retry.md").write_text(text)
        (root / "plans" / "IP-2-broken.md").write_text(text.replace('status: "in-progress"',
                                                                     "status: shipped"))
    (root / "mkdocs.yml").write_text(MKDOCS.format(
        offline="  - offline\n" if offline else "", options=options))
    if git:
        run(["git", "init", "-q", "-b", "main"], root)
        run(["git", "add", "."], root)
        run(["git", "commit", "-qm", "Plans"], root)
    return root


def test_strict_build_with_offline_plugin(tmp_path):
    project = make_project(tmp_path / "p")
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    index = (site / "plans" / "index.html").read_text()
    assert 'href="IP-1-retry.html"' in index  # offline: no directory URLs, links follow
    assert "Webhook Retry Queue" in index
    page = (site / "plans" / "IP-2-broken.html").read_text()
    assert 'href="../rules/FM007.html"' in page  # status 'shipped' is not allowed
    assert (site / "plans" / "plans.json").is_file()
    assert (site / "plans" / "IP-1-retry.md.txt").read_text() == \
        (project / "plans" / "IP-1-retry.md").read_text()
    # docs/ has no rule pages, so the plugin generated them
    assert (site / "rules" / "FM007.html").is_file() and (site / "rules" / "index.html").is_file()
    assert (site / "assets" / "planbook" / "planbook.js").is_file()
    assert 'src="../assets/planbook/planbook.js"' in index
    # the offline plugin's search worker shim is ours, not a CDN's
    assert 'src="../assets/planbook/iframe-worker-shim.js"' in index
    assert "unpkg.com" not in index
    assert "planbook: 2 plans rendered" in result.stderr


def test_no_page_references_another_host(tmp_path):
    project = make_project(tmp_path / "p")
    assert build(project).returncode == 0
    pattern = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//')
    for page in (project / "site").rglob("*.html"):
        assert not pattern.search(page.read_text()), page


def test_directory_urls_without_offline(tmp_path):
    project = make_project(tmp_path / "p", offline=False)
    result = build(project)
    assert result.returncode == 0, result.stderr
    index = (project / "site" / "plans" / "index.html").read_text()
    assert 'href="IP-1-retry/"' in index
    page = (project / "site" / "plans" / "IP-1-retry" / "index.html").read_text()
    assert '<a href="../../" rel="noopener noreferrer">retry queue design notes</a>' in page


def test_plugin_options(tmp_path):
    project = make_project(tmp_path / "p", options=":\n      output_dir: work\n"
                                                   "      diagrams: false\n      git: false\n"
                                                   "      source_url: https://example.org/r/blob/main\n")
    (project / "docs" / "index.md").write_text("# Home\n\nSee the [plans](work/index.md).\n")
    result = build(project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "work" / "IP-1-retry.html").read_text()
    assert "<svg" not in page.split('class="md-content"')[1].split("</article>")[0]
    assert 'href="https://example.org/r/blob/main/plans/IP-1-retry.md"' in page
    assert "Git authors" not in page


@pytest.mark.parametrize("plans", [False, True])
def test_empty_or_missing_plans_folder_builds(tmp_path, plans):
    project = make_project(tmp_path / "p", plans=False)
    if plans:
        (project / "plans").mkdir()
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "No plans yet" in (project / "site" / "plans" / "index.html").read_text()


def test_outside_git_builds_quietly(tmp_path):
    project = make_project(tmp_path / "p", git=False)
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


def test_shallow_clone_warns_once(tmp_path):
    origin = make_project(tmp_path / "origin")
    (origin / "plans" / "IP-1-retry.md").write_text(
        (origin / "plans" / "IP-1-retry.md").read_text() + "\nOne more line.\n")
    run(["git", "commit", "-qam", "Edit"], origin)
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], tmp_path)
    result = build(clone)
    assert result.returncode == 1
    assert result.stderr.count("shallow git clone") == 1
    text = (clone / "mkdocs.yml").read_text().replace("- planbook", "- planbook:\n      git: false")
    (clone / "mkdocs.yml").write_text(text)
    assert build(clone).returncode == 0


def test_uncommitted_plans_are_marked(tmp_path):
    project = make_project(tmp_path / "p")
    shutil.copy(project / "plans" / "IP-1-retry.md", project / "plans" / "IP-3-new.md")
    assert build(project).returncode == 0
    index = (project / "site" / "plans" / "index.html").read_text()
    row = next(r for r in index.split("<tr ") if "IP-3-new.md" in r)
    assert "uncommitted" in row
    other = next(r for r in index.split("<tr ") if "IP-1-retry.md" in r)
    assert "uncommitted" not in other


def test_serve_watches_the_plans_folder(tmp_path):
    from mkdocs.config import load_config

    project = make_project(tmp_path / "p", git=False)
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["planbook"]
    config = plugin.on_config(config)
    watched = []

    class Server:
        def watch(self, path, *args, **kwargs):
            watched.append(path)

    plugin.on_serve(Server(), config=config, builder=None)
    assert watched == [str((project / "plans").resolve())]


def test_bad_planbook_config_stops_the_build_with_its_message(tmp_path):
    project = make_project(tmp_path / "p", git=False)
    (project / "pyproject.toml").write_text("[tool.planbook]\npathz = ['plans']\n")
    result = build(project)
    assert result.returncode == 1
    assert "planbook:" in result.stderr and "pathz" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("settings", [
    "repo_url: https://git.example.org/team/repo\nedit_uri: edit/main/docs/\n",
    "edit_uri: https://git.example.org/team/repo/edit/main/docs/\n",
])
def test_edit_link_leads_to_the_plan_itself(tmp_path, settings):
    project = make_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  font: false\n", "  font: false\n  features: [content.action.edit]\n") + settings)
    result = build(project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "plans" / "IP-1-retry.html").read_text()
    edits = re.findall(r'<a href="([^"]+)"[^>]*rel="edit"', page)
    assert edits == ["https://git.example.org/team/repo/edit/main/plans/IP-1-retry.md"]
    home = (project / "site" / "index.html").read_text()
    assert "https://git.example.org/team/repo/edit/main/docs/index.md" in home
    index = (project / "site" / "plans" / "index.html").read_text()
    assert "/edit/" not in index  # a generated page has no file to edit


def test_plans_only_repository_builds_with_a_home_page(tmp_path):
    root = tmp_path / "p"
    (root / "plans").mkdir(parents=True)
    text = (FIXTURES / "clean.md").read_text().replace("(notes.md)", "(IP-1-retry.md)")
    (root / "plans" / "IP-1-retry.md").write_text(text)
    (root / "plans" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "mkdocs.yml").write_text(MKDOCS.format(offline="  - offline\n", options="")
                                     .replace("site_name: Plans\n",
                                              "site_name: Plans\ndocs_dir: plans\n"))
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    home = (site / "index.html").read_text()
    assert 'href="plans/index.html"' in home and 'href="plans/board.html"' in home
    assert (site / "plans" / "IP-1-retry.html").is_file()
    assert (site / "plans" / "diagram.png").is_file()
    # the plans are published once, by the plugin: not also as raw pages of the docs folder
    assert not (site / "IP-1-retry.html").exists() and not (site / "diagram.png").exists()
