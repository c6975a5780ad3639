"""`planbook site export`: the plugin's pages as files, usable by a generator without planbook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planbook.cli import cli
from planbook.config import Config
from planbook.site import export, pages
from planbook.site.load import load
from planbook.site.urls import Options

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-06-01")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "plans").mkdir()
    text = (FIXTURES / "clean.md").read_text().replace("(notes.md)", "(../docs/index.md)")
    (tmp_path / "plans" / "IP-1-retry.md").write_text(text)
    (tmp_path / "plans" / "IP-2-other.md").write_text(
        text.replace('title: "Webhook Retry Queue"', 'title: "Other"').replace(
            'doc_type: "IP"', 'doc_type: "IP"\ndepends_on: ["IP-1"]'))
    (tmp_path / "plans" / "chart.png").write_bytes(b"\x89PNG\r\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def exported(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file()}


def test_export_writes_the_pages_the_plugin_renders(project):
    result = CliRunner().invoke(cli, ["site", "export", "out", "--no-git"])
    assert result.exit_code == 0, result.output
    files = exported(project / "out")
    site = load(project / "plans", config=Config(root=project), git=False)
    rendered = pages.render(site, Options(docs_dir="../docs"))
    for path, text in rendered.items():
        assert files[path] == text, path
    assert "plans/chart.png" in files
    assert {"assets/planbook/planbook.css", "assets/planbook/planbook.js"} <= set(files)
    assert "rules/index.md" in files and "rules/FM001.md" in files
    assert f"wrote {len(files)} files to out" in result.output


def test_settings_come_from_mkdocs_yml(project):
    (project / "mkdocs.yml").write_text(
        "site_name: x\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - offline\n"
        "  - planbook:\n      output_dir: work\n      diagrams: false\n")
    settings = export.read_settings(project / "mkdocs.yml")
    assert settings.output_dir == "work" and settings.diagrams is False
    assert settings.directory_urls is False  # the offline plugin turns directory URLs off
    result = CliRunner().invoke(cli, ["site", "export", "out", "--no-git"])
    assert result.exit_code == 0, result.output
    index = (project / "out" / "work" / "index.md").read_text()
    assert 'href="IP-1-retry.html"' in index
    assert "<svg" not in (project / "out" / "work" / "IP-1-retry.md").read_text()


def test_existing_rule_pages_are_left_alone(project):
    (project / "out" / "rules").mkdir(parents=True)
    (project / "out" / "rules" / "index.md").write_text("# Our rules\n")
    assert CliRunner().invoke(cli, ["site", "export", "out", "--no-git"]).exit_code == 0
    assert (project / "out" / "rules" / "index.md").read_text() == "# Our rules\n"
    assert not (project / "out" / "rules" / "FM001.md").exists()


def test_plain_mkdocs_builds_the_export_strictly(project):
    """A generator that knows nothing of planbook builds the exported Markdown."""
    assert CliRunner().invoke(cli, ["site", "export", "docs", "--no-git"]).exit_code == 0
    (project / "mkdocs.yml").write_text(
        "site_name: exported\ntheme:\n  name: material\n  font: false\n"
        "extra_css: [assets/planbook/planbook.css]\n"
        "extra_javascript: [assets/planbook/planbook.js]\n")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project,
                          capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr
    page = (project / "site" / "plans" / "IP-1-retry" / "index.html").read_text()
    assert "Webhook Retry Queue" in page and "pb-card" in page
    assert (project / "site" / "rules" / "FM001" / "index.html").is_file()


def test_lint_never_loads_the_site(project):
    """`planbook lint` starts without MkDocs, the sanitiser or the site package."""
    code = ("import sys\nfrom planbook.cli import main\nsys.argv = ['planbook', 'lint', '-q']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('mkdocs', 'material', 'nh3', 'git', 'planbook.site') "
            "if m in sys.modules]\n"
            "print('heavy:', heavy, 'linted:', 'planbook.rules' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True,
                          text=True)
    assert "heavy: [] linted: True" in proc.stdout, proc.stdout + proc.stderr


def test_export_writes_every_file_the_core_yields(project):
    """The plugin and the export take their files from one function: the export writes
    exactly those, generated text as text and the plans' own files as copies."""
    settings = export.read_settings(None)
    settings.git = False
    site, files = pages.site_files(settings, project, in_docs=lambda path: False)
    assert export.export(project / "out", settings, project) == len(files)
    written = exported(project / "out")
    assert set(written) == {f.path for f in files}
    for file in files:
        if file.text is not None:
            assert written[file.path] == file.text, file.path
        else:
            assert (project / "out" / file.path).read_bytes() == file.source.read_bytes()
    assert "plans/chart.png" in written and "rules/index.md" in written
    assert len(site.entries) == 2


def test_attachments_that_could_run_script_are_never_published(project):
    plans = project / "plans"
    (plans / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">'
                                       '<use href="#a"/><circle r="4"/></svg>')
    hostile = {
        "page.html": "<script>window.__pwned = 1</script>",
        "page.XHTML": "<html><script>1</script></html>",
        "feed.xml": '<x:script xmlns:x="http://www.w3.org/1999/xhtml">1</x:script>',
        "onload.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "script.svg": "<svg><script>alert(1)</script></svg>",
        "link.svg": '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
        "html-inside.svg": "<svg><foreignObject><iframe src=x></iframe></foreignObject></svg>",
        "app.js": "alert(1)",
    }
    for name, text in hostile.items():
        (plans / name).write_text(text)
    result = CliRunner().invoke(cli, ["site", "export", "out", "--no-git"])
    assert result.exit_code == 0, result.output
    published = {p.name for p in (project / "out" / "plans").iterdir()}
    assert {"chart.png", "drawing.svg"} <= published
    assert published & set(hostile) == set()
